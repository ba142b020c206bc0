#!/usr/bin/env bash
# Fetches pgAgent 4.2's C++ agent from Debian's package into .scratch/upstream (never into the
# system: the package's extension files would clash with ours), installs its runtime libraries,
# and prints the binary's path. Used by the interop tests and the benchmarks; nothing of it is
# committed.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
dir=$PWD/.scratch/upstream
bin=$dir/root/usr/bin/pgagent

apt_install() {
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# The binary's shared libraries (the package's Depends in Debian 12).
libs=(libboost-filesystem1.74.0 libboost-thread1.74.0 libpq5)
missing=()
for p in "${libs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] || { echo "upstream-pgagent: installing ${missing[*]}" >&2; apt_install "${missing[@]}"; }

if [ ! -x "$bin" ]; then
  rm -rf "$dir" && mkdir -p "$dir"
  chmod 755 "$dir" # apt's download sandbox user must be able to write here
  if ! (cd "$dir" && apt-get download -qq pgagent 2>/dev/null); then
    $SUDO apt-get update -qq
    (cd "$dir" && apt-get download -qq pgagent)
  fi
  dpkg-deb -x "$dir"/pgagent_*.deb "$dir/root"
  echo "upstream-pgagent: $(dpkg-deb -f "$dir"/pgagent_*.deb Package Version | paste -sd' ') in $dir/root" >&2
fi
echo "$bin"
