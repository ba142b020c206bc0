#!/usr/bin/env bash
# Makes the private server tree of scripts/pg-env.sh and installs the extension into it. Run by
# the test harness, the demo and the bench; needs scripts/setup.sh first.
# Debian's majors: binaries copied, libraries linked, share copied anew so packages installed
# since, such as pg_cron, show up; `make install` puts the extension in.
# The npm majors: the package's bin, lib and share copied, Debian's client tools linked into bin,
# and the extension's files copied (the package has no pg_config, so PGXS cannot install them).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg-env.sh
CLIENT_TOOLS=(psql pg_dump pg_dumpall pg_restore pg_basebackup pg_isready)

debian_tree() {
  [ -x "$PG_SYSTEM_BIN/postgres" ] || { echo "pg-tree: no PostgreSQL $PG_MAJOR in $PG_SYSTEM_BIN (run scripts/setup.sh)" >&2; exit 1; }
  local lib=$PG_TREE/usr/lib/postgresql/$PG_MAJOR share=$PG_TREE/usr/share/postgresql/$PG_MAJOR
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
}

embedded_tree() {
  [ -x "$PG_EMBEDDED/bin/postgres" ] || { echo "pg-tree: no PostgreSQL $PG_MAJOR in $PG_EMBEDDED (no devDependency pg$PG_MAJOR? run scripts/setup.sh)" >&2; exit 1; }
  # The package's postinstall makes its library symlinks; without them the server cannot start.
  [ -e "$PG_EMBEDDED/lib/libicuuc.so" ] || { echo "pg-tree: $PG_EMBEDDED/lib lacks its symlinks (npm skipped the package's postinstall: npm rebuild pg$PG_MAJOR)" >&2; exit 1; }
  rm -rf "$PG_TREE.new"
  mkdir -p "$PG_TREE.new"
  cp -a "$PG_EMBEDDED/bin" "$PG_EMBEDDED/lib" "$PG_EMBEDDED/share" "$PG_TREE.new/"
  local tool
  for tool in "${CLIENT_TOOLS[@]}"; do
    ln -s "$PG_SYSTEM_BIN/$tool" "$PG_TREE.new/bin/$tool"
  done
  cp extension/pgagent.control extension/released/pgagent--*.sql extension/build/pgagent--*.sql \
    "$PG_TREE.new/share/postgresql/extension/"
  rm -rf "$PG_TREE"
  mv "$PG_TREE.new" "$PG_TREE"
  chmod -R a+rX "$PG_TREE"
}

"${PG_SOURCE}_tree"
echo "$PGAGENT_PG_BIN"
