#!/usr/bin/env bash
# A local Kubernetes for Paddock's sandbox driver, idempotently: a kind cluster, the
# agent-sandbox release (CRDs + controller with extensions), the harness runtime and
# platform images loaded into it, and an in-cluster mock model gateway. Safe to re-run;
# it only creates what is missing and rebuilds images. Prints the environment to use.
#
#   bin/kind-up.sh                       # then: docker compose up   (or pnpm start with the printed env)
#   AGENT_SANDBOX_VERSION=v0.5.6 PADDOCK_KIND_CLUSTER=paddock bin/kind-up.sh   # default: deploy/agent-sandbox.version
set -euo pipefail
cd "$(dirname "$0")/.."

CLUSTER="${PADDOCK_KIND_CLUSTER:-paddock}"
CONTEXT="kind-${CLUSTER}"
AGENT_SANDBOX_VERSION="${AGENT_SANDBOX_VERSION:-$(tr -d '[:space:]' < deploy/agent-sandbox.version)}"
HARNESS_IMAGE="${HARNESS_IMAGE:-ghcr.io/paddock-dev/harness-runtime:latest}"
PLATFORM_IMAGE="${PLATFORM_IMAGE:-ghcr.io/paddock-dev/paddock:dev}"
OUT=".paddock/kind"

say() { printf '\033[1mkind-up:\033[0m %s\n' "$*" >&2; }
fail() { say "$*"; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || fail "$1 is required: $2"; }

need docker "https://docs.docker.com/engine/install/"
need kind "https://kind.sigs.k8s.io/docs/user/quick-start/#installation"
need kubectl "https://kubernetes.io/docs/tasks/tools/"
docker info >/dev/null 2>&1 || fail "the Docker engine is not reachable (is it running, and may this user use it?)"

if kind get clusters 2>/dev/null | grep -qx "${CLUSTER}"; then
  say "cluster ${CLUSTER} exists"
else
  say "creating kind cluster ${CLUSTER}"
  kind create cluster --name "${CLUSTER}" --config deploy/kind/cluster.yaml --wait 120s
fi
k() { kubectl --context "${CONTEXT}" "$@"; }

say "installing agent-sandbox ${AGENT_SANDBOX_VERSION}"
k apply --server-side --force-conflicts -f "https://github.com/kubernetes-sigs/agent-sandbox/releases/download/${AGENT_SANDBOX_VERSION}/sandbox-with-extensions.yaml"
k wait --for=condition=Established --timeout=120s \
  crd/sandboxes.agents.x-k8s.io crd/sandboxclaims.extensions.agents.x-k8s.io \
  crd/sandboxtemplates.extensions.agents.x-k8s.io crd/sandboxwarmpools.extensions.agents.x-k8s.io
k -n agent-sandbox-system wait --for=condition=Available deployment --all --timeout=300s
k get crd sandboxclaims.extensions.agents.x-k8s.io -o jsonpath='{.spec.versions[*].name}' | grep -qw v1beta1 \
  || fail "agent-sandbox ${AGENT_SANDBOX_VERSION} does not serve v1beta1; set AGENT_SANDBOX_VERSION to a newer release"

say "building ${HARNESS_IMAGE} and ${PLATFORM_IMAGE}"
docker build -f deploy/docker/harness-runtime.Dockerfile -t "${HARNESS_IMAGE}" .
docker build -f deploy/docker/platform.Dockerfile -t "${PLATFORM_IMAGE}" .
say "loading images into ${CLUSTER}"
kind load docker-image --name "${CLUSTER}" "${HARNESS_IMAGE}" "${PLATFORM_IMAGE}"

say "starting the in-cluster mock model gateway"
k apply -f deploy/kind/mock-llm.yaml
k -n paddock rollout restart deployment/paddock-mock-llm >/dev/null
k -n paddock rollout status deployment/paddock-mock-llm --timeout=180s

mkdir -p "${OUT}"
# One kubeconfig for this machine, one for containers on the kind network (docker compose).
kind get kubeconfig --name "${CLUSTER}" > "${OUT}/kubeconfig"
kind get kubeconfig --name "${CLUSTER}" --internal > "${OUT}/kubeconfig.internal"
chmod 600 "${OUT}/kubeconfig" "${OUT}/kubeconfig.internal"

cat <<ENV

# Paddock on kind is ready. Run it on this machine with:
export PADDOCK_SANDBOX_DRIVER=kubernetes
export PADDOCK_K8S_KUBECONFIG=$(pwd)/${OUT}/kubeconfig
export PADDOCK_K8S_ACCESS=port-forward
export LITELLM_API_BASE=http://paddock-mock-llm.paddock.svc.cluster.local:4010
export LITELLM_API_KEY=paddock-mock
#   pnpm start
# or everything in containers (PostgreSQL, web, worker) against this cluster:
#   docker compose up
ENV
