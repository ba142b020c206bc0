#!/usr/bin/env bash
# The PostgreSQL matrix: the extension's and the agent's core tests on every supported major
# other than the main run's (scripts/test.sh runs the whole suite on that one first).
# `scripts/test-matrix.sh [MAJOR...]` runs the given majors (default: all but PG_MAJOR's).
# Each major gets its own server tree and scratch cluster (scripts/pg-tree.sh) and a smaller
# next-run property corpus; one summary line per major, then the matrix's total.
# Needs scripts/setup.sh first (scripts/test.sh runs it).
set -euo pipefail
cd "$(dirname "$0")/.."
SUPPORTED=(13 14 15 16 17 18)
MAIN=${PG_MAJOR:-15}
# Whole files: install, every upgrade path, the catalog and trigger checks, pgAdmin's
# statements, the next-run engine, both step kinds, and the install without extension files.
FILES=(
  test/extension/catalog.test.ts test/extension/upgrade.test.ts test/extension/triggers.test.ts
  test/extension/claim-guard.test.ts test/extension/pgadmin.test.ts test/nextrun/property.test.ts
  test/agent/jobs.test.ts test/extension/install-schema.test.ts
)
# From the slower agent files, the core scenarios only: claim, "Run now" pickup, the dead-agent
# sweep, the reconnect after a server restart.
SCENARIO_FILES=(test/agent/lifecycle.test.ts test/agent/pickup.test.ts test/agent/restart.test.ts)
SCENARIOS='each of 200 due jobs exactly once|kill -9 of an agent mid-job|"Run now" is picked up through the notification|a restart while idle'
NEXTRUN_CASES=600

majors=("$@")
if [ ${#majors[@]} -eq 0 ]; then
  for m in "${SUPPORTED[@]}"; do [ "$m" = "$MAIN" ] || majors+=("$m"); done
fi
[ -n "${PGAGENT_CPP_BINARY:-}" ] || { PGAGENT_CPP_BINARY=$(bash scripts/upstream-pgagent.sh); export PGAGENT_CPP_BINARY; }

# The jest results stay in PGAGENT_MATRIX_RESULTS when given (scripts/test.sh adds them up).
if [ -n "${PGAGENT_MATRIX_RESULTS:-}" ]; then
  out=$PGAGENT_MATRIX_RESULTS
  mkdir -p "$out"
else
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
status=0
summaries=()
all=()
for major in "${majors[@]}"; do
  start=$SECONDS
  # A fresh environment for this major (pg-env.sh derives the rest from PG_MAJOR), and a
  # server tree of its own for each of the two runs, which go side by side: the scenarios
  # mostly wait for agents and timers.
  run() {
    env -u PGAGENT_PG_BIN -u PG_SYSTEM_BIN -u PG_SOURCE -u PG_EMBEDDED \
      PG_MAJOR="$major" PG_TREE="$PWD/.scratch/pg-$major-$1" PGAGENT_NEXTRUN_CASES=$NEXTRUN_CASES \
      npx jest --json --outputFile="$out/$major-$1.json" "${@:2}" >"$out/$major-$1.log" 2>&1
  }
  echo "matrix: PostgreSQL $major"
  run files "${FILES[@]}" &
  files=$!
  run scenarios -t "$SCENARIOS" "${SCENARIO_FILES[@]}" &
  scenarios=$!
  wait $files || true
  wait $scenarios || true
  cat "$out/$major-files.log" "$out/$major-scenarios.log"
  summaries+=("$(SUFFIX=" in $((SECONDS - start)) s" node scripts/jest-summary.js --each-file-runs "PostgreSQL $major" "$out/$major-"*.json)") || status=1
  all+=("$out/$major-"*.json)
done
printf '%s\n' "${summaries[@]}"
node scripts/jest-summary.js matrix "${all[@]}" || status=1
exit $status
