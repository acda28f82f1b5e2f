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
import { type Registry, startupMessage } from "../../runtime/mod.ts";
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
  registry: Registry,
  env: EnvSource = process.env,
): Promise<ServerType> {
  const { config, app, notes } = await prepareHost(registry, env, "memory", process.exit);
  return serve(
    { fetch: app.fetch, port: config.port, hostname: config.hostname },
    ({ port }) =>
      [...startupMessage(registry, config, port), ...notes].forEach((line) => console.log(line)),
  );
}
