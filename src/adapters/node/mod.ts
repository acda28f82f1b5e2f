/**
 * The Node adapter: serves a registry with `@hono/node-server`. The state lives in PostgreSQL when
 * `HONEYFRAME_DATABASE_URL` is set, else in memory (Node 20 has no SQLite).
 *
 * @example
 * ```ts ignore
 * import { registry } from "../../../.gen/registry.ts";
 * await serveNode(registry);
 * ```
 *
 * @module
 */
import { serve, type ServerType } from "@hono/node-server";
import process from "node:process";
import type { EnvSource } from "../../env/mod.ts";
import { type GeneratedRegistry, startupMessage } from "../../runtime/mod.ts";
import { prepareHost } from "../_prepare_host.ts";

/**
 * Starts the host on Node and prints where it listens; exits with a clear message when the
 * configuration is invalid or the state store cannot be opened.
 *
 * @param registry The generated registry.
 * @param env The environment; `process.env` by default.
 * @returns The running server.
 * @example
 * ```ts ignore
 * import { registry } from "../../../.gen/registry.ts";
 * const server = await serveNode(registry, { PORT: "0" });
 * server.close();
 * ```
 */
export async function serveNode(
  generated: GeneratedRegistry,
  env: EnvSource = process.env,
): Promise<ServerType> {
  const { registry, config, limits, app, notes } = await prepareHost(generated, env, "memory");
  const server = serve(
    {
      fetch: app.fetch,
      port: config.port,
      hostname: config.hostname,
      serverOptions: {
        headersTimeout: limits.headerTimeoutMs,
        // A whole request (headers and body) gets the header time plus the plugin time limit.
        requestTimeout: limits.headerTimeoutMs + (config.pluginTimeoutMs ?? 0),
        keepAliveTimeout: limits.idleTimeoutMs,
        // Node checks the header and request deadlines on this interval (30 s by default).
        connectionsCheckingInterval: Math.min(1000, limits.headerTimeoutMs),
      },
    },
    ({ port }) =>
      [...startupMessage(registry, config, port), ...notes].forEach((line) => console.log(line)),
  );
  server.maxConnections = limits.maxConnections;
  return server;
}
