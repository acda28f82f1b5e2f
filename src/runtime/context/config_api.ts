/**
 * The settings API, under `/api/plugins`: `GET /<name>/config` shows a plugin's settings (a
 * secret only as set or not), `PUT /<name>/config` sets and clears them (`{ key: value | null }`),
 * all or none, audited with the keys it changed and never a value.
 *
 * @module
 */
import { Hono, type MiddlewareHandler } from "hono";
import type { StateStore } from "../../state/mod.ts";
import { JSON_BODY_LIMIT, limitBody } from "../body_limits.ts";
import { configChangeDetail, type PluginConfigs } from "./plugin_config.ts";

/** What the settings API needs. */
export interface ConfigApiOptions {
  /** The plugins' settings. */
  readonly configs: PluginConfigs;
  /** Who may read and change them (the admin token). */
  readonly admin: MiddlewareHandler;
  /** Where changes are audited. */
  readonly store: StateStore;
  /** The clock, in milliseconds. */
  readonly now: () => number;
}

/**
 * Creates the settings API, to be mounted at `/api/plugins`.
 *
 * @param options The settings, the admin check, the audit log and the clock.
 * @returns The app.
 */
export function configApi(options: ConfigApiOptions): Hono {
  const { configs, admin, store } = options;
  const notFound = (name: string) => ({
    error: "not_found",
    message: `no plugin is called ${name}`,
  });
  return new Hono()
    .get("/:name/config", admin, async (c) => {
      const name = c.req.param("name");
      const view = await configs.view(name);
      return view ? c.json(view) : c.json(notFound(name), 404);
    })
    .put("/:name/config", limitBody(JSON_BODY_LIMIT), admin, async (c) => {
      const name = c.req.param("name");
      const body: unknown = await c.req.json().catch(() => undefined);
      const change = await configs.change(name, body);
      if (!change.ok) {
        switch (change.error) {
          case "not_found":
            return c.json(notFound(name), 404);
          case "invalid_config":
            return c.json({ error: "invalid_config", fields: change.fields }, 422);
          case "secrets_key_missing":
            return c.json({
              error: "secrets_key_missing",
              message: "secret settings need HONEYFRAME_SECRETS_KEY on the server",
            }, 409);
        }
      }
      await store.appendAudit({
        time: new Date(options.now()).toISOString(),
        actor: "admin",
        action: "plugin_config",
        target: name,
        outcome: "success",
        detail: configChangeDetail(change),
      });
      return c.json((await configs.view(name))!);
    });
}
