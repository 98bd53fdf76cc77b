#!/usr/bin/env bash
# make lint: staticcheck at a pinned version (STATICCHECK_VERSION) on the
# core module and on gallery/'s, for Linux (amd64) and macOS (arm64) in one
# -matrix run each (so that what only one OS uses is not called unused). It
# is installed into a temporary GOBIN, never into either go.mod. Its checks
# are staticcheck's defaults, configured by staticcheck.conf.
#
# Every finding fails lint; a deliberate exception is a //lint:ignore
# comment that gives its reason. STATICCHECK=off skips it.
# Anything staticcheck prints that is not a finding (a package that does
# not compile, a bad pattern) fails whatever the mode. bash 3.2.
set -u
cd "$(dirname "$0")/.." || exit 2
GO=${GO:-go}
version=${STATICCHECK_VERSION:?STATICCHECK_VERSION is not set (the Makefile sets it)}
mode=${STATICCHECK:-on}
case "$mode" in
  off) echo "staticcheck: not run (STATICCHECK=off)"; exit 0 ;;
  on) ;;
  *) echo "staticcheck: STATICCHECK must be on or off, not $mode" >&2; exit 2 ;;
esac
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
if ! GOBIN=$bin "$GO" install "honnef.co/go/tools/cmd/staticcheck@$version"; then
  echo "staticcheck: could not install honnef.co/go/tools/cmd/staticcheck@$version" >&2
  exit 1
fi
matrix='linux: GOOS=linux GOARCH=amd64
darwin: GOOS=darwin GOARCH=arm64'
out=$bin/findings
: >"$out"
for module in . gallery; do
  prefix=""
  [ "$module" = . ] || prefix="$module/"
  # Its exit status says only that something was printed: the lines tell.
  (cd "$module" && printf '%s\n' "$matrix" | "$bin/staticcheck" -matrix ./... 2>&1) | sed "s|^|$prefix|" >>"$out"
done
finding='^[^:[:space:]]+[.]go:[0-9]+:[0-9]+: .* [(][A-Z]+[0-9]+[)]$'
errors=$(grep -vE "$finding" "$out" | grep -v '^[[:space:]]*$')
findings=$(grep -E "$finding" "$out")
status=0
if [ -n "$errors" ]; then
  echo "staticcheck: could not check everything:"
  printf '%s\n' "$errors"
  status=1
fi
if [ -n "$findings" ]; then
  echo "staticcheck: $(printf '%s\n' "$findings" | wc -l | tr -d ' ') findings:"
  printf '%s\n' "$findings"
  status=1
fi
[ -z "$errors$findings" ] && echo "staticcheck $version: no findings (linux/amd64, darwin/arm64; core module and gallery)"
exit $status
