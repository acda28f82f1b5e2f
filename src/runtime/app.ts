/**
 * The host application: health check, admin API and every mounted plugin's routers, as one Hono app
 * that runs on any runtime.
 *
 * @module
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { requireAdmin } from "./admin_auth.ts";
import type { HostConfig } from "./config.ts";
import { pluginsReport } from "./plugins_report.ts";
import type { Registry } from "./registry.ts";

/** Options of {@link createApp}: the parts of the configuration the app itself needs. */
export type AppOptions = Pick<HostConfig, "adminToken">;

/**
 * Creates the host app from a registry. Only plugins with status `mounted` are served, each under
 * `/api/<name>`; the host's own routes are registered first and always win.
 *
 * @param registry The generated registry.
 * @param options The admin token (admin surfaces are closed without one).
 * @returns The Hono app; pass `app.fetch` to any server.
 * @example
 * ```ts
 * import { registry } from "./.gen/registry.ts";
 * Deno.serve(createApp(registry, { adminToken: Deno.env.get("HONEYFRAME_ADMIN_TOKEN") }).fetch);
 * ```
 */
export function createApp(registry: Registry, options: AppOptions = {}): Hono {
  const app = new Hono();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/api/plugins", requireAdmin(options.adminToken), (c) => c.json(pluginsReport(registry)));

  for (const plugin of registry.plugins) {
    if (plugin.status !== "mounted") continue;
    for (const router of plugin.routers) app.route(`/api/${plugin.name}`, router.app as Hono);
  }

  app.notFound((c) =>
    c.json({ error: "not_found", message: `no route for ${c.req.method} ${c.req.path}` }, 404)
  );
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    console.error(error);
    return c.json(
      { error: "internal_error", message: "the server failed to handle the request" },
      500,
    );
  });
  return app;
}
