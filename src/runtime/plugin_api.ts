/**
 * The host's API for plugin code, imported as `@honeyframe/edge` (an entry of the host's import
 * map, so it resolves for customer plugins outside the project too).
 *
 * @example
 * ```tsx
 * import { Hono } from "hono";
 * import { type PluginPageProps, requirePermission } from "@honeyframe/edge";
 * export const router = new Hono()
 *   .get("/customers", requirePermission("customer.read"), (c) => c.json([]));
 * export const pages = { "/": (props: PluginPageProps) => <h1>{props.plugin.display_name}</h1> };
 * ```
 *
 * @module
 */
export { type Principal, principalOf, requirePermission } from "./permissions.ts";
export { Island, type IslandProps, type IslandValue } from "./plugin_ui/island.tsx";
export {
  InvalidStorageInput,
  type LogFields,
  type PluginContext,
  pluginContext,
  type PluginLog,
  type PluginStorage,
  type PluginWarehouse,
  type SettingValue,
  StorageConflict,
  type StorageItem,
  StorageQuotaExceeded,
  type StoredValue,
  testPluginContext,
  WarehouseError,
  type WarehouseField,
  type WarehouseRelation,
  type WarehouseResult,
} from "./context/mod.ts";
export type {
  BlockProps,
  GuardedPluginPage,
  PluginBlock,
  PluginBlockComponent,
  PluginPage,
  PluginPageProps,
} from "./registry.ts";
