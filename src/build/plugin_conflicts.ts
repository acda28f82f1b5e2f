/**
 * Conflicts between plugins that would otherwise mount: a route answered by two routers, a
 * permission declared twice.
 *
 * @module
 */
import { permissionConflicts } from "./permission_catalog.ts";
import { routeConflicts } from "./route_table.ts";
import type { VerifiedPlugin } from "./verify.ts";

/**
 * Makes every plugin involved in a conflict an error (not mounted).
 *
 * @param plugins The verified plugins.
 * @returns The same plugins, those in conflict with their problems added.
 */
export function withoutConflicts(plugins: VerifiedPlugin[]): VerifiedPlugin[] {
  const mounted = plugins.filter((plugin) => plugin.status === "mounted");
  const routes = routeConflicts(mounted.map((plugin) => ({
    name: plugin.name,
    routerSpecs: plugin.manifest?.routers.map((router) => router.spec) ?? [],
    routes: plugin.routes,
  })));
  const permissions = permissionConflicts(mounted.map((plugin) => ({
    name: plugin.name,
    permissions: plugin.manifest?.permissions ?? [],
  })));
  return plugins.map((plugin) => {
    if (plugin.status !== "mounted") return plugin;
    const found = [...routes.get(plugin.name) ?? [], ...permissions.get(plugin.name) ?? []];
    if (found.length === 0) return plugin;
    const { frontend: _unmounted, ...rest } = plugin;
    return { ...rest, errors: [...plugin.errors, ...found], status: "error", routers: [] };
  });
}
