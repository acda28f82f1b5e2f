/**
 * What the host gives a plugin: its declared settings (`config:`), their values as operators set
 * them (secrets sealed at rest), its own storage, and a logger — `pluginContext(c)` on a request.
 *
 * @module
 */
export {
  type LogFields,
  type PluginContext,
  pluginContext,
  type PluginLog,
  pluginLog,
} from "./plugin_context.ts";
export {
  InvalidStorageInput,
  MAX_KEY_LENGTH,
  MAX_LIST_LIMIT,
  MAX_VALUE_BYTES,
  type PluginStorage,
  StorageConflict,
  type StorageItem,
  StorageQuotaExceeded,
  type StoredValue,
  storeStorage,
} from "./plugin_storage.ts";
export {
  type ConfigChange,
  configChangeDetail,
  type ConfigView,
  type DeclaredPlugins,
  PluginConfigs,
  type ShownSetting,
} from "./plugin_config.ts";
export {
  asWarehouseError,
  loggedWarehouse,
  NO_WAREHOUSE,
  type PluginWarehouse,
  refusingWarehouse,
  WarehouseError,
  type WarehouseField,
  type WarehouseRelation,
  type WarehouseResult,
  type Warehouses,
} from "./plugin_warehouse.ts";
export { configApi, type ConfigApiOptions } from "./config_api.ts";
export {
  attributeConsole,
  consoleToLog,
  formatArguments,
  type PluginCall,
  type RequestScope,
} from "./console_attribution.ts";
export { numberedScope, type NumberStorage } from "./numbered_scope.ts";
export { type PluginContexts, pluginContexts, testPluginContext } from "./plugin_contexts.ts";
export {
  importSecretsKey,
  InvalidSecretsKey,
  openSecret,
  sealSecret,
  SECRETS_KEY_BYTES,
  type SecretsKey,
  secretsKeyBytes,
  SecretUnreadable,
} from "./secret_box.ts";
export {
  MAX_SETTING_LENGTH,
  SETTING_KEY,
  SETTING_TYPES,
  type SettingDeclaration,
  settingFromText,
  type SettingType,
  type SettingValue,
  settingValueProblem,
} from "./settings.ts";
