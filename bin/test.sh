#!/usr/bin/env bash
# Installs the toolchain and dependencies if missing, then runs lint, typecheck and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
source bin/toolchain.sh
pnpm install --frozen-lockfile --reporter=append-only
pnpm test
