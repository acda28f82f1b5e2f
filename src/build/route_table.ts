/**
 * The route table: every `(method, path)` each plugin serves, known at build time, and the
 * conflicts between routers that would answer the same request.
 *
 * @module
 */
import { MANIFEST_FILE, type Problem, problem } from "../manifest/mod.ts";
import type { RouteEntry } from "../runtime/registry.ts";
import type { AppRoute } from "./export_kind.ts";

/**
 * The full routes of one plugin: each router's routes under `/api/<name>`, sorted by path then
 * method, each method and path once per router.
 *
 * @param pluginName The plugin name.
 * @param routers Each router's spec and the routes its app lists.
 * @returns The plugin's route table.
 * @example
 * ```ts
 * pluginRoutes("crm", [{ spec: "r.ts:router", routes: [{ method: "GET", path: "/ping" }] }]);
 * // [{ method: "GET", path: "/api/crm/ping", router: "r.ts:router" }]
 * ```
 */
export function pluginRoutes(
  pluginName: string,
  routers: readonly { spec: string; routes: readonly AppRoute[] }[],
): RouteEntry[] {
  const prefix = `/api/${pluginName}`;
  const entries = routers.flatMap((router) =>
    router.routes.map((route) => ({
      method: route.method,
      path: route.path === "/" ? prefix : `${prefix}${route.path}`,
      router: router.spec,
    }))
  );
  return entries.sort((a, b) =>
    a.path.localeCompare(b.path) || a.method.localeCompare(b.method) ||
    a.router.localeCompare(b.router)
  );
}

/** A plugin as the conflict check sees it. */
export interface RoutedPlugin {
  /** The plugin name. */
  readonly name: string;
  /** Its router specs in manifest order (to name `routers[i]`). */
  readonly routerSpecs: readonly string[];
  /** Its route table. */
  readonly routes: readonly RouteEntry[];
}

/**
 * Finds routes that two different routers (of one plugin or of two) both declare: same method and
 * same path once parameter names are ignored. `ALL` routes (middleware, catch-alls) are not
 * compared.
 *
 * @param plugins The plugins that are about to be mounted.
 * @returns For each plugin name with conflicts, one problem per conflicting route, naming both places.
 * @example
 * ```ts
 * const conflicts = routeConflicts([
 *   { name: "crm", routerSpecs: ["a.ts"], routes: [{ method: "GET", path: "/x", router: "a.ts" }] },
 *   { name: "crm", routerSpecs: ["b.ts"], routes: [{ method: "GET", path: "/x", router: "b.ts" }] },
 * ]);
 * conflicts.get("crm"); // [{ code: "route.conflict", … }]
 * ```
 */
export function routeConflicts(plugins: readonly RoutedPlugin[]): Map<string, Problem[]> {
  const owners = new Map<string, { plugin: RoutedPlugin; route: RouteEntry }[]>();
  for (const plugin of plugins) {
    for (const route of plugin.routes) {
      if (route.method === "ALL") continue;
      const key = `${route.method} ${routeShape(route.path)}`;
      owners.set(key, [...owners.get(key) ?? [], { plugin, route }]);
    }
  }
  const conflicts = new Map<string, Problem[]>();
  for (const claims of owners.values()) {
    const distinct = new Map(
      claims.map((claim) => [`${claim.plugin.name}\0${claim.route.router}`, claim]),
    );
    if (distinct.size < 2) continue;
    for (const claim of distinct.values()) {
      const others = [...distinct.values()].filter((other) => other !== claim).map(describeClaim);
      const found = conflicts.get(claim.plugin.name) ?? [];
      found.push(problem(
        "route.conflict",
        `\`${claim.route.method} ${claim.route.path}\` is also declared by ${others.join(" and ")}`,
        { file: MANIFEST_FILE, path: routerPath(claim.plugin, claim.route.router) },
      ));
      conflicts.set(claim.plugin.name, found);
    }
  }
  return conflicts;
}

/** `/customers/:id{[0-9]+}` and `/customers/:key{[0-9]+}` have the same shape. */
function routeShape(path: string): string {
  return path.replace(/:[A-Za-z0-9_]+/g, ":");
}

function describeClaim(claim: { plugin: RoutedPlugin; route: RouteEntry }): string {
  return `\`${claim.plugin.name}\` ${
    routerPath(claim.plugin, claim.route.router)
  } (\`${claim.route.router}\`)`;
}

function routerPath(plugin: RoutedPlugin, spec: string): string {
  return `routers[${plugin.routerSpecs.indexOf(spec)}]`;
}
