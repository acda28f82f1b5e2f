/**
 * What a mounted plugin's code is made of: the modules to import and where its routers, pages,
 * health checks and blocks are in them, shared by the registry's loaders and the isolated plugins'
 * worker entries so that both serve exactly the same exports.
 *
 * @module
 */
import type { VerifiedPlugin } from "./verify.ts";
import type { PluginOutline } from "../runtime/plugins/plugin_proxies.ts";
import type { LoadPlan } from "../runtime/plugins/loaded_plugin.ts";

/** A plugin's modules to import, each once: routers first, then the frontend entry. */
export interface PluginModules {
  /** Each module's path in the plugin and its file. */
  readonly modules: readonly { readonly module: string; readonly file: string }[];
}

/**
 * The modules a mounted plugin's code is imported from.
 *
 * @param plugin The verified plugin.
 * @returns Its modules (none: nothing to import).
 */
export function pluginModules(plugin: VerifiedPlugin): PluginModules {
  const seen = new Set<string>();
  const modules = [...plugin.routers, ...(plugin.frontend ? [plugin.frontend] : [])]
    .filter((item) => !seen.has(item.module) && seen.add(item.module))
    .map(({ module, file }) => ({ module, file }));
  return { modules };
}

/**
 * Where a mounted plugin's routers, pages, health checks and blocks are in its modules, for
 * `pluginFromModules` (src/runtime/plugins/loaded_plugin.ts).
 *
 * @param plugin The verified plugin.
 * @param modules Its modules, as {@link pluginModules} lists them.
 * @returns The plan (data: it is written into the registry and the worker entry as a literal).
 */
export function loadPlan(plugin: VerifiedPlugin, { modules }: PluginModules): LoadPlan {
  const numberOf = (module: string) => modules.findIndex((item) => item.module === module);
  const health = healthModules(plugin).map(numberOf);
  return {
    routers: plugin.routers.map((router) => [
      router.spec,
      numberOf(router.module),
      router.exportName,
    ]),
    ...(plugin.frontend ? { frontend: numberOf(plugin.frontend.module) } : {}),
    ...(plugin.frontend?.blocks.length ? { blocks: true } : {}),
    ...(health.length > 0 ? { health } : {}),
  };
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
