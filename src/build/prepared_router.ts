/**
 * The prepared router: the host app's route matcher compiled at build time. The build knows every
 * route of every plugin, so it assembles the app once with stand-in routers that declare the same
 * routes, collects the paths Hono registers, and compiles them with Hono's `RegExpRouter` into the
 * parameters of its `PreparedRegExpRouter` (what Hono's `buildInitParams` does, in linear instead
 * of quadratic time: 7,000 paths take 0.2 s instead of 4 s). The result is emitted into the
 * registry as code (`serializeInitParams`), never evaluated.
 *
 * @module
 */
import { Hono } from "hono";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { createApp } from "../runtime/app.tsx";
import type { Registry, RegistryPlugin } from "../runtime/registry.ts";
import type { BuildCache } from "./build_cache.ts";
import { registryRecord } from "./registry_record.ts";
import type { VerifiedPlugin } from "./verify.ts";
import { SILENT_LOGGER } from "../log/mod.ts";

/**
 * Compiles the route matcher of the app a registry of these plugins will create.
 *
 * @param plugins The verified plugins.
 * @param cache Where an earlier build's matcher for the same paths is kept.
 * @returns The prepared router (the runtime's `PreparedRouter`) as TypeScript source, or
 * `undefined` when a route
 * shape cannot be prepared (the app then uses Hono's default router).
 * @example
 * ```ts
 * import { discover } from "./discover.ts";
 * import { verify } from "./verify.ts";
 * const plugins = await verify(discover({ installDir: ".", dataDir: "./data" }));
 * const source = preparedRouterSource(plugins); // '{ json: "[{\\"ALL\\":[null,…]},{…}]", patterns: [/^…$/] }'
 * ```
 */
export function preparedRouterSource(
  plugins: readonly VerifiedPlugin[],
  cache?: BuildCache,
): string | undefined {
  const compile = () => {
    const app = createApp(standInRegistry(plugins), { log: SILENT_LOGGER });
    const paths = [...new Set(app.routes.map((route) => route.path))];
    try {
      return paramsSource(preparedRouterParams(paths));
    } catch {
      return undefined;
    }
  };
  return cache ? cache.preparedRouter(routeInputs(plugins), compile) : compile();
}

/**
 * The parameters as the registry holds them (`PreparedRouter`): JSON, and the regular expressions
 * apart.
 */
function paramsSource([matchers, relocateMap]: [Matchers, RelocateMap]): string {
  const patterns = Object.values(matchers).map((matcher) => String(matcher[0]));
  const json = JSON.stringify([
    Object.fromEntries(
      Object.entries(matchers).map(([method, [, ...rest]]) => [method, [null, ...rest]]),
    ),
    relocateMap,
  ]);
  return `{ json: ${JSON.stringify(json)}, patterns: [${patterns.join(", ")}] }`;
}

/** What the stand-in registry's routes are made of: each plugin's status, routes and pages. */
function routeInputs(plugins: readonly VerifiedPlugin[]): string {
  return JSON.stringify(plugins.map((plugin) => [
    plugin.name,
    plugin.status,
    plugin.routers.map((router) => [router.spec, router.routes]),
    plugin.frontend?.pages ?? [],
  ]));
}

/** The matcher of every method, with handler lists, as `RegExpRouter` builds it. */
type Matchers = Record<string, [RegExp, unknown[] | 0, Record<string, [unknown[], unknown]>]>;

/** Where each registered path's handlers go in the matchers: dynamic indexes or static keys. */
type RelocateMap = Record<string, [(number | string)[], Record<string, number>?][]>;

class ExportingRegExpRouter extends RegExpRouter<string> {
  exportMatchers(): Matchers {
    return this.buildAllMatchers() as unknown as Matchers;
  }
}

/**
 * The constructor parameters of Hono's `PreparedRegExpRouter` for `paths`: the result of Hono's
 * `buildInitParams({ paths })`, computed in one pass over the matchers.
 *
 * @param paths Every path the app registers.
 * @returns `[matchers, relocateMap]`.
 * @throws When `RegExpRouter` cannot hold the paths (e.g. ambiguous parameters).
 */
export function preparedRouterParams(paths: readonly string[]): [Matchers, RelocateMap] {
  const router = new ExportingRegExpRouter();
  for (const path of paths) router.add("ALL", path, path);
  const matchers = router.exportMatchers();
  const [, dynamic, statics] = matchers["ALL"]!;
  const found = new Map<string, [(number | string)[], Record<string, number>?]>();
  (dynamic as ([string, Record<string, number>][] | 0)[]).forEach((list, index) => {
    if (!list) return;
    for (const [path, params] of list) {
      const entry = found.get(path);
      if (!entry) found.set(path, [[index], params]);
      else {
        entry[1] = { ...entry[1], ...params };
        if (!entry[0].includes(index)) entry[0].push(index);
      }
    }
  });
  for (const key in statics) {
    for (const [path] of statics[key]![0] as [string][]) {
      const entry = found.get(path) ?? found.set(path, [[]]).get(path)!;
      const value = key === path ? "" : key;
      if (!entry[0].includes(value)) entry[0].push(value);
    }
  }
  const relocateMap: RelocateMap = {};
  for (const path of paths) {
    const entry = found.get(path);
    if (entry && path !== "/*" && path !== "*") relocateMap[path] = [entry];
  }
  for (let index = 0; index < (dynamic as unknown[]).length; index++) {
    (dynamic as unknown[])[index] = (dynamic as unknown[])[index] ? [] : 0;
  }
  for (const key in statics) statics[key]![0] = [];
  return [matchers, relocateMap];
}

/** The registry the real one will be, with routers that declare the same routes and do nothing. */
function standInRegistry(plugins: readonly VerifiedPlugin[]): Registry {
  return {
    fingerprint: "",
    permissions: [],
    plugins: plugins.map((plugin): RegistryPlugin => ({
      ...registryRecord(plugin),
      routers: plugin.routers.map((router) => {
        const app = new Hono();
        for (const route of router.routes) app.on(route.method, route.path, (c) => c.body(null));
        return { spec: router.spec, app };
      }),
      pages: Object.fromEntries((plugin.frontend?.pages ?? []).map((path) => [path, () => null])),
      health: [],
    })),
  };
}
