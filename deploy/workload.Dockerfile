# syntax=docker/dockerfile:1
# The example workload of the README, built from this checkout, for docker-compose.yml's
# `example-workload` service. Build context: the repository root (see
# workload.Dockerfile.dockerignore next to this file for what is left out).

FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles from source when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN npm ci && npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app /app
# Default data directory (./data) for the SQLite exporter, when it is enabled; a volume in compose.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
CMD ["node", "--require", "@transcriber/node/register", "scripts/demo-workload.js"]
