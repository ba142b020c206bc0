#!/usr/bin/env bash
# `npm run bench`: our agent against pgAgent 4.2.2's C++ agent, same machine, same run, same
# schema. Sets up what is missing (scripts/setup.sh builds and installs our extension and agent),
# fetches pgAgent's Debian package into a temporary directory (never into the system: its
# extension files would clash with ours), installs that binary's runtime libraries, and runs the
# compiled bench. Arguments go to the bench (e.g. --quick, --only burst,idle; see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

# The upstream binary's shared libraries (pgagent's Depends in Debian 12).
libs=(libboost-filesystem1.74.0 libboost-thread1.74.0 libpq5)
missing=()
for p in "${libs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

upstream=$(mktemp -d -t pgagent-upstream-XXXXXX)
trap 'rm -rf "$upstream"' EXIT
chmod 755 "$upstream" # apt's sandbox user must be able to write the download here
if ! (cd "$upstream" && apt-get download -qq pgagent 2>/dev/null); then
  $SUDO apt-get update -qq
  (cd "$upstream" && apt-get download -qq pgagent)
fi
dpkg-deb -x "$upstream"/pgagent_*.deb "$upstream/root"
echo "bench: upstream $(dpkg-deb -f "$upstream"/pgagent_*.deb Package Version | paste -sd' ') in $upstream/root"

node dist/scripts/bench/main.js --upstream "$upstream/root/usr/bin/pgagent" "$@"
