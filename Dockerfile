# Honeyframe Edge: the plugin host, built into a registry and bundled at image build time,
# served by Deno with file-system access denied, behind Debian's nginx (container/nginx.conf).
#
#   docker build -t honeyframe-edge .
#   docker run -p 8000:8000 -e HONEYFRAME_ADMIN_TOKEN=... honeyframe-edge
#
# Customer plugins: FROM this image, COPY them into /data/plugins, RUN the build (see README, "Deploy").

FROM node:20-bookworm-slim AS build
# Deno's cache (with the esbuild that `deno bundle` fetches once) ships in the image, so that
# derived images and build-on-start can bundle offline.
ENV DENO_DIR=/app/.deno \
    DENO_NO_UPDATE_CHECK=1
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY deno.json main.ts main_node.ts main_worker.ts ./
COPY src ./src
COPY plugins ./plugins
COPY container ./container
# Customer plugins placed in /data/plugins before this step are part of the registry.
RUN mkdir -p /data/plugins && DATA_DIR=/data ./node_modules/deno/deno task bundle

FROM debian:bookworm-slim
# The front: nginx limits every request head, body, connection and client before the host sees it.
RUN apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends nginx-light >/dev/null \
    && rm -rf /var/lib/apt/lists/* /var/log/nginx/* \
    && nginx -v
LABEL org.opencontainers.image.title="Honeyframe Edge" \
      org.opencontainers.image.description="The Honeyframe plugin host: plugins compiled into a build-time registry, served by Hono" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.licenses="UNLICENSED" \
      org.opencontainers.image.source="https://github.com/honeyframe/honeyframe-edge"
ENV INSTALL_DIR=/app \
    DATA_DIR=/data \
    DENO_DIR=/app/.deno \
    DENO_NO_UPDATE_CHECK=1 \
    PORT=8000 \
    HOST=0.0.0.0 \
    HONEYFRAME_LOG_FORMAT=json
WORKDIR /app
COPY --from=build /app /app
COPY --from=build /data /data
RUN chown -R 10001:10001 /app/.gen /app/dist /app/.deno /data
USER 10001:10001
EXPOSE 8000
# Liveness: a restart cannot bring a database back, so the health check asks /livez; load
# balancers and orchestrators route traffic by /readyz (docs/operations.md, "Probes").
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD ["/app/node_modules/deno/deno", "eval", "const r = await fetch(`http://127.0.0.1:${Deno.env.get('PORT') ?? 8000}/livez`); if (!r.ok) Deno.exit(1);"]
ENTRYPOINT ["/app/container/entrypoint.sh"]
