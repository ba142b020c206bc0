#!/usr/bin/env bash
# `npm run bench`: our agent against pgAgent 4.2.2's C++ agent, same machine, same run, same
# schema. Sets up what is missing (scripts/setup.sh builds our extension and agent, scripts/pg-tree.sh
# installs the extension into the private server tree the bench's clusters run),
# fetches pgAgent's binary with scripts/upstream-pgagent.sh (into .scratch/upstream, never into
# the system: its extension files would clash with ours), and runs the compiled bench.
# Arguments go to the bench (e.g. --quick, --only burst,idle; see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg-env.sh
bash scripts/setup.sh
bash scripts/pg-tree.sh >/dev/null
upstream=$(bash scripts/upstream-pgagent.sh)
node dist/scripts/bench/main.js --upstream "$upstream" "$@"
