/**
 * A mounted plugin's code gathered from its imported modules by a plan the build wrote: the
 * registry's loaders and the isolated plugins' worker entries both call it, so both serve exactly
 * the same exports, and the registry holds a few constants per plugin instead of a function body.
 *
 * @module
 */
import type { LoadedPlugin } from "../registry.ts";

/**
 * Where a plugin's code is in its modules, as the build verified it. Modules are numbered in the
 * order they are given (each once: the routers' modules, then the frontend entry).
 */
export interface LoadPlan {
  /** Each router: its spec in `plugin.yaml`, its module's number and the name of its export. */
  readonly routers: readonly (readonly [spec: string, module: number, exportName: string])[];
  /** The number of the frontend module, which exports `pages` (and `blocks` when `blocks`). */
  readonly frontend?: number;
  /** Whether the frontend module exports `blocks`. */
  readonly blocks?: true;
  /** The numbers of the modules that export a `health` check, each once. */
  readonly health?: readonly number[];
}

/** An imported module's exports. */
export type ModuleExports = Readonly<Record<string, unknown>>;

/**
 * Gathers a plugin's routers, pages, health checks and blocks from its modules.
 *
 * @param modules The plugin's modules, in the plan's order.
 * @param plan Where each part is.
 * @returns The plugin's code.
 * @example
 * ```ts
 * import { Hono } from "hono";
 * const loaded = pluginFromModules([{ router: new Hono() }], {
 *   routers: [["backend/api.ts:router", 0, "router"]],
 * });
 * ```
 */
export function pluginFromModules(
  modules: readonly ModuleExports[],
  plan: LoadPlan,
): LoadedPlugin {
  const exported = (module: number, name: string) => modules[module]?.[name];
  const loaded = {
    routers: plan.routers.map(([spec, module, exportName]) => ({
      spec,
      app: exported(module, exportName),
    })),
    pages: plan.frontend === undefined ? {} : exported(plan.frontend, "pages") ?? {},
    health: (plan.health ?? []).map((module) => exported(module, "health")),
    ...(plan.blocks ? { blocks: exported(plan.frontend ?? -1, "blocks") } : {}),
  };
  // The build checked each export's kind; the registry's types cannot say which module is which.
  return loaded as unknown as LoadedPlugin;
}

/**
 * {@link pluginFromModules} once the modules are imported: a registry loader passes the
 * promise of its modules' dynamic imports, all at once, and its plan.
 *
 * @param modules The plugin's modules being imported, in the plan's order.
 * @param plan Where each part is.
 * @returns The plugin's code.
 */
export async function importedPlugin(
  modules: Promise<readonly ModuleExports[]>,
  plan: LoadPlan,
): Promise<LoadedPlugin> {
  return pluginFromModules(await modules, plan);
}
