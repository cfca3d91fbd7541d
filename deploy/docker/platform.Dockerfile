# syntax=docker/dockerfile:1.7
# The Paddock platform image: GraphQL API, worker, CLI and the built dashboard.
# Build from the repository root:
#   docker build -f deploy/docker/platform.Dockerfile -t ghcr.io/paddock-dev/paddock:dev .
# The server runs its TypeScript with tsx; pick the process with the command:
#   node --import tsx src/bin/api.ts | src/bin/worker.ts | src/bin/paddock.ts db migrate
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
RUN npm install --global pnpm@10.34.9 && pnpm config set store-dir /pnpm-store
# Manifests first, so dependency layers survive source changes.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY server/package.json server/
COPY web/package.json web/
COPY harnesses/runtime/package.json harnesses/runtime/
COPY harnesses/mock-llm/package.json harnesses/mock-llm/
COPY harnesses/events/package.json harnesses/events/
COPY prisma prisma
RUN --mount=type=cache,target=/pnpm-store pnpm install --frozen-lockfile --ignore-scripts \
 && pnpm rebuild
COPY . .
# Prisma client (offline, see prisma/generate.mjs), the dashboard bundle (web/dist) and the
# harness runtime's bundle, which local sandboxes run (harnesses/runtime/dist).
RUN pnpm --filter @paddock/server db:generate && pnpm build:web && pnpm build:runtime

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production \
    PADDOCK_DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=4000
WORKDIR /app
COPY --from=build --chown=1000:1000 /app /app
RUN mkdir -p /data && chown 1000:1000 /data
# The `node` user of the base image; never root.
USER 1000:1000
WORKDIR /app/server
EXPOSE 4000
ENTRYPOINT ["node", "--import", "tsx"]
CMD ["src/bin/start.ts"]
