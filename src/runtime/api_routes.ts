/**
 * The host's JSON API under `/api` (admin bearer token on every route): the plugin list,
 * enable/disable, each plugin's health and settings, the permission catalog, organisation groups, dbt workspaces
 * and runs, and the audit log.
 *
 * @module
 */
import { Hono } from "hono";
import { dashboardBlocks } from "./dashboard.tsx";
import { requireAdmin } from "./admin/api_auth.ts";
import { JSON_BODY_LIMIT, limitBody } from "./body_limits.ts";
import type { PluginLifecycle } from "./lifecycle.ts";
import { pluginHealth } from "./plugin_health.ts";
import { pluginsReport } from "./plugins_report.ts";
import type { Registry } from "./registry.ts";
import { dbtApi } from "./dbt/api.ts";
import type { DbtService } from "./dbt/service.ts";
import { configApi } from "./context/config_api.ts";
import type { PluginConfigs } from "./context/plugin_config.ts";

/** Organisation and group names: lowercase words with `_` or `-`. */
const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** What the API needs. */
export interface ApiOptions {
  /** The registry. */
  readonly registry: Registry;
  /** Plugin state and the store behind it. */
  readonly lifecycle: PluginLifecycle;
  /** The admin token; without one, every route answers 401. */
  readonly adminToken?: string;
  /** The clock, in milliseconds. */
  readonly now: () => number;
  /** dbt workspaces and runs. */
  readonly dbt: DbtService;
  /** The plugins' settings. */
  readonly configs: PluginConfigs;
}

/**
 * Creates the API app, to be mounted at `/api` before the plugins.
 *
 * @param options Registry, lifecycle, token and clock.
 * @returns The app.
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { MemoryStore } from "../state/mod.ts";
 * import { PluginLifecycle } from "./lifecycle.ts";
 * import { defineRegistry } from "./registry.ts";
 * import { readDbtConfig } from "./dbt/config.ts";
 * import { DbtService } from "./dbt/service.ts";
 * const registry = defineRegistry({ fingerprint: "sha256-x", permissions: [], plugins: [] });
 * const lifecycle = new PluginLifecycle(registry, new MemoryStore());
 * const dbt = new DbtService(registry, lifecycle, { config: readDbtConfig({}) });
 * import { PluginConfigs } from "./context/plugin_config.ts";
 * const configs = new PluginConfigs(lifecycle.store, registry);
 * new Hono().route("/api", apiApp({ registry, lifecycle, dbt, configs, adminToken: "an-admin-token-16+", now: Date.now }));
 * ```
 */
export function apiApp(options: ApiOptions): Hono {
  const { registry, lifecycle } = options;
  const store = lifecycle.store;
  const admin = requireAdmin(options.adminToken);
  const catalog = new Set(registry.permissions.map((permission) => permission.name));
  const app = new Hono();
  // Per route: a "*" middleware here would also run for the plugins mounted under /api.
  const limited = limitBody(JSON_BODY_LIMIT);

  app.get("/blocks", admin, (c) =>
    c.json({
      blocks: dashboardBlocks(registry, (name) => lifecycle.isEnabled(name)).map((block) => ({
        plugin: block.plugin.name,
        id: block.id,
        title: block.title,
        size: block.size,
      })),
    }));
  app.get(
    "/plugins",
    admin,
    (c) =>
      c.json(
        pluginsReport(
          registry,
          (plugin) => lifecycle.status(plugin),
          (plugin) => lifecycle.faultOf(plugin.name),
          (plugin) => options.configs.current(plugin.name).missing,
        ),
      ),
  );

  for (const [action, enabled] of [["enable", true], ["disable", false]] as const) {
    app.post(`/plugins/:name/${action}`, limited, admin, async (c) => {
      const name = c.req.param("name");
      const cascade = c.req.query("cascade") === "true";
      const dependents = enabled ? [] : lifecycle.enabledDependents(name);
      const refused = await lifecycle.setEnabled(name, enabled, "admin", { cascade });
      if (refused === "not_found") {
        return c.json({ error: "not_found", message: `no plugin is called ${name}` }, 404);
      }
      if (refused === "not_mountable") {
        return c.json({
          error: "not_mountable",
          message: `${name} has errors or is shadowed, so it cannot be enabled or disabled`,
        }, 409);
      }
      if (refused === "has_dependents") {
        return c.json({
          error: "has_dependents",
          dependents,
          message: `enabled plugins require ${name}; disable them first, or add ?cascade=true`,
        }, 409);
      }
      if (refused === "dependency_disabled") {
        const dependencies = lifecycle.disabledDependencies(name);
        return c.json({
          error: "dependency_disabled",
          dependencies,
          message: `${name} requires ${
            dependencies.join(", ")
          }, which is disabled; enable it first`,
        }, 409);
      }
      return c.json({
        name,
        status: enabled ? "mounted" : "disabled",
        ...(cascade && dependents.length > 0 ? { also_disabled: dependents } : {}),
      });
    });
  }

  app.get("/plugins/:name/health", admin, async (c) => {
    const name = c.req.param("name");
    const copies = registry.plugins.filter((plugin) => plugin.name === name);
    const plugin = copies.find((copy) => copy.status !== "shadowed") ?? copies[0];
    if (!plugin) return c.json({ error: "not_found", message: `no plugin is called ${name}` }, 404);
    const health = await pluginHealth(plugin, lifecycle.status(plugin));
    return c.json(health, health.status === "failing" ? 503 : 200);
  });

  app.route("/plugins", configApi({ configs: options.configs, admin, store, now: options.now }));

  app.get("/permissions", admin, (c) => c.json({ permissions: registry.permissions }));

  app.get("/orgs/:org/groups", admin, async (c) => {
    const org = c.req.param("org");
    if (!NAME.test(org)) {
      return c.json({ error: "invalid_name", message: "invalid organisation name" }, 400);
    }
    return c.json({ org, groups: await store.groups(org) });
  });

  app.put("/orgs/:org/groups/:group", limited, admin, async (c) => {
    const { org, group } = c.req.param();
    if (!NAME.test(org) || !NAME.test(group)) {
      return c.json({
        error: "invalid_name",
        message: "organisation and group names are lowercase words",
      }, 400);
    }
    const body: unknown = await c.req.json().catch(() => undefined);
    const permissions = (body as { permissions?: unknown } | undefined)?.permissions;
    if (!Array.isArray(permissions) || !permissions.every((item) => typeof item === "string")) {
      return c.json({
        error: "invalid_body",
        message: 'send {"permissions": ["resource.action", …]}',
      }, 400);
    }
    const unknown = permissions.filter((permission) => !catalog.has(permission));
    if (unknown.length > 0) {
      return c.json({
        error: "unknown_permission",
        message: "not in the permission catalog",
        unknown,
      }, 400);
    }
    const at = new Date(options.now()).toISOString();
    await store.putGroup(org, group, permissions, "admin", at);
    await store.appendAudit({
      time: at,
      actor: "admin",
      action: "group_change",
      target: `${org}/${group}`,
      outcome: "success",
    });
    const saved = (await store.groups(org)).find((record) => record.name === group);
    return c.json({ org, group: saved });
  });

  app.route("/dbt", dbtApi(options.dbt, admin));

  app.get("/audit", admin, async (c) => {
    const limit = Math.min(Math.max(Number(c.req.query("limit") ?? 100) || 100, 1), 1000);
    return c.json({ events: await store.recentAudit(limit) });
  });
  return app;
}
