#!/usr/bin/env bash
# Tries the project as a newcomer would: a fresh clone in a folder with a long
# path, the checkout's part of the README's install line (npm ci --prefix
# grid), then the README's two commands there. Prints each command's exit code
# and wall time; exits non-zero if either failed.
#   scripts/newcomer.sh [--keep]     (--keep leaves the clone for a look)
set -uo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
base="$(mktemp -d)"
deep="$base/$(printf 'newcomer-long-folder-%.0s' {1..6})/project"
mkdir -p "$(dirname "$deep")"
git clone -q "$src" "$deep" || exit 3
echo "clone: $deep (${#deep} characters)"
cd "$deep"
# The README's install line has one part that lives in the checkout: the
# Selenium Grid jar (npm). The machine-wide parts are assumed done.
npm ci --prefix grid --no-audit --no-fund > "$base/npm-ci.log" 2>&1 || { echo "npm ci --prefix grid failed (log: $base/npm-ci.log)"; exit 3; }
status=0
for cmd in "cargo run" "cargo test"; do
  start=$(date +%s)
  $cmd > "$base/$(echo "$cmd" | tr ' ' '-').log" 2>&1
  code=$?
  echo "$cmd: exit $code in $(( $(date +%s) - start )) s (log: $base/$(echo "$cmd" | tr ' ' '-').log)"
  [ "$code" -eq 0 ] || status=1
done
grep -h -E '^[0-9]+ passed, [0-9]+ failed' "$base/cargo-run.log" | tail -1
[ "${1:-}" = "--keep" ] || rm -rf "$deep/target"
exit $status
