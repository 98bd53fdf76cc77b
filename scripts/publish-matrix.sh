#!/usr/bin/env bash
# After make conformance on Linux: keep the committed example matrix
# (docs/conformance-linux.md) and the copy embedded in README.md current.
set -euo pipefail
cd "$(dirname "$0")/.."
md=${1:-out/report/suites/TestBuiltin/conformance.md}
[ "$(uname -s)" = Linux ] && [ -f "$md" ] || exit 0
cp "$md" docs/conformance-linux.md
# README gets the matrix without its title, headings one level down.
body=$(tail -n +2 "$md" | sed 's/^## /### /')
awk -v body="$body" '
  /<!-- matrix:start -->/ { print; print body; skip = 1; next }
  /<!-- matrix:end -->/   { skip = 0 }
  !skip' README.md > README.md.tmp && mv README.md.tmp README.md
echo "published: docs/conformance-linux.md and README.md"
