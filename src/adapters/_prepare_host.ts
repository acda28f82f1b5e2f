/**
 * What every server adapter does before it listens: read the configuration, open the state store
 * the environment asks for, load the plugin state, create the app. Failures end the process with
 * one clear line.
 *
 * @module
 */
import type { Hono } from "hono";
import { type EnvSource, readEnv, serverVariables } from "../env/mod.ts";
import { createLogger, type Logger, secretValues } from "../log/mod.ts";
import {
  configuredRunner,
  createApp,
  DbtService,
  DEFAULT_START_TIMEOUT_MS,
  exitProcess,
  type GeneratedRegistry,
  type HostConfig,
  type ImportIsolation,
  importSecretsKey,
  IsolatedPlugins,
  keepAuditFor,
  PluginLifecycle,
  type PluginLoading,
  readConfigOrExit,
  readIsolationPolicy,
  readPluginLoading,
  refuseExitToPlugins,
  type Registry,
  type Spawn,
  startPlugins,
} from "../runtime/mod.ts";
import { openStoreOrExit, type StateStore, type StoreKind } from "../state/mod.ts";
import {
  type OpenWarehouses,
  openWarehouses,
  pluginRoles,
  readWarehouseConfig,
  type WarehouseConfig,
} from "../warehouse/mod.ts";
import { readServerLimits, type ServerLimits } from "./_server_limits.ts";
import { pluginConsole } from "./_plugin_console.ts";

/** A host ready to serve. */
export interface PreparedHost {
  /** The registry with every mounted plugin's code imported (failures marked `error`). */
  readonly registry: Registry;
  /** The configuration. */
  readonly config: HostConfig;
  /** The connection limits the server enforces. */
  readonly limits: ServerLimits;
  /** The app. */
  readonly app: Hono;
  /** The state store (closed on shutdown). */
  readonly store: StateStore;
  /** The log, in the configured format, secrets redacted. */
  readonly log: Logger;
  /** The lines to print once listening, after the address. */
  readonly notes: string[];
  /**
   * Stops the plugin process, if one was started, and closes plugins' connections to the
   * warehouse.
   */
  readonly stopPlugins: () => Promise<void>;
  /**
   * Makes what plugins print on the console lines of the log with their name and the request id;
   * call it once the server listens (it loads `node:async_hooks`, which would slow the cold start).
   */
  readonly attributePluginConsole: () => Promise<void>;
  /**
   * Starts importing the in-process plugins' code in the background (`HONEYFRAME_PLUGIN_LOADING`
   * `background`, the default); call it once the server listens. Does nothing in the other modes.
   */
  readonly importInBackground: () => void;
}

/** A runtime's way of starting the plugin process for the isolated plugins, if it has one. */
export type StartIsolation = (
  generated: GeneratedRegistry,
  env: EnvSource,
  timeoutMs: number,
  log: Logger,
) => StartedIsolation | Promise<StartedIsolation>;

/** How plugins are imported, and the plugin process to stop on shutdown (if one was started). */
export interface StartedIsolation {
  /** What the importer needs to load isolated plugins. */
  readonly isolation: ImportIsolation;
  /** Stops the plugin process. */
  readonly stop?: () => Promise<void>;
}

/**
 * Reads the configuration, opens the store, drops what plugins must not have, starts the plugins
 * (imports their code now under `HONEYFRAME_PLUGIN_LOADING=eager`, else on first use or in the
 * background once listening; from then on only the host can end the process), loads the state (seeding first-time
 * plugins), starts the dbt scheduler (its timer never keeps the process alive) and creates the app.
 *
 * @param generated The generated registry (its plugins' code is imported here, bounded in time).
 * @param env The environment.
 * @param fallbackStore The store used when the environment names none.
 * @param dropPrivileges The runtime's way of taking from the process what plugins must not have,
 * called once the configuration is read and the store open, before any plugin code runs; it
 * returns a start-up note.
 * @param spawn How the runtime starts a program (for the dbt `command` runner).
 * @param startIsolation How the runtime starts its plugin process (before it drops its
 * permissions); absent on a runtime that has none, where isolated plugins are not served.
 * @returns The prepared host.
 */
