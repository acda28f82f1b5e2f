/**
 * Test helper: registries written by hand, for runtime tests that need routers the build would
 * refuse or that should not touch the file system.
 *
 * @module
 */
import {
  defineRegistry,
  type HealthCheck,
  type PluginRouter,
  type Registry,
} from "../../src/runtime/mod.ts";

/**
 * A registry of mounted data plugins, each with one router given as a Hono app (and, where
 * given, the health checks its router module exports).
 */
export function registryOf(
  routers: Record<string, PluginRouter>,
  health: Record<string, HealthCheck[]> = {},
): Registry {
  return defineRegistry({
    fingerprint: "sha256-handwritten",
    permissions: [],
    plugins: Object.entries(routers).map(([name, app]) => ({
      name,
      display_name: name,
      version: "1.0.0",
      source: "data",
      status: "mounted",
      router_specs: ["router.ts:router"],
      dbt_workspace: null,
      frontend_entry: null,
      nav: [],
      permissions: [],
      seed_groups: [],
      errors: [],
      warnings: [],
      routes: app.routes.map((route) => ({
        method: route.method,
        path: `/api/${name}${route.path}`,
        router: "router.ts:router",
      })),
      routers: [{ spec: "router.ts:router", app }],
      pages: {},
      health: health[name] ?? [],
    })),
  });
}
