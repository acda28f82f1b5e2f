/**
 * The prepared router: the host app's route matcher compiled at build time. The build knows every
 * route of every plugin, so it assembles the app once with stand-in routers that declare the same
 * routes, collects the paths Hono registers, and has Hono compile them (`buildInitParams`). The
 * result is emitted into the registry as code (`serializeInitParams`), never evaluated.
 *
 * @module
 */
import { Hono } from "hono";
import { buildInitParams, serializeInitParams } from "hono/router/reg-exp-router";
import { createApp } from "../runtime/app.tsx";
import type { Registry, RegistryPlugin } from "../runtime/registry.ts";
import { registryRecord } from "./registry_record.ts";
import type { VerifiedPlugin } from "./verify.ts";

/**
 * Compiles the route matcher of the app a registry of these plugins will create.
 *
 * @param plugins The verified plugins.
 * @returns The router's constructor parameters as TypeScript source, or `undefined` when a route
 * shape cannot be prepared (the app then uses Hono's default router).
 * @example
 * ```ts
 * const source = preparedRouterSource(plugins); // "[{\"ALL\":[/^…$/,…]},{…}]"
 * ```
 */
export function preparedRouterSource(plugins: readonly VerifiedPlugin[]): string | undefined {
  const app = createApp(standInRegistry(plugins), { log: () => {} });
  const paths = [...new Set(app.routes.map((route) => route.path))];
  try {
    return serializeInitParams(buildInitParams({ paths }));
  } catch {
    return undefined;
  }
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
    })),
  };
}
