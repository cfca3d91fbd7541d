#!/usr/bin/env bash
# Puts Node >= 22.12 and pnpm 10 on PATH, installing them from the npm registry into
# .tools/ when the machine lacks them. Source it: `source bin/toolchain.sh`.
# Sourced into the caller's shell, so it sets no shell options and leaves no variables
# behind; it returns non-zero when an install fails.

paddock_toolchain() {
  local root tools
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)" || return 1
  tools="$root/.tools"

  if ! { command -v node >/dev/null 2>&1 && node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)?0:1)'; }; then
    if [ ! -x "$tools/node/node_modules/.bin/node" ]; then
      echo "Installing Node 24 into $tools/node" >&2
      npm install --no-audit --no-fund --prefix "$tools/node" node@24 >&2 || return 1
    fi
    export PATH="$tools/node/node_modules/.bin:$PATH"
  fi

  if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version | cut -d. -f1)" != "10" ]; then
    if [ ! -x "$tools/pnpm/node_modules/.bin/pnpm" ]; then
      echo "Installing pnpm 10 into $tools/pnpm" >&2
      npm install --no-audit --no-fund --prefix "$tools/pnpm" pnpm@10 >&2 || return 1
    fi
    export PATH="$tools/pnpm/node_modules/.bin:$PATH"
  fi
}

if paddock_toolchain; then
  unset -f paddock_toolchain
  return 0 2>/dev/null || exit 0
fi
unset -f paddock_toolchain
return 1 2>/dev/null || exit 1
