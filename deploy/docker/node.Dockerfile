# syntax=docker/dockerfile:1
# One image per Node deployable (gateway, candidates, ranking, stream-processor),
# all from this file; the build stage is shared, so building the fleet compiles once.
#   docker build -f deploy/docker/node.Dockerfile --build-arg SERVICE=candidates -t recsys/candidates .
# SERVICE is the folder under services/ and the package @recsys/<SERVICE>.

FROM node:20-bookworm AS build
ARG PNPM_VERSION=12.4.2
# libfaiss-dev ships the static libfaiss.a that packages/ann links into its addon;
# the rest is the toolchain its Makefile uses (most of it is already in this image).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libfaiss-dev libopenblas-dev g++ make python3 \
 && rm -rf /var/lib/apt/lists/*
# The same pinned pnpm the Makefile installs (corepack would need pnpm's signing keys).
RUN npm install -g -E "pnpm@${PNPM_VERSION}"
WORKDIR /src

# Dependencies first: `pnpm fetch` reads only the lockfile, so this layer is
# reused until pnpm-lock.yaml changes, whatever source changed.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch

COPY . .
RUN pnpm install --frozen-lockfile --offline
# `build` generates the contracts from proto/ and runs tsc -b over the workspace;
# the FAISS addon is compiled here, against the same Debian release the runtime uses.
RUN pnpm run build \
 && pnpm --filter @recsys/ann run build:native

FROM build AS deploy
ARG SERVICE
RUN test -f "services/${SERVICE}/package.json" \
 || { echo "set --build-arg SERVICE to one of: $(ls services | tr '\n' ' ')" >&2; exit 1; }
# A self-contained folder: the service's dist, its production dependencies and the
# workspace packages it uses. deploy-all-files: by default pnpm packs a workspace
# package like `npm pack`, which honours packages/ann/.gitignore and so drops the
# compiled build/ann.node.
RUN pnpm deploy --config.deploy-all-files=true --filter "@recsys/${SERVICE}" --prod /out
# onnxruntime-node ships binaries for every OS and CPU (~250 MB); keep this platform's.
RUN arch="$(node -p process.arch)" \
 && for bin in /out/node_modules/.pnpm/onnxruntime-node@*/node_modules/onnxruntime-node/bin/napi-v*; do \
      [ -d "$bin" ] || continue; \
      find "$bin" -mindepth 1 -maxdepth 1 ! -name linux -exec rm -rf {} +; \
      find "$bin/linux" -mindepth 1 -maxdepth 1 ! -name "$arch" -exec rm -rf {} +; \
    done

FROM node:20-bookworm-slim AS runtime
ARG SERVICE
# Runtime libraries of the FAISS addon (OpenBLAS, OpenMP); only candidates loads it,
# but one runtime layer for every service keeps the fleet on one base.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libopenblas0 libgomp1 \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and run as uid 1000 (the image's `node` user, numeric so that
# Kubernetes can verify runAsNonRoot): the process cannot modify its own code.
COPY --from=deploy /out /app
LABEL org.opencontainers.image.title="recsys-${SERVICE}"
USER 1000:1000
# Node is PID 1 and every main.ts handles SIGTERM/SIGINT itself (drain, then exit).
CMD ["node", "dist/main.js"]
