/**
 * The Node adapter: serves a registry with `@hono/node-server`, configured from `process.env`.
 *
 * @module
 */
import { serve, type ServerType } from "@hono/node-server";
import process from "node:process";
import { createApp } from "../app.tsx";
import { type EnvSource, readConfigOrExit } from "../config.ts";
import type { Registry } from "../registry.ts";
import { startupMessage } from "../startup_message.ts";

/**
 * Starts the host on Node and prints where it listens; exits with a clear message when the
 * configuration is invalid.
 *
 * @param registry The generated registry.
 * @param env Environment variables; `process.env` by default.
 * @returns The running server.
 * @example
 * ```ts
 * import { registry } from "./.gen/registry.ts";
 * serveWithNode(registry);
 * ```
 */
export function serveWithNode(registry: Registry, env: EnvSource = process.env): ServerType {
  const config = readConfigOrExit(env, process.exit);
  const app = createApp(registry, config);
  return serve(
    { fetch: app.fetch, port: config.port, hostname: config.hostname },
    ({ port }) => startupMessage(registry, config, port).forEach((line) => console.log(line)),
  );
}
