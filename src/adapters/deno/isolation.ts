/**
 * Isolated plugins on Deno: when the registry has plugins the policy isolates, the plugin process
 * is started (before the host drops its permissions) with the network its plugins declare and
 * never loopback, link-local or the host's own database, and the host's side of it is returned.
 *
 * @module
 */
import { envNumber, type EnvSource, pluginNetHosts, readEnv } from "../../env/mod.ts";
import type { Logger } from "../../log/mod.ts";
import {
  type GeneratedRegistry,
  IsolatedPlugins,
  isolationOf,
  NEVER_REACHED,
  readIsolationPolicy,
  workerNetwork,
} from "../../runtime/mod.ts";
import { startPluginProcess } from "./plugin_process.ts";
import type { StartedIsolation } from "../_prepare_host.ts";

/** The window in which `HONEYFRAME_PLUGIN_MAX_RESTARTS` crashes give a plugin up. */
export const CRASH_WINDOW_MS = 60_000;

/**
 * Starts the plugin process when some plugin runs isolated.
 *
 * @param generated The generated registry.
 * @param env The environment.
 * @param timeoutMs The plugin time limit (imports and requests).
 * @param log Where the plugin process's endings and the plugins' failures are logged.
 * @returns How plugins are imported, and the process to stop on shutdown (if one was started).
 */
export function startDenoIsolation(
  generated: GeneratedRegistry,
  env: EnvSource,
  timeoutMs: number,
  log: Logger,
): StartedIsolation {
  const policy = readIsolationPolicy(env);
  const allowedNet = pluginNetHosts(env);
  const isolated = generated.plugins.filter((plugin) =>
    plugin.status === "mounted" && plugin.worker !== undefined &&
    isolationOf(plugin.source, policy) === "worker"
  );
  const base = { policy, ...(allowedNet === undefined ? {} : { allowedNet }) };
  if (isolated.length === 0 || generated.pluginProcess === undefined) return { isolation: base };
  const net = [
    ...new Set(isolated.flatMap((plugin) => workerNetwork(plugin.network ?? [], allowedNet))),
  ];
  let process;
  try {
    process = startPluginProcess({
      code: generated.pluginProcess,
      memoryMb: envNumber(env, "HONEYFRAME_PLUGIN_MEMORY_MB", { min: 32, max: 65_536 }),
      net,
      denyNet: [...NEVER_REACHED, ...ownServices(env)],
      onExit: (code, signal) =>
        log.error(
          `the plugin process ended (${
            signal ? `signal ${signal}` : `exit code ${code}`
          }); its plugins answer 503 until it is back`,
        ),
    });
  } catch (error) {
    const reason = `the plugin process could not start: ${(error as Error).message}`;
    log.error(`${reason}; the isolated plugins are not served`);
    return { isolation: { ...base, unavailable: reason } };
  }
  const plugins = new IsolatedPlugins(process, {
    timeoutMs,
    maxRestarts: envNumber(env, "HONEYFRAME_PLUGIN_MAX_RESTARTS", { min: 0, max: 1000 }),
    windowMs: CRASH_WINDOW_MS,
  }, {
    crashed: (plugin, reason, final) =>
      log.error(
        final
          ? `plugin ${plugin} crashed too often and is not served any more: ${reason}`
          : `plugin ${plugin} crashed and is restarted: ${reason}`,
        { plugin },
      ),
    log: (plugin, level, message, stack) =>
      level === "error"
        ? log.error(`plugin ${plugin}: ${message}`, { plugin, ...(stack ? { stack } : {}) })
        : log.info(`plugin ${plugin}: ${message}`, { plugin }),
  });
  return {
    isolation: { ...base, plugins },
    stop: async () => await process[Symbol.asyncDispose](),
  };
}

/** The host's own services, which no plugin reaches: its database. */
function ownServices(env: EnvSource): string[] {
  const database = readEnv(env, "HONEYFRAME_DATABASE_URL");
  try {
    const host = database ? new URL(database).hostname : "";
    return host ? [host] : [];
  } catch {
    return [];
  }
}
