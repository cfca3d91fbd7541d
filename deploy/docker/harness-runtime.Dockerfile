# syntax=docker/dockerfile:1.7
# The image every sandbox pod runs: the Paddock harness runtime (harnesses/runtime),
# optionally with an agent CLI. Build from the repository root:
#   docker build -f deploy/docker/harness-runtime.Dockerfile --target chat        -t ghcr.io/paddock-dev/harness-runtime:latest .
#   docker build -f deploy/docker/harness-runtime.Dockerfile --target claude-code -t ghcr.io/paddock-dev/harness-claude-code:latest .
#   docker build -f deploy/docker/harness-runtime.Dockerfile --target codex       -t ghcr.io/paddock-dev/harness-codex:latest .
# Pods run it as uid 1000 with a read-only root filesystem; /workspace, /home/sandbox
# and /tmp are volumes (see the SandboxTemplate Paddock renders).
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
RUN npm install --global pnpm@10.34.9
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY server/package.json server/
COPY web/package.json web/
COPY harnesses/runtime/package.json harnesses/runtime/
COPY harnesses/mock-llm/package.json harnesses/mock-llm/
RUN pnpm install --frozen-lockfile --ignore-scripts --filter @paddock/harness-runtime...
COPY harnesses/runtime harnesses/runtime
# A self-contained copy with production dependencies only.
RUN pnpm --filter @paddock/harness-runtime deploy --prod --legacy /out

FROM node:${NODE_VERSION}-bookworm-slim AS chat
# Tools agents commonly run in their workspace; nothing setuid, no sudo.
RUN apt-get update \
 && apt-get install --yes --no-install-recommends git ca-certificates curl ripgrep \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build --chown=0:0 /out /app/harnesses/runtime
ENV PADDOCK_WORKSPACE=/workspace \
    PADDOCK_RUNTIME_PORT=8080 \
    HOME=/home/sandbox
RUN mkdir -p /workspace /home/sandbox && chown 1000:1000 /workspace /home/sandbox
USER 1000:1000
WORKDIR /workspace
EXPOSE 8080
CMD ["node", "/app/harnesses/runtime/src/main.ts"]

FROM chat AS claude-code
ARG CLAUDE_CODE_VERSION=2.1.330
USER 0:0
RUN npm install --global @anthropic-ai/claude-code@${CLAUDE_CODE_VERSION} && npm cache clean --force
USER 1000:1000

FROM chat AS codex
ARG CODEX_VERSION=0.169.0
USER 0:0
RUN npm install --global @openai/codex@${CODEX_VERSION} && npm cache clean --force
USER 1000:1000

# Default target: the built-in chat harness.
FROM chat