export async function prepareHost(
  generated: GeneratedRegistry,
  env: EnvSource,
  fallbackStore: StoreKind,
  dropPrivileges: () => Promise<string>,
  spawn: Spawn,
  startIsolation?: StartIsolation,
): Promise<PreparedHost> {
  const exit = exitProcess;
  const config = readConfigOrExit(env, exit);
  const log = createLogger({ format: config.logFormat, secrets: secretsOf(env) });
  let limits: ServerLimits;
  let runner;
  let warehouseConfig: WarehouseConfig | undefined;
  let loading: PluginLoading;
  try {
    limits = readServerLimits(env);
    loading = readPluginLoading(env, "background");
    runner = configuredRunner(config.dbt, spawn);
    warehouseConfig = readWarehouseConfig(env, config.dbt.warehouseUrl);
  } catch (error) {
    log.error(`Honeyframe Edge cannot start: ${(error as Error).message}`);
    return exit(1);
  }
  const { store, label } = await openStoreOrExit(env, fallbackStore, exit, log);
  // Made while the environment is readable (the PostgreSQL driver reads PG* variables).
  const warehouse = warehouseConfig && await openWarehouses({
    config: warehouseConfig,
    store,
    roles: pluginRoles(generated.plugins),
    log,
    ...(config.secretsKey === undefined ? {} : { key: importSecretsKey(config.secretsKey) }),
  });
  let privileges: string;
  let isolation: ImportIsolation;
  let stopPlugins = () => Promise.resolve();
  try {
    const timeoutMs = config.pluginTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const started = startIsolation
      ? await startIsolation(generated, env, timeoutMs, log)
      : { isolation: { policy: readIsolationPolicy(env) } };
    isolation = started.isolation;
    if (started.stop) stopPlugins = started.stop;
    privileges = await dropPrivileges();
  } catch (error) {
    log.error(`Honeyframe Edge cannot start: ${(error as Error).message}`);
    return exit(1);
  }
  refuseExitToPlugins();
  let started: Awaited<ReturnType<typeof startPlugins>>;
  try {
    started = await startPlugins(generated, {
      timeoutMs: config.pluginTimeoutMs,
      log,
      isolation,
      loading,
    });
  } catch (error) {
    log.error(`Honeyframe Edge cannot start: ${(error as Error).message}`);
    return exit(1);
  }
  const { registry, deferred } = started;
  const lifecycle = new PluginLifecycle(registry, store, { log });
  try {
    await lifecycle.ready();
  } catch (error) {
    log.error(`Honeyframe Edge cannot start: the state store failed: ${(error as Error).message}`);
    return exit(1);
  }
  keepAuditFor(store, limits.auditRetentionDays, Date.now, log);
  const dbt = new DbtService(registry, lifecycle, {
    config: config.dbt,
    log,
    ...(runner === undefined ? {} : { runner }),
  });
  try {
    await dbt.recordSchedules();
  } catch (error) {
    log.warn("the dbt schedules could not be recorded in the audit log", { error });
  }
  dbt.startScheduler();
  // dbt needs the plugins' schemas before anyone reads them: they are made in the background.
  void warehouse?.provision();
  const pluginOutput = pluginConsole(log);
  return {
    registry,
    config,
    limits,
    app: createApp(registry, {
      ...config,
      lifecycle,
      log,
      dbtService: dbt,
      pluginScope: pluginOutput.scope,
      ...(warehouse ? { warehouses: warehouse.warehouses } : {}),
      ...(isolation.plugins instanceof IsolatedPlugins ? { isolated: isolation.plugins } : {}),
      deferred,
      loading,
    }),
    store,
    log,
    notes: [
      `State: ${label}.`,
      privileges,
      isolationNote(registry),
      loadingNote(loading, deferred.size),
      dbtNote(dbt),
      warehouseNote(warehouseConfig, warehouse),
    ],
    stopPlugins: async () => {
      await stopPlugins();
      await warehouse?.close();
    },
    attributePluginConsole: pluginOutput.start,
    importInBackground: () => {
      if (loading === "background") void deferred.loadAll();
    },
  };
}

/** The start-up line about how plugins run. */
function isolationNote(registry: Registry): string {
  const mounted = registry.plugins.filter((plugin) => plugin.isolation !== undefined);
  const isolated = mounted.filter((plugin) => plugin.isolation === "worker");
  if (isolated.length === 0) return "Plugins: every mounted plugin runs in the host's process.";
  const names = isolated.map((plugin) => plugin.name);
  return `Plugins: ${isolated.length} isolated in the plugin process, a worker each (${
    names.slice(0, 5).join(", ")
  }${names.length > 5 ? ", …" : ""}); ${mounted.length - isolated.length} in the host's process.`;
}

/** The start-up line about when the in-process plugins' code is imported. */
function loadingNote(loading: PluginLoading, deferred: number): string {
  if (loading === "eager" || deferred === 0) {
    return "Plugin code: imported before listening (HONEYFRAME_PLUGIN_LOADING=eager or nothing to defer).";
  }
  return loading === "background"
    ? `Plugin code: ${deferred} plugins, each imported on its first use or in the background from now (\`/readyz\` says when all are).`
    : `Plugin code: ${deferred} plugins, each imported on its first use only (HONEYFRAME_PLUGIN_LOADING=lazy).`;
}

/** The start-up line about plugins' reads of the warehouse. */
function warehouseNote(
  config: WarehouseConfig | undefined,
  warehouse: OpenWarehouses | undefined,
): string {
  if (!config || !warehouse) {
    return "Warehouse: none (HONEYFRAME_WAREHOUSE_URL unset): plugins' warehouse calls are refused.";
  }
  const where = `${config.url.hostname}:${config.url.port || 5432}${config.url.pathname}`;
  return `Warehouse: ${where}; plugins read their schemas as their own roles, ${
    config.adminUrl
      ? "made by the host (HONEYFRAME_WAREHOUSE_ADMIN_URL)"
      : "made by a DBA (`plugins warehouse grants`)"
  }.`;
}

/** The start-up line about dbt. */
function dbtNote(dbt: DbtService): string {
  return dbt.runnerKind === undefined
    ? "dbt: no runner (HONEYFRAME_DBT_RUNNER unset): runs are refused, schedules do not fire."
    : `dbt: runs start through the ${dbt.runnerKind} runner; schedules fire.`;
}

/** What must never be logged: the tokens, the JWT secret, the database URL and its password. */
function secretsOf(env: EnvSource): string[] {
  return secretValues(
    Object.fromEntries(serverVariables().map((name) => [name, readEnv(env, name)])),
  );
}
