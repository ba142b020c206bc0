#!/usr/bin/env bash
# The whole test suite: sets up what is missing, type-checks and lints (agent, scripts, tests),
# then runs jest: the unit project (no cluster), then the integration one against scratch clusters.
# Extra arguments go to jest (e.g. scripts/test.sh test/extension). A full run (no arguments, no
# PG_MAJOR) then runs the PostgreSQL matrix (scripts/test-matrix.sh) on the other majors;
# PG_MAJOR=17 scripts/test.sh runs the whole suite on 17 alone.
set -euo pipefail
cd "$(dirname "$0")/.."
matrix=no
[ $# -gt 0 ] || [ -n "${PG_MAJOR:-}" ] || matrix=yes
source scripts/pg-env.sh
bash scripts/setup.sh
npm run --silent typecheck
npm run --silent lint
# pgAgent 4.2's own agent, for the tests that run ours beside it.
PGAGENT_CPP_BINARY=$(bash scripts/upstream-pgagent.sh)
export PGAGENT_CPP_BINARY
results=$(mktemp)
matrix_results=$(mktemp -d)
trap 'rm -rf "$results" "$matrix_results"' EXIT
status=0
npx jest --json --outputFile="$results" "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
' "$results" || true
if [ $matrix = yes ]; then
  PGAGENT_MATRIX_RESULTS=$matrix_results bash scripts/test-matrix.sh || status=$?
  node scripts/jest-summary.js all "$results" "$matrix_results"/*.json || true
fi
exit $status
