/**
 * What a server prints when it starts: where it listens, how many plugins are mounted, and how to
 * open the admin API when it is closed.
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
 * @param port The port actually bound (differs from `config.port` when that is 0).
 * @returns One or two lines.
 * @example
 * ```ts
 * import { readConfig } from "./config.ts";
 * import { defineRegistry } from "./registry.ts";
 * const registry = defineRegistry({ fingerprint: "sha256-x", permissions: [], plugins: [] });
 * for (const line of startupMessage(registry, readConfig({}), 8000)) console.log(line);
 * ```
 */
export function startupMessage(registry: Registry, config: HostConfig, port: number): string[] {
  const mounted = registry.plugins.filter((plugin) => plugin.status === "mounted").length;
  return [
    `Honeyframe Edge listening on http://localhost:${port}/ ` +
    `(${mounted} of ${registry.plugins.length} plugins mounted)`,
    ...(config.adminToken ? [] : [
      "Admin API closed: set HONEYFRAME_ADMIN_TOKEN=<secret> to open GET /api/plugins.",
    ]),
  ];
}
