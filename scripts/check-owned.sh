#!/usr/bin/env bash
# Usage: check-owned.sh install|uninstall PATH...
# Run by `make install` and `make uninstall` before they touch anything: refuses when one of the
# paths belongs to a Debian package (dpkg -S) and is not diverted. Writing over such a file
# breaks our extension later: removing or upgrading the package (Debian's pgagent ships
# pgagent.control and pgagent--*.sql) deletes or replaces it; removing it breaks the package.
# Without dpkg there is nothing to check.
set -euo pipefail
action=$1
shift
command -v dpkg-query >/dev/null || exit 0

owned=() packages=()
for path in "$@"; do
  # dpkg-query prints "pkg: /path" or "pkg1, pkg2: /path"; a diverted path is ours to write.
  owner=$(dpkg-query -S "$path" 2>/dev/null | awk -v p="$path" '!/^diversion by/ { i = index($0, ": "); if (substr($0, i + 2) == p) print substr($0, 1, i - 1) }' || true)
  if [ -n "$owner" ] && [ -z "$(dpkg-divert --listpackage "$path")" ]; then
    owned+=("$path")
    packages+=(${owner//,/ })
  fi
done
[ ${#owned[@]} -eq 0 ] && exit 0

packages=$(printf '%s\n' "${packages[@]}" | sort -u | paste -sd' ')
{
  echo "pgagent: make $action stopped before changing anything: these files belong to the Debian package $packages:"
  printf '    %s\n' "${owned[@]}"
  cat <<MSG
Writing over them would break the extension later, when that package is removed or upgraded.
Either remove the package first (databases keep their pgagent jobs, schedules and logs; stop
the package's agent, then):
    apt remove $packages
or keep the package and move its files aside, so that dpkg stops touching these paths:
MSG
  for path in "${owned[@]}"; do
    echo "    dpkg-divert --local --rename --divert '$path.debian' --add '$path'"
  done
  echo "then run make $action again. To go on regardless: make $action FORCE=1"
} >&2
exit 1
