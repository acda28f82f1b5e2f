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
import { type AuditStore, MemoryAuditStore } from "./admin/audit_store.ts";
import { pluginNavigation } from "./admin/layout.tsx";
import { adminApp } from "./admin/routes.tsx";
import { STYLESHEET, STYLESHEET_PATH } from "./admin/stylesheet.ts";
import { errorLogger, type LogSink, ThrownValue } from "./error_log.ts";
import { pluginPagesApp } from "./plugin_pages.tsx";
import type { Registry, RegistryPlugin } from "./registry.ts";

/** Options of {@link createApp}. */
export interface AppOptions extends Partial<HostConfig> {
  /** Where failures are logged with their stacks (default: `console.error`). */
  readonly log?: LogSink;
  /** Where admin events are recorded (default: in memory). */
  readonly audit?: AuditStore;
  /** The clock, in milliseconds (sessions, audit times); injectable for tests. */
  readonly now?: () => number;
}

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
  const logFailure = errorLogger(options.log ?? console.error, options.adminToken);
  const app = new Hono();
  const pluginLinks = pluginNavigation(registry);
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get(STYLESHEET_PATH, (c) => {
    c.header("Cache-Control", "public, max-age=3600");
    return c.body(STYLESHEET, 200, { "Content-Type": "text/css; charset=utf-8" });
  });
  app.get("/", (c) => c.redirect("/admin/plugins", 303));
  app.get("/api/plugins", requireAdmin(options.adminToken), (c) => c.json(pluginsReport(registry)));
  app.route(
    "/admin",
    adminApp({
      registry,
      pluginLinks,
      audit: options.audit ?? new MemoryAuditStore(),
      settings: settingsFacts(registry, options),
      ...(options.adminToken === undefined ? {} : { adminToken: options.adminToken }),
      ...(options.now === undefined ? {} : { now: options.now }),
    }),
  );
  app.route("/plugins", pluginPagesApp(registry, pluginLinks));

  for (const plugin of registry.plugins) {
    if (plugin.status === "mounted") {
      app.route(`/api/${plugin.name}`, pluginScope(plugin, logFailure));
    }
  }

  app.notFound((c) =>
    c.json({ error: "not_found", message: `no route for ${c.req.method} ${c.req.path}` }, 404)
  );
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    logFailure(`host failed on ${c.req.method} ${c.req.path}`, error);
    return c.json(
      { error: "internal_error", message: "the server failed to handle the request" },
      500,
    );
  });
  return app;
}

/** The non-secret facts the Settings page shows. */
function settingsFacts(registry: Registry, options: AppOptions): [string, string][] {
  const count = (status: string) =>
    registry.plugins.filter((plugin) => plugin.status === status).length;
  return [
    ["Runtime", globalThis.navigator?.userAgent ?? "unknown"],
    [
      "Listening on",
      options.port === undefined
        ? "set by the runtime"
        : `${options.hostname ?? "0.0.0.0"}:${options.port}`,
    ],
    [
      "Admin token",
      options.adminToken ? "configured (value hidden)" : "not configured: admin is closed",
    ],
    ["Registry fingerprint", registry.fingerprint],
    [
      "Plugins",
      `${registry.plugins.length} discovered: ${count("mounted")} mounted, ${
        count("error")
      } with errors, ${count("shadowed")} shadowed`,
    ],
  ];
}

/**
 * One plugin's routers behind an error boundary: a failure becomes a 500 that names the plugin
 * (nothing else), and is logged with its stack. The plugin's middleware stays inside its prefix.
 */
function pluginScope(plugin: RegistryPlugin, logFailure: ReturnType<typeof errorLogger>): Hono {
  const scope = new Hono();
  scope.use("*", async (_c, next) => {
    try {
      await next();
    } catch (thrown) {
      throw thrown instanceof Error ? thrown : new ThrownValue(thrown);
    }
  });
  for (const router of plugin.routers) scope.route("/", router.app as Hono);
  scope.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    logFailure(`plugin ${plugin.name} failed on ${c.req.method} ${c.req.path}`, error);
    return c.json({
      error: "plugin_error",
      plugin: plugin.name,
      message: `the plugin ${plugin.name} failed to handle the request`,
    }, 500);
  });
  return scope;
}
