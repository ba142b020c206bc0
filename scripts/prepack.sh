#!/usr/bin/env bash
# npm's prepack (npm pack, npm publish): builds what the package ships, without PostgreSQL's
# build files: the agent (tsc) and the extension scripts of versions not released yet (the
# same rule as the Makefile's: a list without a script in extension/released/).
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json
chmod +x dist/agent/cli.js
for list in extension/versions/*.list; do
  version=$(basename "$list" .list)
  [ -f "extension/released/pgagent--$version.sql" ] || scripts/build-extension-script.sh "$list" "extension/build/pgagent--$version.sql"
done
