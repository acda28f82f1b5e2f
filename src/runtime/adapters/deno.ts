/**
 * The Deno adapter: serves a registry with `Deno.serve`, configured from environment variables.
 *
 * @module
 */
import { createApp } from "../app.ts";
import { readConfig } from "../config.ts";
import type { Registry } from "../registry.ts";

/**
 * Starts the host on Deno and prints where it listens; says how to open the admin API when no
 * token is configured.
 *
 * @param registry The generated registry.
 * @param env Environment variables (`PORT`, `HOST`, `HONEYFRAME_ADMIN_TOKEN`).
 * @returns The running server.
 * @example
 * ```ts
 * import { registry } from "./.gen/registry.ts";
 * serveWithDeno(registry, Deno.env.toObject());
 * ```
 */
export function serveWithDeno(
  registry: Registry,
  env: Readonly<Record<string, string | undefined>>,
): Deno.HttpServer {
  const config = readConfig(env);
  const app = createApp(registry, config);
  return Deno.serve({
    port: config.port,
    hostname: config.hostname,
    onListen({ port }) {
      const mounted = registry.plugins.filter((plugin) => plugin.status === "mounted").length;
      console.log(
        `Honeyframe Edge listening on http://localhost:${port}/ ` +
          `(${mounted} of ${registry.plugins.length} plugins mounted)`,
      );
      if (!config.adminToken) {
        console.log(
          "Admin API closed: set HONEYFRAME_ADMIN_TOKEN=<secret> to open GET /api/plugins.",
        );
      }
    },
  }, app.fetch);
}
