#!/usr/bin/env bash
# The whole test suite: sets up what is missing, then runs jest against scratch clusters.
# Extra arguments go to jest (e.g. scripts/test.sh test/extension).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg-env.sh
bash scripts/setup.sh
# pgAgent 4.2's own agent, for the tests that run ours beside it.
PGAGENT_CPP_BINARY=$(bash scripts/upstream-pgagent.sh)
export PGAGENT_CPP_BINARY
results=$(mktemp)
trap 'rm -f "$results"' EXIT
status=0
npx jest --json --outputFile="$results" "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
' "$results" || true
exit $status
