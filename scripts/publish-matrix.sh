#!/usr/bin/env bash
# make publish-matrix (maintainers, on Linux): after the fresh make
# conformance run that the target makes first, copy its Markdown matrix to
# docs/conformance-linux.md, the published example of a Linux run. It
# writes no other tracked file. bash 3.2.
set -euo pipefail
cd "$(dirname "$0")/.."
md=${1:-out/report/suites/TestBuiltin/conformance.md}
if [ "$(uname -s)" != Linux ]; then
  echo "publish-matrix: docs/conformance-linux.md is a Linux run's matrix; this is $(uname -s)" >&2
  exit 1
fi
if [ ! -f "$md" ]; then
  echo "publish-matrix: no $md: make conformance writes it" >&2
  exit 1
fi
cp "$md" docs/conformance-linux.md
echo "published: docs/conformance-linux.md (from $md); review and commit it"
