/**
 * What a server prints when it starts: where it listens, how many plugins are mounted, that
 * production needs the front when it listens beyond loopback on its own, and how to open the admin
 * API when it is closed.
 *
 * @module
 */
import type { HostConfig } from "./config.ts";
import type { Registry } from "./registry.ts";

/**
 * The lines a server prints once it listens.
 *
 * @param registry The served registry.
 * @param config The configuration in use.
 * @param where The port actually bound (differs from `config.port` when that is 0), or the front's
 * Unix socket the server listens on behind it.
 * @returns One to three lines.
 * @example
 * ```ts
 * import { readConfig } from "./config.ts";
 * import { defineRegistry } from "./registry.ts";
 * const registry = defineRegistry({ fingerprint: "sha256-x", permissions: [], plugins: [] });
 * for (const line of startupMessage(registry, readConfig({}), 8000)) console.log(line);
 * ```
 */
export function startupMessage(
  registry: Registry,
  config: HostConfig,
  where: number | { readonly socket: string },
): string[] {
  const mounted = registry.plugins.filter((plugin) => plugin.status === "mounted").length;
  const plugins = `(${mounted} of ${registry.plugins.length} plugins mounted)`;
  const listening = typeof where !== "number"
    ? [`Honeyframe Edge serving the front on unix:${where.socket} ${plugins}`]
    : [
      `Honeyframe Edge listening on http://localhost:${where}/ ${plugins}`,
      ...(isLoopback(config.hostname) ? [] : [
        `Listening on ${config.hostname} without a front: this is a development server; in ` +
        "production run npm run start:prod or the container (nginx in front).",
      ]),
    ];
  return [
    ...listening,
    ...(config.adminToken ? [] : [
      "Admin API closed: set HONEYFRAME_ADMIN_TOKEN=<secret> to open GET /api/plugins.",
    ]),
  ];
}

/** Whether a listening address is reachable from this machine only. */
function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "::1" || /^127\./.test(hostname);
}
