#!/usr/bin/env bash
# Downloads the CustomResourceDefinitions of the agent-sandbox release Paddock is pinned to
# (deploy/agent-sandbox.version) for the server tests, which validate the objects Paddock
# writes against them. Needs access to github.com (or PADDOCK_AGENT_SANDBOX_CRDS_URL).
#   bin/fetch-crds.sh           # fetches what is missing
#   bin/fetch-crds.sh --force   # fetches again
# Writes to PADDOCK_AGENT_SANDBOX_CRDS if set, else .cache/agent-sandbox/<version>/crds.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'fetch-crds: %s\n' "$*" >&2; }
fail() { say "$*"; exit 1; }

force=false
case "${1:-}" in
  "") ;;
  --force) force=true ;;
  -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) fail "unknown argument '$1' (usage: bin/fetch-crds.sh [--force])" ;;
esac

version="$(tr -d '[:space:]' < deploy/agent-sandbox.version)"
[[ "$version" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "deploy/agent-sandbox.version must hold a release tag such as v0.5.6, not '$version'"
dest="${PADDOCK_AGENT_SANDBOX_CRDS:-.cache/agent-sandbox/${version}/crds}"
base="${PADDOCK_AGENT_SANDBOX_CRDS_URL:-https://raw.githubusercontent.com/kubernetes-sigs/agent-sandbox/${version}/k8s/crds}"
files=(
  agents.x-k8s.io_sandboxes.yaml
  extensions.agents.x-k8s.io_sandboxclaims.yaml
  extensions.agents.x-k8s.io_sandboxtemplates.yaml
  extensions.agents.x-k8s.io_sandboxwarmpools.yaml
)

complete() { for f in "${files[@]}"; do [ -s "$dest/$f" ] || return 1; done; }
if ! $force && complete; then
  say "the agent-sandbox ${version} CRDs are already in $dest"
  exit 0
fi
command -v curl >/dev/null 2>&1 || fail "curl is required (Debian: apt-get install curl)"

# Into a scratch directory beside the destination first, so an interrupted download never
# looks like a complete set.
parent="$(dirname "$dest")"
mkdir -p "$parent"
scratch="$(mktemp -d "$parent/.crds-download.XXXXXX")"
trap 'rm -rf "$scratch"; rmdir -p "$parent" 2>/dev/null || true' EXIT
for f in "${files[@]}"; do
  if ! error="$(curl --silent --show-error --fail --location --connect-timeout 10 --max-time 120 -o "$scratch/$f" "$base/$f" 2>&1)"; then
    fail "could not download $base/$f: ${error#curl: }
  Without access to github.com, copy the CRDs from a machine that has it and point
  PADDOCK_AGENT_SANDBOX_CRDS at them (or set PADDOCK_AGENT_SANDBOX_CRDS_URL to a mirror);
  until then the server tests skip CRD validation and say so."
  fi
  grep -q '^kind: CustomResourceDefinition' "$scratch/$f" || fail "$base/$f is not a CustomResourceDefinition"
done
rm -rf "$dest"
mv "$scratch" "$dest"
trap - EXIT
say "the agent-sandbox ${version} CRDs are in $dest"
