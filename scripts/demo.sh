#!/usr/bin/env bash
# One command for a newcomer: set up, start a scratch database with a demo job, run the agent
# in the foreground against it. Ctrl-C stops the agent and the scratch server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
conninfo=$(node dist/scripts/demo.js | tail -n 1)
trap 'node dist/scripts/demo.js --stop' EXIT
if [ ! -f dist/agent/cli.js ]; then
  echo "demo: the agent is not built yet; the database and demo job are ready at: $conninfo"
  exit 0
fi
node dist/agent/cli.js -f -t 5 -l 2 "$conninfo"
