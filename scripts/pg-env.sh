#!/usr/bin/env bash
# The one PostgreSQL version switch. Sourced by setup, test, demo and bench; PG_MAJOR picks the
# server major (default 15). Tests, the demo and the bench never use the system's PostgreSQL
# directories directly: they run a private copy of the server (PG_TREE) with our extension
# installed into it, so nothing they do touches files a Debian package owns, and two checkouts
# on one machine never install over each other.
PG_MAJOR=${PG_MAJOR:-15}
PG_SYSTEM_BIN=/usr/lib/postgresql/$PG_MAJOR/bin
PG_TREE=${PG_TREE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.scratch/pg-$PG_MAJOR}
# PostgreSQL finds its share and lib directories relative to its binaries, so a copy of the
# Debian layout under PG_TREE is a complete, relocated server.
PGAGENT_PG_BIN=$PG_TREE/usr/lib/postgresql/$PG_MAJOR/bin
export PG_MAJOR PG_SYSTEM_BIN PG_TREE PGAGENT_PG_BIN
