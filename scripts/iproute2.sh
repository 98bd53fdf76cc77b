#!/usr/bin/env bash
# make deps: ip and tc (iproute2) for the netns transport. Installs them with
# apt-get where they are missing and this is root on Linux; otherwise says so
# and succeeds: the netns transport's specs then skip with the reason.
set -euo pipefail
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }
if [ "$(uname -s)" != Linux ] || { have ip && have tc; }; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "iproute2 (ip, tc) is missing and cannot be installed here: the netns transport's specs will skip" >&2
  exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iproute2 >/dev/null
