/**
 * Every plugin's context as the host hands it out: on a request to its routes (`pluginContext(c)`),
 * to its pages and blocks (`props.context`), and the settings it still needs (it answers 503 and its
 * pages say what to set until they have a value).
 *
 * @module
 */
import { createLogger, type Logger } from "../../log/mod.ts";
import { MemoryStore, type StateStore } from "../../state/mod.ts";
import { requestIdOf } from "../observe.ts";
import type { PluginConfigs } from "./plugin_config.ts";
import { type PluginContext, pluginLog } from "./plugin_context.ts";
import { storeStorage } from "./plugin_storage.ts";
import type { SettingValue } from "./settings.ts";
import type { PluginCall, RequestScope } from "./console_attribution.ts";
import {
  loggedWarehouse,
  NO_WAREHOUSE,
  type PluginWarehouse,
  refusingWarehouse,
  type Warehouses,
} from "./plugin_warehouse.ts";

/** The host's side of plugins' contexts. */
export interface PluginContexts {
  /**
   * A plugin's context on a request.
   *
   * @param plugin The plugin's name.
   * @param request The request (its id goes on the plugin's log lines).
   */
  context(plugin: string, request: Request): PluginContext;
  /**
   * The plugin's required settings that have no value.
   *
   * @param plugin The plugin's name.
   */
  missing(plugin: string): readonly string[];
  /**
   * Runs a plugin's work (a handler, a page, a block) so that what it prints on the console is
   * attributed to it and the request.
   *
   * @param plugin The plugin's name.
   * @param request The request it serves.
   * @param work The work.
   */
  within<T>(plugin: string, request: Request, work: () => T): T;
}

/**
 * Plugins' contexts over the host's settings, state store and logger.
 *
 * @param configs The plugins' settings.
 * @param store Where their storage is kept.
 * @param log The host's logger.
 * @param storageQuotaBytes How many bytes each plugin's storage may take.
 * @param scope Where the plugin at work is kept across `await`s (its console output is attributed
 * when there is one).
 * @param warehouses Each plugin's read access to its warehouse schemas (without it, every call
 * says the host has no warehouse).
 * @returns The contexts.
 */
export function pluginContexts(
  configs: PluginConfigs,
  store: StateStore,
  log: Logger,
  storageQuotaBytes: number,
  scope?: RequestScope<PluginCall>,
  warehouses: Warehouses = () => refusingWarehouse(NO_WAREHOUSE),
): PluginContexts {
  return {
    within: scope
      ? (plugin, request, work) => scope.run({ plugin, requestId: requestIdOf(request) }, work)
      : (_plugin, _request, work) => work(),
    context: (plugin, request) => {
      const pluginLogger = pluginLog(log, plugin, requestIdOf(request));
      return {
        config: configs.current(plugin).values,
        storage: storeStorage(store, plugin, storageQuotaBytes),
        log: pluginLogger,
        warehouse: loggedWarehouse(warehouses(plugin), pluginLogger),
      };
    },
    missing: (plugin) => configs.current(plugin).missing,
  };
}

/**
 * A plugin's context for its own tests: the settings given, storage in memory (a fresh store per
 * call), log lines written to the console, and the warehouse given (by default one that refuses,
 * saying there is none).
 *
 * @param plugin The plugin's name.
 * @param config Its settings, as `ctx.config` would hold them.
 * @param warehouse What `ctx.warehouse` answers (e.g. rows the test chose).
 * @returns The context, to pass as `props.context` to a page or block.
 * @example
 * ```ts
 * const context = testPluginContext("crm", { page_size: 20 });
 * await context.storage.set("customer/1", { name: "Ada" });
 * context.config.page_size; // 20
 * ```
 */
export function testPluginContext(
  plugin: string,
  config: Readonly<Record<string, SettingValue>> = {},
  warehouse: PluginWarehouse = refusingWarehouse(NO_WAREHOUSE),
): PluginContext {
  return {
    config: Object.freeze({ ...config }),
    storage: storeStorage(new MemoryStore(), plugin, Number.MAX_SAFE_INTEGER),
    log: pluginLog(createLogger(), plugin, undefined),
    warehouse,
  };
}
