#!/usr/bin/env bash
# Installs what a fresh machine lacks (Node 24 and pnpm 10 into .tools/, Chromium and
# bubblewrap from the system's packages, the dependencies), then runs lint, typecheck
# and every test suite including the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bin/system-deps.sh
source bin/toolchain.sh
pnpm install --frozen-lockfile --reporter=append-only
# Best effort: without the CRDs (no access to github.com) the server tests skip CRD validation and say so.
bin/fetch-crds.sh || true
pnpm test
