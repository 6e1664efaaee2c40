# syntax=docker/dockerfile:1

# Node 22 LTS: supported (package.json's engines) and, unlike Node 20, not past its end of life.
FROM node:22-bookworm-slim AS build
# better-sqlite3 is compiled by node-gyp: prebuilt binaries cannot be downloaded in our environments.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# Skip the doomed prebuild download, and build against the image's own Node headers instead of fetching them.
ENV npm_config_build_from_source=true \
    npm_config_nodedir=/usr/local
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
# Its "type": "module" also makes any .js file under /app an ES module, permission plugins mounted there included.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Lets `npm run cli` / `npm run migrate` work in the container; with no sources here it never rebuilds.
COPY --from=build /app/scripts ./scripts
# The default SQLite database and generated pepper file live in ./data, which the node user must own.
RUN mkdir -p data && chown node:node data
# Third-party permission plugins load at start, with no rebuild (docs/permission-plugins.md): mount them read-only,
# e.g. -v "$PWD/plugins:/app/plugins:ro", and name their files: PERMISSION_PLUGINS=/app/plugins/video/index.js.
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/apps/api/src/main.js"]
