# syntax=docker/dockerfile:1.7
# The claude-code harness image: the Paddock harness runtime plus Anthropic's Claude Code
# CLI from npm, with this harness's definition baked in. Build from the repository root,
# after the runtime image (deploy/docker/harness-runtime.Dockerfile, target chat):
#   docker build -f harnesses/claude-code.Dockerfile -t ghcr.io/paddock-dev/harness-claude-code:latest .
ARG RUNTIME_IMAGE=ghcr.io/paddock-dev/harness-runtime:latest
FROM ${RUNTIME_IMAGE}

# Same version the runtime's tests run against (harnesses/runtime/package.json).
ARG CLAUDE_CODE_VERSION=2.1.330
USER 0:0
# npm runs the package's postinstall, which puts the native binary in place of the launcher stub.
RUN npm install --global "@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}" \
 && npm cache clean --force \
 && claude --version

# The runtime reads the same `cli` block the platform validated.
COPY harnesses/claude-code.yaml /app/harnesses/claude-code.yaml
# CLI sessions and settings live in HOME, a writable volume under a read-only root filesystem.
ENV PADDOCK_HARNESS=claude-code \
    PADDOCK_HARNESS_FILE=/app/harnesses/claude-code.yaml \
    PADDOCK_STATE_DIR=/home/sandbox/.paddock
USER 1000:1000
