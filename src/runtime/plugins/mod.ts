/**
 * Plugins in their own box: the isolation policy, the host's side of the plugin process, and the
 * frames they exchange.
 *
 * @module
 */
export {
  type Isolation,
  isolationOf,
  type IsolationPolicy,
  NEVER_REACHED,
  readIsolationPolicy,
  workerNetwork,
} from "./isolation.ts";
export {
  type IsolatedPluginCode,
  IsolatedPluginFailed,
  IsolatedPlugins,
  type IsolationEvents,
  type IsolationLimits,
  type LinkListener,
  type PluginLink,
  PluginUnavailable,
} from "./isolated_plugins.ts";
export type { PluginFailure, WorkerPlugin } from "./plugin_serve.ts";
export type { PluginOutline } from "./plugin_proxies.ts";
export {
  CALL_URL,
  type PluginService,
  servePluginService,
  SERVICE_BINDING_PREFIX,
  serviceBindingName,
  ServiceBoundPlugins,
  VERDICTS_HEADER,
} from "./service_binding.ts";
export {
  concatBytes,
  encodeFrame,
  type Frame,
  FrameError,
  type FrameHeader,
  FrameReader,
} from "./frames.ts";
export { plainFields } from "./context_frames.ts";
export { WORKER_BOOTSTRAP, workerMainSource } from "./worker_modules.ts";
export { unpackWorkerCode, workerCodeOf } from "./worker_code.ts";
export {
  importedPlugin,
  type LoadPlan,
  type ModuleExports,
  pluginFromModules,
} from "./loaded_plugin.ts";
export {
  currentRuntime,
  isRuntimeName,
  RUNTIME_LABELS,
  type RuntimeName,
  RUNTIMES,
  type UnsupportedRuntimes,
} from "./runtimes.ts";
export {
  type DeferrablePlugin,
  type DeferredListener,
  type DeferredOptions,
  DeferredPlugins,
  type PluginLoading,
  readPluginLoading,
} from "./deferred_plugins.ts";
export { type ImportResult, type PluginCode } from "./plugin_import.ts";
