/**
 * The Deno adapter: serves a registry with `Deno.serve`, configured from `Deno.env`.
 *
 * @module
 */
import type { EnvSource } from "../config.ts";
import type { Registry } from "../registry.ts";
import { startupMessage } from "../startup_message.ts";
import { prepareHost, type ServeOptions } from "./prepare_host.ts";

/**
 * Starts the host on Deno and prints where it listens; exits with a clear message when the
 * configuration is invalid or the state store cannot be read.
 *
 * @param registry The generated registry.
 * @param env Environment variables (`PORT`, `HOST`, `HONEYFRAME_ADMIN_TOKEN`, …); `Deno.env` by default.
 * @param options The state store.
 * @returns The running server.
 * @example
 * ```ts
 * import { registry } from "./.gen/registry.ts";
 * await serveWithDeno(registry);
 * ```
 */
export async function serveWithDeno(
  registry: Registry,
  env: EnvSource = Deno.env,
  options: ServeOptions = {},
): Promise<Deno.HttpServer> {
  const { config, app, notes } = await prepareHost(registry, env, options, Deno.exit);
  return Deno.serve({
    port: config.port,
    hostname: config.hostname,
    onListen: ({ port }) =>
      [...startupMessage(registry, config, port), ...notes].forEach((line) => console.log(line)),
  }, app.fetch);
}
