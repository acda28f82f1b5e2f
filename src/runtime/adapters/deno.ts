/**
 * The Deno adapter: serves a registry with `Deno.serve`, configured from `Deno.env`.
 *
 * @module
 */
import { createApp } from "../app.tsx";
import { type EnvSource, readConfigOrExit } from "../config.ts";
import type { Registry } from "../registry.ts";
import { startupMessage } from "../startup_message.ts";

/**
 * Starts the host on Deno and prints where it listens; exits with a clear message when the
 * configuration is invalid.
 *
 * @param registry The generated registry.
 * @param env Environment variables (`PORT`, `HOST`, `HONEYFRAME_ADMIN_TOKEN`); `Deno.env` by default.
 * @returns The running server.
 * @example
 * ```ts
 * import { registry } from "./.gen/registry.ts";
 * serveWithDeno(registry);
 * ```
 */
export function serveWithDeno(registry: Registry, env: EnvSource = Deno.env): Deno.HttpServer {
  const config = readConfigOrExit(env, Deno.exit);
  return Deno.serve({
    port: config.port,
    hostname: config.hostname,
    onListen: ({ port }) =>
      startupMessage(registry, config, port).forEach((line) => console.log(line)),
  }, createApp(registry, config).fetch);
}
