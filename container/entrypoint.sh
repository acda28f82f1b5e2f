#!/bin/sh
# Container entry point: nginx in front (container/nginx.conf), the host behind it on a Unix socket
# in /tmp/honeyframe-front, both supervised by src/cli/tasks/front.ts (PID 1: SIGTERM drains nginx,
# then the host; the exit code is the host's). By default it serves the bundle built into the image. With
# HONEYFRAME_BUILD_ON_START=1 it first rebuilds the registry and bundles from /app/plugins and a
# mounted /data/plugins volume, then serves them. The server itself reads and writes nothing but its
# socket's folder, sees only the variables it needs (and revokes even those before plugin code runs), and
# reaches only the hosts HONEYFRAME_PLUGIN_NET lists when it is set. With the dbt command runner
# it may start the dbt executable; otherwise only Deno (the plugin process, before it drops its
# permissions).
set -eu
cd /app
deno=/app/node_modules/deno/deno

if [ "${HONEYFRAME_BUILD_ON_START:-0}" = "1" ]; then
  # The build reads plugin code: it gets the plugin roots and nothing of the host's secrets.
  env -i PATH="$PATH" HOME="${HOME:-/tmp}" ${DENO_DIR:+"DENO_DIR=$DENO_DIR"} DENO_NO_UPDATE_CHECK=1 \
    INSTALL_DIR="${INSTALL_DIR:-.}" DATA_DIR="${DATA_DIR:-./data}" "$deno" task bundle
fi

flags=$("$deno" run --no-prompt --no-config --allow-env src/cli/tasks/net_permission.ts)
net=$(printf '%s\n' "$flags" | sed -n 1p)
run=$(printf '%s\n' "$flags" | sed -n 2p)

front=/tmp/honeyframe-front
# The host may read and write only its socket's folder, and only until it has made the socket.
exec "$deno" run --no-prompt --no-remote --no-config --allow-env --allow-read --allow-write \
  --allow-run --allow-net --allow-sys=uid src/cli/tasks/front.ts --run-dir "$front" -- \
  "$deno" run --no-prompt --no-remote --no-config --unstable-no-legacy-abort \
  --allow-read="$front" --allow-write="$front" "$net" ${run:+"$run"} \
  --allow-env=INSTALL_DIR,DATA_DIR,PORT,HOST,HONEYFRAME_ADMIN_TOKEN,HONEYFRAME_JWT_SECRET,HONEYFRAME_JWT_REQUIRE_EXP,HONEYFRAME_JWT_MAX_TTL_S,HONEYFRAME_JWT_ISSUER,HONEYFRAME_JWT_AUDIENCE,HONEYFRAME_PUBLIC_URL,HONEYFRAME_PLUGIN_ORIGIN,HONEYFRAME_OIDC_ISSUER,HONEYFRAME_OIDC_CLIENT_ID,HONEYFRAME_OIDC_CLIENT_SECRET,HONEYFRAME_OIDC_GROUPS_CLAIM,HONEYFRAME_TRUST_PROXY,HONEYFRAME_PLUGIN_NET,HONEYFRAME_DATABASE_URL,HONEYFRAME_STORE,HONEYFRAME_DENO_KV_PATH,HONEYFRAME_HEADER_TIMEOUT_S,HONEYFRAME_IDLE_TIMEOUT_S,HONEYFRAME_MAX_CONNECTIONS,HONEYFRAME_PLUGIN_BODY_MAX_MB,HONEYFRAME_SOCKET,HONEYFRAME_PLUGIN_TIMEOUT_MS,HONEYFRAME_PLUGIN_LOADING,HONEYFRAME_ISOLATION,HONEYFRAME_PLUGIN_MEMORY_MB,HONEYFRAME_PLUGIN_MAX_RESTARTS,HONEYFRAME_SHUTDOWN_TIMEOUT_S,HONEYFRAME_LOG_FORMAT,HONEYFRAME_ACCESS_LOG,HONEYFRAME_METRICS_TOKEN,HONEYFRAME_PLUGIN_STORAGE_MB,HONEYFRAME_SECRETS_KEY,HONEYFRAME_AUDIT_RETENTION_DAYS,HONEYFRAME_QUERY_TIMEOUT_S,HONEYFRAME_DBT_RUNNER,HONEYFRAME_DBT_COMMAND,HONEYFRAME_DBT_PROFILES_DIR,HONEYFRAME_DBT_TIMEOUT_S,HONEYFRAME_DBT_WEBHOOK_URL,HONEYFRAME_DBT_WEBHOOK_SECRET,HONEYFRAME_WAREHOUSE_URL,HONEYFRAME_WAREHOUSE_ADMIN_URL,HONEYFRAME_WAREHOUSE_TIMEOUT_MS,HONEYFRAME_WAREHOUSE_MAX_ROWS \
  dist/server.js
