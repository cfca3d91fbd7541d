#!/usr/bin/env bash
# Installs the toolchain and dependencies if missing, then runs Paddock on its embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
source bin/toolchain.sh
pnpm install --frozen-lockfile --reporter=append-only
exec pnpm start
