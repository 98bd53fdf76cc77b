#!/usr/bin/env bash
# make tools: install the Debian packages the tests use, where a command is
# missing and the machine allows it (root or passwordless sudo, and apt-get).
# Arguments are command:package pairs; the command may list alternatives
# (chromium|google-chrome:chromium: any of them will do), or be an absolute
# path to a file the package installs. Where a package
# cannot be installed, the specs that need it are skipped with the reason;
# this never fails.
set -u
missing=()
have() {
  local c
  for c in ${1//|/ }; do
    case $c in /*) [ -e "$c" ] && return 0; continue ;; esac
    command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] && return 0
  done
  return 1
}
for pair in "$@"; do
  have "${pair%%:*}" || missing+=("${pair#*:}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
if [ "$(id -u)" = 0 ]; then sudo=; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else
  echo "make tools: missing ${missing[*]} and no root to install them; their specs will be skipped"; exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "make tools: missing ${missing[*]} and no apt-get; their specs will be skipped"; exit 0
fi
export DEBIAN_FRONTEND=noninteractive
echo "make tools: installing ${missing[*]}"
{ $sudo apt-get install -y -qq -o DPkg::Lock::Timeout=300 "${missing[@]}" || { $sudo apt-get update -qq && $sudo apt-get install -y -qq -o DPkg::Lock::Timeout=300 "${missing[@]}"; }; } \
  >/dev/null 2>&1 || echo "make tools: apt-get could not install ${missing[*]}; their specs will be skipped"
exit 0
