/**
 * Isolated plugins, on every server runtime: when the registry has plugins the policy isolates, the
 * plugin process (a Deno program, whichever runtime the host is) is started before the host drops
 * its permissions, with the network its plugins declare and never loopback, link-local or the
 * host's own database, and the host's side of it is returned.
 *
 * @module
 */
import { envNumber, type EnvSource, pluginNetHosts, readEnv } from "../env/mod.ts";
import type { Logger } from "../log/mod.ts";
import {
  type GeneratedRegistry,
  IsolatedPlugins,
  isolationOf,
  NEVER_REACHED,
  readIsolationPolicy,
  workerCodeOf,
  workerNetwork,
} from "../runtime/mod.ts";
import { type Launch, type ListenLoopback, startPluginProcess } from "./_plugin_process.ts";
import type { StartedIsolation, StartIsolation } from "./_prepare_host.ts";

/** Loopback, which the plugin process reaches only at the host's port. */
const LOOPBACK = "127.0.0.0/8";

/** The window in which `HONEYFRAME_PLUGIN_MAX_RESTARTS` crashes give a plugin up. */
export const CRASH_WINDOW_MS = 60_000;

/**
 * A runtime's way of starting the plugin process when some plugin runs isolated.
 *
 * @param findDeno Where the Deno executable is (it throws, saying why, when there is none).
 * @param launch How this runtime starts a program.
 * @param listen How this runtime listens on 127.0.0.1.
 * @returns What `prepareHost` calls with the registry, the environment, the plugin time
 * limit (imports and requests) and the log (the plugin process's endings, the plugins' failures).
 */
export function isolationWith(
  findDeno: () => string,
  launch: Launch,
  listen: ListenLoopback,
): StartIsolation {
  return (generated, env, timeoutMs, log) =>
    startIsolation(generated, env, timeoutMs, log, { findDeno, launch, listen });
}

async function startIsolation(
  generated: GeneratedRegistry,
  env: EnvSource,
  timeoutMs: number,
  log: Logger,
  runtime: { findDeno: () => string; launch: Launch; listen: ListenLoopback },
): Promise<StartedIsolation> {
  const policy = readIsolationPolicy(env);
  const allowedNet = pluginNetHosts(env);
  const isolated = generated.plugins.filter((plugin) =>
    plugin.status === "mounted" && plugin.outline !== undefined &&
    isolationOf(plugin.source, policy) === "worker"
  );
  const base = { policy, ...(allowedNet === undefined ? {} : { allowedNet }) };
  const code = isolated.length === 0 ? undefined : await workerCodeOf(generated);
  if (code === undefined) return { isolation: base };
  const net = [
    ...new Set(isolated.flatMap((plugin) => workerNetwork(plugin.network ?? [], allowedNet))),
  ];
  let process;
  try {
    process = await startPluginProcess({
      deno: runtime.findDeno(),
      launch: runtime.launch,
      listen: runtime.listen,
      code: code.process,
      memoryMb: envNumber(env, "HONEYFRAME_PLUGIN_MEMORY_MB", { min: 32, max: 65_536 }),
      net,
      // Loopback stays out of the process's allowed hosts but for the host's own port; workers
      // get only the hosts their manifests declare, where loopback is refused.
      denyNet: [...NEVER_REACHED.filter((host) => host !== LOOPBACK), ...ownServices(env)],
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
      log[level](`plugin ${plugin}: ${message}`, { plugin, ...(stack ? { stack } : {}) }),
  }, code.modules);
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
