#!/usr/bin/env bash
# Installs the system packages the test suite uses when they are missing: Chromium for
# the dashboard's browser tests, bubblewrap for sandbox isolation and curl, which the
# sandbox tests run inside sandboxes. Needs root and apt.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
command -v curl >/dev/null 2>&1 || need+=(curl)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing ${need[*]}: install them with your package manager (Debian: apt-get install ${need[*]})." >&2
  exit 1
fi
echo "Installing ${need[*]}" >&2
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
