#!/usr/bin/env bash
# Concatenates the SQL sources named by a version list (extension/versions/X.list) into one
# extension script. A line "@other.list" includes that list; "#" lines are comments.
set -euo pipefail
list=$1 out=$2
versions_dir=$(dirname "$list")
sql_dir=$versions_dir/../sql

expand() {
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      ''|'#'*) ;;
      @*) expand "$versions_dir/${line#@}" ;;
      *) [ -f "$sql_dir/$line" ] || { echo "$1: no such source: $line" >&2; exit 1; }
         printf -- '-- source: %s\n' "$line"; cat "$sql_dir/$line"; printf '\n' ;;
    esac
  done < "$1"
}

name=$(basename "$list" .list)
if [[ $name == *--* ]]; then
  guard='\echo Use "ALTER EXTENSION pgagent UPDATE" to load this file. \quit'
else
  guard='\echo Use "CREATE EXTENSION pgagent" to load this file. \quit'
fi
mkdir -p "$(dirname "$out")"
{ printf -- '-- Generated from extension/versions/%s by scripts/build-extension-script.sh; edit the sources.\n' "$(basename "$list")"
  printf '%s\n\n' "$guard"
  expand "$list"; } > "$out.tmp"
mv "$out.tmp" "$out"
