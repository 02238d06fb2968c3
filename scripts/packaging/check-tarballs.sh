#!/usr/bin/env bash
# Packs every package as npm would publish it and lints the tarballs: publint (package.json fields,
# exports, files) and arethetypeswrong (types resolve for node10, node16 CJS/ESM and bundlers).
# Usage: bash scripts/packaging/check-tarballs.sh   (after a build: dist/ must exist)
set -euo pipefail
cd "$(dirname "$0")/../.."
export BIN="$PWD/node_modules/.bin"
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
npm pack --ignore-scripts --workspaces --pack-destination "$dest" >/dev/null 2>&1
check() {
  local log
  log=$(mktemp)
  # A command-only package (a bin, no exports/main/types, e.g. create-quantum) has no types for attw to resolve.
  local library
  library=$(tar -xzOf "$1" package/package.json | node -e 'const p = JSON.parse(require("fs").readFileSync(0, "utf8")); process.stdout.write(p.exports || p.main || p.types ? "yes" : "no")')
  if "$BIN/publint" "$1" --strict >"$log" 2>&1 && { [ "$library" = no ] || "$BIN/attw" "$1" --format ascii >>"$log" 2>&1; }; then
    echo "ok    $(basename "$1")$([ "$library" = no ] && echo ' (command only: publint)')"
  else
    cat "$log"
    echo "FAIL  $(basename "$1")"
    return 1
  fi
}
export -f check
# Two at a time (attw loads TypeScript for each tarball).
ls "$dest"/*.tgz | xargs -P 2 -I{} bash -c 'check "$1"' _ {}
