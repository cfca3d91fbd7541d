# syntax=docker/dockerfile:1.7
# The image every sandbox pod runs for the built-in chat harness: the Paddock harness
# runtime (harnesses/runtime) with chat.yaml baked in. The CLI harness images build on it
# (harnesses/claude-code.Dockerfile, harnesses/codex.Dockerfile). From the repository root:
#   docker build -f deploy/docker/harness-runtime.Dockerfile -t ghcr.io/paddock-dev/harness-runtime:latest .
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
COPY harnesses/events/package.json harnesses/events/
RUN pnpm install --frozen-lockfile --ignore-scripts --filter @paddock/harness-runtime...
COPY harnesses/runtime harnesses/runtime
# One bundled JavaScript file (plus chunks loaded on demand) with every dependency inside:
# no TypeScript to strip and no node_modules to resolve at start, and about half the memory.
RUN pnpm --filter @paddock/harness-runtime build

FROM node:${NODE_VERSION}-bookworm-slim AS chat
# Tools agents commonly run in their workspace; nothing setuid, no sudo.
RUN apt-get update \
 && apt-get install --yes --no-install-recommends git ca-certificates curl ripgrep \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build --chown=0:0 /src/harnesses/runtime/package.json /app/harnesses/runtime/package.json
COPY --from=build --chown=0:0 /src/harnesses/runtime/dist /app/harnesses/runtime/dist
COPY harnesses/chat.yaml /app/harnesses/chat.yaml
ENV PADDOCK_WORKSPACE=/workspace \
    PADDOCK_RUNTIME_PORT=8080 \
    PADDOCK_HARNESS=chat \
    PADDOCK_HARNESS_FILE=/app/harnesses/chat.yaml \
    PADDOCK_STATE_DIR=/home/sandbox/.paddock \
    HOME=/home/sandbox
RUN mkdir -p /workspace /home/sandbox && chown 1000:1000 /workspace /home/sandbox
USER 1000:1000
WORKDIR /workspace
EXPOSE 8080
# --liftoff-only: see RUNTIME_V8_FLAGS in server/src/sandbox/local/runtime-entry.ts.
CMD ["node", "--liftoff-only", "/app/harnesses/runtime/dist/runtime.mjs"]

