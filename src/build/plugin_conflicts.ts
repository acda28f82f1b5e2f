/**
 * Conflicts between plugins that would otherwise mount: a route answered by two routers, a
 * permission declared twice, a dbt project name used twice.
 *
 * @module
 */
import { MANIFEST_FILE, type Problem, problem } from "../manifest/mod.ts";
import { permissionConflicts } from "./permission_catalog.ts";
import { routeConflicts } from "./route_table.ts";
import type { VerifiedPlugin } from "./verify.ts";

/**
 * Makes the plugins involved in a conflict errors (not mounted). Bundled plugins win: a conflict
 * among bundled plugins stops each of them, and then a customer plugin that conflicts with a
 * bundled one that still mounts, or with another customer plugin, is stopped, never the bundled
 * one. Customers extend, they don't shadow, and they cannot take a bundled plugin offline.
 *
 * @param plugins The verified plugins.
 * @returns The same plugins, those in conflict with their problems added.
 */
export function withoutConflicts(plugins: VerifiedPlugin[]): VerifiedPlugin[] {
  const bundled = stopConflicting(plugins, (plugin) => plugin.source === "install");
  return stopConflicting(bundled, () => true, (plugin) => plugin.source === "data");
}

/**
 * Finds the conflicts among the mounted plugins that `among` selects and stops those of them that
 * `stops` selects.
 */
function stopConflicting(
  plugins: VerifiedPlugin[],
  among: (plugin: VerifiedPlugin) => boolean,
  stops: (plugin: VerifiedPlugin) => boolean = () => true,
): VerifiedPlugin[] {
  const mounted = plugins.filter((plugin) => plugin.status === "mounted" && among(plugin));
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
    if (plugin.status !== "mounted" || !among(plugin) || !stops(plugin)) return plugin;
    const found = [
      ...routes.get(plugin.name) ?? [],
      ...permissions.get(plugin.name) ?? [],
      ...dbtProjectConflict(plugin, mounted),
    ];
    if (found.length === 0) return plugin;
    const { frontend: _unmounted, ...rest } = plugin;
    return { ...rest, errors: [...plugin.errors, ...found], status: "error", routers: [] };
  });
}

/** The problem of a plugin whose dbt project name another of `mounted` declares too, if any. */
function dbtProjectConflict(plugin: VerifiedPlugin, mounted: VerifiedPlugin[]): Problem[] {
  const project = plugin.dbt?.project;
  if (project === undefined) return [];
  const others = mounted.filter((other) => other !== plugin && other.dbt?.project === project)
    .map((other) => other.name);
  if (others.length === 0) return [];
  return [problem(
    "dbt_workspace.conflict",
    `the dbt project \`${project}\` is also declared by ${
      others.map((name) => `the plugin \`${name}\``).join(" and ")
    }`,
    { file: MANIFEST_FILE, path: "dbt_workspace" },
  )];
}
