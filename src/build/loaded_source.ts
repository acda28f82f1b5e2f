/**
 * The source that gathers a mounted plugin's imported modules into a `LoadedPlugin` (its routers,
 * pages, health checks and blocks), shared by the registry's loaders and the isolated plugins'
 * worker entries so that both serve exactly the same exports.
 *
 * @module
 */
import { moduleIdentifiers } from "./identifiers.ts";
import type { VerifiedPlugin } from "./verify.ts";

/** A plugin's modules to import, each once, and the identifier each is bound to. */
export interface PluginModules {
  /** The modules, each once: routers first, then the frontend entry. */
  readonly modules: readonly { readonly module: string; readonly file: string }[];
  /** The identifier of each module, by its path in the plugin. */
  readonly ids: ReadonlyMap<string, string>;
}

/**
 * The modules a mounted plugin's code is imported from.
 *
 * @param plugin The verified plugin.
 * @returns Its modules and their identifiers (no modules: nothing to import).
 */
export function pluginModules(plugin: VerifiedPlugin): PluginModules {
  const seen = new Set<string>();
  const modules = [...plugin.routers, ...(plugin.frontend ? [plugin.frontend] : [])]
    .filter((item) => !seen.has(item.module) && seen.add(item.module))
    .map(({ module, file }) => ({ module, file }));
  return { modules, ids: moduleIdentifiers(plugin.name, modules.map((item) => item.module)) };
}

/**
 * The object literal of a plugin's loaded code, given its modules bound to their identifiers:
 * `{ routers: [...], pages: …, health: [...], blocks: … }`.
 *
 * @param plugin The verified plugin.
 * @param ids The identifier of each module.
 * @returns The source of the literal.
 */
export function loadedPluginSource(
  plugin: VerifiedPlugin,
  ids: ReadonlyMap<string, string>,
): string {
  const routers = plugin.routers.map((router) =>
    `{ spec: ${JSON.stringify(router.spec)}, app: ${ids.get(router.module)}.${router.exportName} }`
  );
  const frontend = plugin.frontend ? ids.get(plugin.frontend.module) : undefined;
  const pages = frontend ? `${frontend}.pages` : "{}";
  const blocks = plugin.frontend?.blocks.length ? `, blocks: ${frontend}.blocks` : "";
  const seen = new Set<string>();
  const health = plugin.routers
    .filter((router) => router.health && !seen.has(router.module) && seen.add(router.module))
    .map((router) => `${ids.get(router.module)}.health`);
  return `{ routers: [${routers.join(", ")}], pages: ${pages}, health: [${
    health.join(", ")
  }]${blocks} }`;
}
