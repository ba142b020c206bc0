#!/usr/bin/env bash
# Makes the private server tree of scripts/pg-env.sh (binaries copied, libraries linked, share
# copied anew so packages installed since, such as pg_cron, show up) and installs the extension
# into it. Run by the test harness, the demo and the bench; needs scripts/setup.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg-env.sh
[ -x "$PG_SYSTEM_BIN/postgres" ] || { echo "pg-tree: no PostgreSQL $PG_MAJOR in $PG_SYSTEM_BIN (run scripts/setup.sh)" >&2; exit 1; }
lib=$PG_TREE/usr/lib/postgresql/$PG_MAJOR
share=$PG_TREE/usr/share/postgresql/$PG_MAJOR
mkdir -p "$lib" "$(dirname "$share")"
rm -rf "$lib/bin.new" "$share.new"
cp -a "$PG_SYSTEM_BIN" "$lib/bin.new"
cp -a "/usr/share/postgresql/$PG_MAJOR" "$share.new"
rm -rf "$lib/bin" "$share"
mv "$lib/bin.new" "$lib/bin"
mv "$share.new" "$share"
ln -sfn "/usr/lib/postgresql/$PG_MAJOR/lib" "$lib/lib"
chmod -R a+rX "$PG_TREE"
make -s install WITH_AGENT=no PG_CONFIG="$PGAGENT_PG_BIN/pg_config" >/dev/null
echo "$PGAGENT_PG_BIN"
