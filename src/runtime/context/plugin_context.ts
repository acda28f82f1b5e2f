/**
 * What the host gives a plugin on each request: `pluginContext(c)` in a handler returns its
 * settings (`config`, synchronous, secrets opened in memory only), its own storage (`storage`,
 * promises and plain data), a logger (`log`) whose lines carry the plugin's name and the request
 * id, and read access to its own warehouse schemas (`warehouse`).
 *
 * @example
 * ```ts ignore
 * import { pluginContext } from "@honeyframe/edge";
 * export const router = new Hono().get("/customers", async (c) => {
 *   const ctx = pluginContext(c);
 *   ctx.log.info("listing", { page_size: ctx.config.page_size });
 *   return c.json(await ctx.storage.list({ prefix: "customer/" }));
 * });
 * ```
 *
 * @module
 */
import type { Context } from "hono";
import type { Logger } from "../../log/mod.ts";
import { hostContextOf } from "../permissions.ts";
import type { PluginStorage } from "./plugin_storage.ts";
import type { PluginWarehouse } from "./plugin_warehouse.ts";
import type { SettingValue } from "./settings.ts";

/** Fields of a plugin's log line: plain data. */
export type LogFields = Readonly<Record<string, unknown>>;

/** A plugin's logger: its lines carry its name and the request id. */
export interface PluginLog {
  /** Something worth knowing happened. */
  info(message: string, fields?: LogFields): void;
  /** Something went wrong that the plugin handled. */
  warn(message: string, fields?: LogFields): void;
  /** Something failed. */
  error(message: string, fields?: LogFields): void;
}

/** What the host gives a plugin on a request. */
export interface PluginContext {
  /** Its settings: defaults applied, secrets opened. */
  readonly config: Readonly<Record<string, SettingValue>>;
  /** Its own key-value storage. */
  readonly storage: PluginStorage;
  /** Its logger. */
  readonly log: PluginLog;
  /** Read access to the tables its dbt models built, in its own schemas. */
  readonly warehouse: PluginWarehouse;
}

/**
 * The plugin's context on a request it serves.
 *
 * @param c The request's context, in a plugin's handler.
 * @returns Its settings, storage, logger and warehouse.
 * @throws {Error} Outside a plugin's request handler.
 */
export function pluginContext(c: Context): PluginContext {
  const context = hostContextOf(c)?.context?.(c.req.raw);
  if (!context) {
    throw new Error(
      "pluginContext(c) is only available in a plugin's request handler served by the host " +
        "(in a test, call the handler through the host, or pass testPluginContext() to pages)",
    );
  }
  return context;
}

/**
 * A plugin's logger over the host's.
 *
 * @param log The host's logger.
 * @param plugin The plugin's name.
 * @param requestId The request's id, when there is one.
 * @returns The logger.
 */
export function pluginLog(log: Logger, plugin: string, requestId: string | undefined): PluginLog {
  const line = (level: "info" | "warn" | "error") => (message: string, fields: LogFields = {}) =>
    log[level](`plugin ${plugin}: ${String(message)}`, {
      ...fields,
      plugin,
      ...(requestId === undefined ? {} : { request_id: requestId }),
    });
  return { info: line("info"), warn: line("warn"), error: line("error") };
}
