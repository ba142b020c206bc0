#!/usr/bin/env bash
# `npm run bench`: our agent against pgAgent 4.2.2's C++ agent, same machine, same run, same
# schema. Sets up what is missing (scripts/setup.sh builds and installs our extension and agent),
# fetches pgAgent's binary with scripts/upstream-pgagent.sh (into .scratch/upstream, never into
# the system: its extension files would clash with ours), and runs the compiled bench.
# Arguments go to the bench (e.g. --quick, --only burst,idle; see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
upstream=$(bash scripts/upstream-pgagent.sh)
node dist/scripts/bench/main.js --upstream "$upstream" "$@"
