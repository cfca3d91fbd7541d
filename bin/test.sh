#!/usr/bin/env bash
# Installs what a fresh machine lacks (Node 24 and pnpm 10 into .tools/, Chromium and
# bubblewrap from the system's packages, the dependencies), then runs lint, typecheck
# and every test suite including the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bin/system-deps.sh
source bin/toolchain.sh
pnpm install --frozen-lockfile --reporter=append-only
# The server tests validate against the agent-sandbox CRDs: fetch them only when no copy is at hand
# (best effort: without them the CRD validations are reported skipped, with the reason).
if [ -z "${PADDOCK_AGENT_SANDBOX_CRDS:-}" ] && [ ! -d ../shared/reference/agent-sandbox/crds ]; then
  bin/fetch-crds.sh || true
fi
pnpm test
