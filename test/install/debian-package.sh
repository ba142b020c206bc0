#!/usr/bin/env bash
# Usage: debian-package.sh DEB OUT   (as root; run by debian-package.test.ts)
# Installs Debian's pgagent package into the system for the length of the run, tries
# `make install` against the system's PostgreSQL (it must refuse and write nothing), follows the
# message's dpkg-divert advice (make install then works), and puts everything back: our files
# out, the diversions removed, the package purged, pgagent files that were there before restored.
# Results go into OUT, one file each, for the test to check. One run at a time per machine.
set -euo pipefail
deb=$1 out=$2
cd "$(dirname "$0")/../.."
exec 9>/run/lock/pgagent-debian-package-test.lock
flock -w 900 9

pg_config=/usr/lib/postgresql/15/bin/pg_config
ext=$($pg_config --sharedir)/extension
prefix=$out/prefix
dpkg_() { DEBIAN_FRONTEND=noninteractive apt-get "$@" -y -qq -o DPkg::Lock::Timeout=300 >/dev/null; }
snapshot() { (cd "$ext" && sha256sum pgagent* 2>/dev/null || true) > "$1"; }

if dpkg -s pgagent >/dev/null 2>&1; then echo "the pgagent package is installed already: not touching it" >&2; exit 3; fi
backup=$out/backup
mkdir -p "$backup" "$prefix"
cp -a "$ext"/pgagent* "$backup"/ 2>/dev/null || true
diverted=()
cleanup() {
  make -s uninstall PG_CONFIG=$pg_config PREFIX="$prefix" FORCE=1 >/dev/null 2>&1 || true
  for path in "${diverted[@]}"; do dpkg-divert --quiet --local --rename --remove "$path" || true; done
  dpkg_ purge pgagent || true
  cp -a "$backup"/. "$ext"/
  snapshot "$out/final.sha"
  dpkg-divert --list '*pgagent*' > "$out/final.diversions"
  dpkg -s pgagent > "$out/final.dpkg" 2>&1 || true
}
trap cleanup EXIT

snapshot "$out/before.sha"
dpkg_ install --no-install-recommends "$(realpath "$deb")"
# Only the package's own files, as a fresh system with it would have them.
(cd "$ext" && for f in pgagent*; do dpkg-query -S "$ext/$f" >/dev/null 2>&1 || rm -f "$f"; done)
snapshot "$out/debian.sha"

status=0
make -s install PG_CONFIG=$pg_config PREFIX="$prefix" > "$out/refused.out" 2>&1 || status=$?
echo $status > "$out/refused.status"
snapshot "$out/refused.sha"
find "$prefix" -mindepth 1 > "$out/refused.prefix"

# The message's second way out, command by command.
while read -r cmd; do
  eval "$cmd"
  diverted+=("$(eval "set -- $cmd"; echo "${!#}")")
done < <(sed -n 's/^ *\(dpkg-divert .*\)$/\1/p' "$out/refused.out")
status=0
make -s install PG_CONFIG=$pg_config PREFIX="$prefix" > "$out/diverted.out" 2>&1 || status=$?
echo $status > "$out/diverted.status"
(cd "$ext" && ls pgagent*) > "$out/diverted.ls"
