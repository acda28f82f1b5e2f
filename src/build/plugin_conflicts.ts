/**
 * Conflicts between plugins that would otherwise mount: a route answered by two routers, a
 * permission declared twice; and a dbt project name used twice, only a warning (each plugin builds
 * in its own schema).
 *
 * @module
 */
import { MANIFEST_FILE, problem } from "../manifest/mod.ts";
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
  return withSharedProjectWarnings(
    stopConflicting(bundled, () => true, (plugin) => plugin.source === "data"),
  );
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
    ];
    if (found.length === 0) return plugin;
    const { frontend: _unmounted, ...rest } = plugin;
    return { ...rest, errors: [...plugin.errors, ...found], status: "error", routers: [] };
  });
}

/** Each mounted plugin whose dbt project name another mounted plugin carries too gets a warning. */
function withSharedProjectWarnings(plugins: VerifiedPlugin[]): VerifiedPlugin[] {
  const mounted = plugins.filter((plugin) => plugin.status === "mounted" && plugin.dbt);
  return plugins.map((plugin) => {
    const project = plugin.status === "mounted" ? plugin.dbt?.project : undefined;
    if (project === undefined) return plugin;
    const others = mounted.filter((other) => other !== plugin && other.dbt!.project === project);
    if (others.length === 0) return plugin;
    const warning = problem(
      "dbt_workspace.shared_project",
      `the dbt project \`${project}\` is also carried by ${
        others.map((other) => `the plugin \`${other.name}\``).join(" and ")
      }; each builds in its own schema (this one in \`${plugin.dbt!.schema}\`)`,
      { file: MANIFEST_FILE, path: "dbt_workspace" },
    );
    return { ...plugin, warnings: [...plugin.warnings, warning] };
  });
}
