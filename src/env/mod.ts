/**
 * The one reader of the environment: every variable the host reads, with its default and meaning,
 * and the functions that read them from `Deno.env`, `process.env` or Worker bindings. Web
 * standards only, so both the build side and the runtime side use it.
 *
 * @example
 * ```ts
 * import { envOrDefault, processEnv } from "./mod.ts";
 * const dataDir = envOrDefault(processEnv(), "DATA_DIR");
 * ```
 *
 * @module
 */
export {
  ConfigError,
  envNumber,
  envOrDefault,
  type EnvSource,
  envSwitch,
  layeredEnv,
  processEnv,
  readEnv,
} from "./read_env.ts";
export {
  pluginNetHosts,
  serverLaunchFlags,
  serverNetAllowList,
  serverRunFlag,
} from "./net_permission.ts";
export { portInUse } from "./port_in_use.ts";
export {
  ENV_VARIABLES,
  type EnvName,
  type EnvNameWithDefault,
  type EnvReader,
  type EnvVariable,
  serverVariables,
} from "./variables.ts";
