/**
 * The Node adapter: serves a registry with `@hono/node-server`, configured from `process.env`.
 *
 * @module
 */
import { serve, type ServerType } from "@hono/node-server";
import process from "node:process";
import type { EnvSource } from "../config.ts";
import type { Registry } from "../registry.ts";
import { startupMessage } from "../startup_message.ts";
import { prepareHost, type ServeOptions } from "./prepare_host.ts";

/**
 * Starts the host on Node and prints where it listens; exits with a clear message when the
 * configuration is invalid or the state store cannot be read.
 *
 * @param registry The generated registry.
 * @param env Environment variables; `process.env` by default.
 * @param options The state store.
 * @returns The running server.
 * @example
 * ```ts
 * import { registry } from "./.gen/registry.ts";
 * await serveWithNode(registry);
 * ```
 */
export async function serveWithNode(
  registry: Registry,
  env: EnvSource = process.env,
  options: ServeOptions = {},
): Promise<ServerType> {
  const { config, app, notes } = await prepareHost(registry, env, options, process.exit);
  return serve(
    { fetch: app.fetch, port: config.port, hostname: config.hostname },
    ({ port }) =>
      [...startupMessage(registry, config, port), ...notes].forEach((line) => console.log(line)),
  );
}
