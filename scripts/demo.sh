#!/usr/bin/env bash
# One command for a newcomer: set up, start a scratch database with a demo job, run the agent
# in the foreground against it. Ctrl-C stops the agent and the scratch server.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg-env.sh
bash scripts/setup.sh
bash scripts/pg-tree.sh >/dev/null
conninfo=$(node dist/scripts/demo.js | tail -n 1)
trap 'node dist/scripts/demo.js --stop' EXIT
# -l 2 logs every claim, step and run; the demo job runs at once and then every minute.
node dist/agent/cli.js -f -t 5 -l 2 "$conninfo"
