#!/usr/bin/env bash
# Installs everything pgagent needs on a Debian machine with Node 20, then builds the extension
# scripts and the agent. Safe to run again: it only installs what is missing. PG_MAJOR picks the
# PostgreSQL major (scripts/pg-env.sh). Nothing here installs into PostgreSQL's own directories:
# tests, demo and bench use a private server tree (scripts/pg-tree.sh); `make install` is for you.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/pg-env.sh
PG_BIN=$PG_SYSTEM_BIN
# Debian's packages for its own majors; for the npm ones (scripts/pg-env.sh), its client tools.
apt_major=$PG_MAJOR
[ "$PG_SOURCE" = debian ] || apt_major=$PG_DEBIAN_MAJOR
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

packages=()
[ -x "$PG_BIN/postgres" ] || packages+=("postgresql-$apt_major")
[ -f "/usr/lib/postgresql/$apt_major/lib/pgxs/src/makefiles/pgxs.mk" ] || packages+=("postgresql-server-dev-$apt_major")
# pg_cron, for the test of pgagent.import_pg_cron() against the real thing.
[ -f "/usr/share/postgresql/$apt_major/extension/pg_cron.control" ] || packages+=("postgresql-$apt_major-cron")
command -v make >/dev/null || packages+=(make)
command -v openssl >/dev/null || packages+=(openssl)  # the TLS tests make a server certificate
command -v systemd-analyze >/dev/null || packages+=(systemd)  # the tests verify the service units
id postgres >/dev/null 2>&1 || packages+=("postgresql-$apt_major")

if [ ${#packages[@]} -gt 0 ]; then
  echo "setup: installing ${packages[*]}"
  # We run our own scratch clusters; Debian's default "main" cluster is not wanted.
  $SUDO mkdir -p /etc/postgresql-common
  echo 'create_main_cluster = false' | $SUDO tee /etc/postgresql-common/createcluster.conf >/dev/null
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules
fi

echo "setup: building the extension scripts and the agent"
make -s PG_CONFIG="$PG_BIN/pg_config"
