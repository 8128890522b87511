# Two images from one file. The last stage, `exporter` (the default target): compiled TypeScript on
# Node 20, production dependencies only, run as `node`.
#   docker build -t cursor-usage-exporter . && docker run -e CURSOR_ADMIN_API_KEY=… -e API_TOKEN=… cursor-usage-exporter
# The `grafana` target: Grafana with our datasource plugin built in (docker-compose.yml builds both).
#   docker build --target grafana -t cursor-usage-grafana .

# Build tools are here in case better-sqlite3 has no prebuilt binary for the platform.
FROM node:20-bookworm-slim AS base
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Every workspace's package.json, so `npm ci` accepts the root lockfile; each stage installs the
# workspaces it needs.
COPY package.json package-lock.json ./
COPY exporter/package.json exporter/
COPY grafana-plugin/package.json grafana-plugin/

FROM base AS build
RUN npm ci --no-audit --no-fund --include-workspace-root -w exporter
COPY tsconfig.base.json ./
COPY exporter/ exporter/
# The exporter's half of the root `npm run build` (the other half builds the Grafana plugin).
RUN node_modules/.bin/tsc -p exporter/tsconfig.build.json

FROM base AS deps
RUN npm ci --no-audit --no-fund --omit=dev -w exporter

# The Grafana plugin, built as `npm run build -w grafana-plugin` builds it on a workstation (webpack,
# then the zip that scripts/package.js writes with the root's adm-zip). Its query types come from the
# shared schemas (TypeBox only), so those sources are copied in; the exporter is not installed.
FROM base AS plugin
RUN npm ci --no-audit --no-fund --include-workspace-root -w grafana-plugin
COPY exporter/src/schemas/ exporter/src/schemas/
COPY grafana-plugin/ grafana-plugin/
RUN npm run build -w grafana-plugin

# Grafana loads plugins from GF_PATHS_PLUGINS. Not from the default under /var/lib/grafana: compose
# mounts a volume there, and a volume keeps the plugin of the image it was first created from.
FROM grafana/grafana:12.4.10 AS grafana
ENV GF_PATHS_PLUGINS=/opt/grafana-plugins
COPY --from=plugin /app/grafana-plugin/dist /opt/grafana-plugins/cursorusagestack-cursorusage-datasource
# Writable by Grafana (uid 472, group root) for the plugins it installs itself.
USER root
RUN chown 472:0 /opt/grafana-plugins
USER 472

FROM node:20-bookworm-slim AS exporter
# MALLOC_ARENA_MAX: glibc gives each thread that allocates (the parse and detection workers, libuv's
# pool) a malloc arena of its own and keeps what is freed in it; two arenas keep bench/load's steady
# RSS ~20 MB lower (README, Benchmarks). bench/load runs the exporter with this value, read from here.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=9464 \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY --from=build /app/exporter/package.json exporter/
COPY --from=build /app/exporter/bin exporter/bin
COPY --from=build /app/exporter/dist exporter/dist
# The installed command on PATH, as `npm install -g` would link it. The database lives in ./data
# (DATABASE_PATH defaults to ./data/cursor-usage.db, the demo to ./data/demo.db): mount a volume there.
RUN ln -s /app/exporter/bin/cursor-usage-exporter.js /usr/local/bin/cursor-usage-exporter \
 && mkdir data && chown node:node data
VOLUME /app/data
USER node
EXPOSE 9464
# Liveness only: /readyz waits for the first collection, which for a large team's backfill takes
# longer than any sensible start period.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["cursor-usage-exporter", "serve"]
