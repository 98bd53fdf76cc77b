#!/usr/bin/env bash
# Installs the packages a make target uses (the Makefile's *_TOOLS lists),
# where a command is missing and the machine allows it: with apt-get
# (Debian, Ubuntu; root or passwordless sudo), or with Homebrew (macOS, as
# the user). Arguments are command:package pairs with Debian package names;
# the command may list alternatives (chromium|google-chrome:chromium: any
# of them will do), or be an absolute path to a file the package installs.
# Where a package cannot be installed, the specs that need it are skipped
# with the reason (make lint fails in CI without shellcheck); this never
# fails. Runs under bash 3.2 (macOS): no read-array builtin, no associative
# arrays.
set -u
missing=""
have() {
  local c
  for c in ${1//|/ }; do
    case $c in /*) [ -e "$c" ] && return 0; continue ;; esac
    command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] && return 0
  done
  return 1
}
for pair in "$@"; do
  have "${pair%%:*}" || missing="$missing ${pair#*:}"
done
# $missing, $sudo and $formulae are word lists: split on purpose.
# shellcheck disable=SC2086
missing=$(printf '%s\n' $missing | sort -u | tr '\n' ' ')
missing=${missing% }
[ -z "$missing" ] && exit 0

# brew_name is the Homebrew formula for a Debian package the tests use, or
# nothing where macOS has no use for it (iproute2, nftables: the netns transport is
# Linux's; Chromium: the HTML check finds an installed browser or skips;
# the gallery's proxies: the gallery runs on Linux).
brew_name() {
  case "$1" in
    socat) echo socat ;;
    shellcheck) echo shellcheck ;;
  esac
}

if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then sudo=; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "make tools: missing $missing and no root to install them; their specs will be skipped"; exit 0
  fi
  export DEBIAN_FRONTEND=noninteractive
  echo "make tools: installing $missing with apt-get"
  # shellcheck disable=SC2086
  { $sudo apt-get install -y -qq -o DPkg::Lock::Timeout=300 $missing || { $sudo apt-get update -qq && $sudo apt-get install -y -qq -o DPkg::Lock::Timeout=300 $missing; }; } \
    >/dev/null 2>&1 || echo "make tools: apt-get could not install $missing; their specs will be skipped"
elif command -v brew >/dev/null 2>&1; then
  formulae="" unneeded=""
  for p in $missing; do
    f=$(brew_name "$p")
    if [ -n "$f" ]; then formulae="$formulae $f"; else unneeded="$unneeded $p"; fi
  done
  [ -n "$unneeded" ] && echo "make tools: no Homebrew formula for$unneeded; their specs will be skipped"
  [ -z "$formulae" ] && exit 0
  echo "make tools: installing$formulae with Homebrew"
  export HOMEBREW_NO_AUTO_UPDATE=1 HOMEBREW_NO_INSTALL_CLEANUP=1 HOMEBREW_NO_ENV_HINTS=1
  # shellcheck disable=SC2086
  { brew install $formulae || { brew update && brew install $formulae; }; } >/dev/null 2>&1 \
    || echo "make tools: brew could not install$formulae; their specs will be skipped"
else
  echo "make tools: missing $missing and neither apt-get nor brew; their specs will be skipped"
fi
exit 0
