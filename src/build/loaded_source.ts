/**
 * The source that gathers a mounted plugin's imported modules into a `LoadedPlugin` (its routers,
 * pages, health checks and blocks), shared by the registry's loaders and the isolated plugins'
 * worker entries so that both serve exactly the same exports.
 *
 * @module
 */
import { moduleIdentifiers } from "./identifiers.ts";
import type { VerifiedPlugin } from "./verify.ts";
import type { PluginOutline } from "../runtime/plugins/plugin_proxies.ts";

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
  const health = healthModules(plugin).map((module) => `${ids.get(module)}.health`);
  return `{ routers: [${routers.join(", ")}], pages: ${pages}, health: [${
    health.join(", ")
  }]${blocks} }`;
}

/**
 * What an isolated plugin has, known at build time: the host mounts it from this without starting
 * its worker, which starts on first use.
 *
 * @param plugin The verified plugin.
 * @returns Its pages' paths, its blocks' ids and the number of its health checks.
 */
export function pluginOutline(plugin: VerifiedPlugin): PluginOutline {
  return {
    pages: plugin.frontend?.pages ?? [],
    blocks: plugin.frontend?.blocks.map((block) => block.id) ?? [],
    health: healthModules(plugin).length,
  };
}

/** The router modules that export a health check, each once, in order. */
function healthModules(plugin: VerifiedPlugin): string[] {
  const modules = plugin.routers.filter((router) => router.health).map((router) => router.module);
  return [...new Set(modules)];
}
