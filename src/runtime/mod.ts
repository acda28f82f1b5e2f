/**
 * The runtime side: Web standards and Hono only. Nothing here reads the file system, parses YAML or
 * imports build-side code, so the same app runs on Deno, Node, Bun and Workers.
 *
 * @module
 */
export { type AppOptions, createApp, PluginNotStarted } from "./app.tsx";
export {
  type HostConfig,
  MIN_ADMIN_TOKEN_LENGTH,
  MIN_JWT_SECRET_LENGTH,
  readConfig,
  readConfigOrExit,
} from "./config.ts";
export { type OidcConfig, readOidcConfig } from "./auth/oidc_config.ts";
export { keepAuditFor } from "./audit_retention.ts";
export * from "./dbt/mod.ts";
export * from "./plugins/mod.ts";
export * from "./context/mod.ts";
export {
  DEFAULT_START_TIMEOUT_MS,
  type ImportIsolation,
  type ImportOptions,
  importPlugins,
  IsolationUnavailable,
  type PluginBox,
  type StartedPlugins,
  startPlugins,
  UncheckedRegistry,
} from "./import_plugins.ts";
export { exitProcess, ExitRefused, refuseExitToPlugins } from "./process_exit.ts";
export {
  DEFAULT_ORG,
  type LifecycleOptions,
  type LifecycleRefusal,
  PluginLifecycle,
  type RuntimeStatus,
  type SetEnabledOptions,
} from "./lifecycle.ts";
export { type HostContext, type Principal, principalOf, requirePermission } from "./permissions.ts";
export { startupMessage } from "./startup_message.ts";
export { base64url } from "./secrets.ts";
export { copyRequest, withUrl } from "./request_url.ts";
export { after, every, type Timer } from "./timer.ts";
export { RESERVED_PLUGIN_NAMES } from "./reserved_names.ts";
export { type PluginsReport, pluginsReport, type PluginSummary } from "./plugins_report.ts";
export {
  type BlockEntry,
  type BlockProps,
  type CatalogPermission,
  type ClientAssetFiles,
  type ClientBundleInfo,
  type DbtModel,
  type DbtWorkspaceInfo,
  defineRegistry,
  type GeneratedPlugin,
  type GeneratedRegistry,
  type GuardedPluginPage,
  type HealthCheck,
  type HealthReport,
  type LoadedPlugin,
  MODULE_POLICY_VERSION,
  type NavEntry,
  type PluginBlock,
  type PluginBlockComponent,
  type PluginPage,
  type PluginPageProps,
  type PluginRequires,
  type PluginRouter,
  type PluginSource,
  type PluginStatus,
  type Problem,
  type Registry,
  type RegistryPlugin,
  type RegistryRouter,
  type RouteEntry,
  type SeedGroup,
  type WorkerCode,
} from "./registry.ts";
