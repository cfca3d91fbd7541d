# syntax=docker/dockerfile:1.7
# The codex harness image: the Paddock harness runtime plus OpenAI's Codex CLI from npm,
# with this harness's definition baked in. Build from the repository root, after the
# runtime image (deploy/docker/harness-runtime.Dockerfile, target chat):
#   docker build -f harnesses/codex.Dockerfile -t ghcr.io/paddock-dev/harness-codex:latest .
ARG RUNTIME_IMAGE=ghcr.io/paddock-dev/harness-runtime:latest
FROM ${RUNTIME_IMAGE}

# Same version the runtime's tests run against (harnesses/runtime/package.json).
ARG CODEX_VERSION=0.169.0
USER 0:0
# The npm package brings the native binary for this platform as an optional dependency.
RUN npm install --global "@openai/codex@${CODEX_VERSION}" \
 && npm cache clean --force \
 && codex --version

# The runtime reads the same `cli` block the platform validated.
COPY harnesses/codex.yaml /app/harnesses/codex.yaml
# CODEX_HOME (sessions, for resume) lives in HOME, a writable volume under a read-only root filesystem.
ENV PADDOCK_HARNESS=codex \
    PADDOCK_HARNESS_FILE=/app/harnesses/codex.yaml \
    PADDOCK_STATE_DIR=/home/sandbox/.paddock
USER 1000:1000
