/**
 * Importing the mounted plugins' code when a server starts. Each plugin's modules are imported with
 * a time limit (all start together, so one timer is every plugin's limit); a plugin whose code
 * throws or hangs at import is marked `error` (with a `plugin.start_failed` problem) and the server
 * starts and serves the others. (Servers call `refuseExitToPlugins()` first, so that plugin code
 * cannot end the process either.)
 *
 * @module
 */
import type {
  GeneratedPlugin,
  GeneratedRegistry,
  LoadedPlugin,
  Problem,
  Registry,
  RegistryPlugin,
} from "./registry.ts";
import { createLogger, type Logger, redactSecrets } from "../log/mod.ts";
import { defineRegistry, MODULE_POLICY_VERSION } from "./registry.ts";
import { after, type Timer } from "./timer.ts";
import { isolationOf, type IsolationPolicy, workerNetwork } from "./plugins/isolation.ts";
import type { IsolatedPluginCode } from "./plugins/isolated_plugins.ts";
import { workerCodeOf } from "./plugins/worker_code.ts";
import { currentRuntime, type RuntimeName } from "./plugins/runtimes.ts";
import {
  type DeferrablePlugin,
  DeferredPlugins,
  type PluginLoading,
} from "./plugins/deferred_plugins.ts";
import {
  blockComponentsOf,
  describeFailure,
  importInProcess,
  StartTimeout,
} from "./plugins/plugin_import.ts";

/** How long one plugin's modules may take to import at start-up, in milliseconds. */
export const DEFAULT_START_TIMEOUT_MS = 10_000;

/** Options of {@link importPlugins}. */
export interface ImportOptions {
  /** Time limit per plugin, in milliseconds. */
  readonly timeoutMs?: number;
  /** Where a plugin that failed to start is reported. */
  readonly log?: Logger;
  /** Which plugins run isolated, and the plugin process they run in (absent: none on this runtime). */
  readonly isolation?: ImportIsolation;
  /** The runtime serving (default: the one this code runs on); plugins that cannot load here are not imported. */
  readonly runtime?: RuntimeName;
  /**
   * When in-process plugins' code is imported (default `eager`: now). Otherwise they are left to
   * the {@link StartedPlugins.deferred} importer, which imports each on its first use.
   */
  readonly loading?: PluginLoading;
}

/** The registry a server serves, and the plugins whose code it imports on first use. */
export interface StartedPlugins {
  /** The registry: deferred plugins are in it as stand-ins until their code arrives. */
  readonly registry: Registry;
  /** The in-process plugins whose code is still to be imported (none under `eager`). */
  readonly deferred: DeferredPlugins;
}

/** How {@link importPlugins} starts isolated plugins. */
export interface ImportIsolation {
  /** Which plugins are isolated. */
  readonly policy: IsolationPolicy;
  /**
   * What runs them: the plugin process's side in the host, or Workers of their own behind service
   * bindings; absent on a runtime that has neither.
   */
  readonly plugins?: PluginBox;
  /** The hosts the operator lets plugins reach (`HONEYFRAME_PLUGIN_NET`), if narrowed. */
  readonly allowedNet?: readonly string[];
  /** Why there is no plugin process, when the runtime has one but it could not start. */
  readonly unavailable?: string;
}

/** A plugin is to run isolated, but nothing here can run it so (it is refused, not run in process). */
export class IsolationUnavailable extends Error {
  /** `IsolationUnavailable`. */
  override name = "IsolationUnavailable";
}

/** Where isolated plugins run, as {@link importPlugins} starts them. */
export interface PluginBox {
  /**
   * Starts a plugin there.
   *
   * @throws {IsolationUnavailable} When it cannot run there (it is refused, not run in process).
   */
  load(code: IsolatedPluginCode): Promise<LoadedPlugin>;
}

/** The registry's plugin code was not checked by this host's module policy; none is imported. */
export class UncheckedRegistry extends Error {
  /** `UncheckedRegistry`. */
  override name = "UncheckedRegistry";
}

const NOTHING = { routers: [], pages: {}, health: [] } as const satisfies LoadedPlugin;

/**
 * Imports every mounted plugin's code and returns the registry the app serves.
 *
 * @param generated The generated registry.
 * @param options Time limit and log.
 * @returns The registry with routers and pages; plugins that failed are errors.
 * @throws {UncheckedRegistry} When the registry has plugin code and was not built with this host's module
 * policy: none of it is imported.
 * @example
 * ```ts
 * import { defineRegistry, MODULE_POLICY_VERSION } from "./registry.ts";
 * const registry = await importPlugins(
 *   defineRegistry({ fingerprint: "sha256-x", permissions: [], plugins: [] }),
 * );
 * registry.plugins.length; // 0
 * ```
 */
export async function importPlugins(
  generated: GeneratedRegistry,
  options: Omit<ImportOptions, "loading"> = {},
): Promise<Registry> {
  return (await startPlugins(generated, options)).registry;
}

/**
 * Starts every mounted plugin: imports the code of those it runs in process (now under `eager`, else
 * leaves them to the returned importer, to be imported on first use) and sets up the isolated ones.
 *
 * @param generated The generated registry.
 * @param options Time limit, log, isolation, runtime and when to import.
 * @returns The registry to serve and the plugins still to import.
 * @throws {UncheckedRegistry} When the registry has plugin code and was not built with this host's
 * module policy: none of it is imported.
 */
export async function startPlugins(
  generated: GeneratedRegistry,
  options: ImportOptions = {},
): Promise<StartedPlugins> {
  const unchecked = generated.modulePolicy !== MODULE_POLICY_VERSION &&
    generated.plugins.some((plugin) => plugin.load !== undefined);
  if (unchecked) {
    throw new UncheckedRegistry(
      `the registry was not built with the module policy (version ${MODULE_POLICY_VERSION}), so ` +
        "its plugins' imports were never checked; rebuild it with this host (`npx deno task build`)",
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const log = options.log ?? createLogger();
  const runtime = options.runtime ?? currentRuntime();
  const isolation = options.isolation ?? { policy: "none" };
  const deferring = (options.loading ?? "eager") !== "eager";
  const later = generated.plugins.filter((plugin): plugin is DeferrablePlugin =>
    deferring && plugin.status === "mounted" && plugin.load !== undefined &&
    !plugin.unsupported?.[runtime] && isolationOf(plugin.source, isolation.policy) === "in_process"
  );
  const deferred = new DeferredPlugins(later, { timeoutMs });
  const deferredNames = new Set(later.map((plugin) => plugin.name));
  let timer: Timer | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = after(() => reject(new StartTimeout()), timeoutMs);
  });
  deadline.catch(() => {}); // with no plugin to import, nothing else waits on it
  // The worker entries are unpacked only if some plugin is to run isolated.
  const workerEntry = async (name: string) => (await workerCodeOf(generated))?.entries[name];
  try {
    const plugins = await Promise.all(
      generated.plugins.map((plugin) =>
        deferredNames.has(plugin.name)
          ? deferred.standIn(plugin)
          : importPlugin(plugin, { deadline, timeoutMs, log, workerEntry, runtime }, isolation)
      ),
    );
    return { registry: defineRegistry({ ...generated, plugins }), deferred };
  } finally {
    timer!.cancel();
  }
}

/** What importing one plugin needs besides the plugin. */
interface ImportContext {
  /** Rejects when the time for importing is up. */
  readonly deadline: Promise<never>;
  readonly timeoutMs: number;
  readonly log: Logger;
  /** A plugin's worker entry, if the build made one. */
  readonly workerEntry: (name: string) => Promise<string | undefined>;
  /** The runtime serving. */
  readonly runtime: RuntimeName;
}

async function importPlugin(
  plugin: GeneratedPlugin,
  { deadline, timeoutMs, log, workerEntry, runtime }: ImportContext,
  isolation: ImportIsolation = { policy: "none" },
): Promise<RegistryPlugin> {
  const { load, outline, ...data } = plugin;
  if (plugin.status !== "mounted" || !load) return { ...data, ...NOTHING };
  // The build found code this runtime lacks (on Workers, the bundle left it out).
  const unsupported = plugin.unsupported?.[runtime];
  if (unsupported) return notStarted(plugin, log, unsupported);
  if (isolationOf(plugin.source, isolation.policy) === "worker") {
    const worker = outline && await workerEntry(plugin.name);
    if (worker === undefined || outline === undefined || !isolation.plugins) {
      return notStarted(plugin, log, {
        code: "plugin.isolation_unavailable",
        message: worker === undefined || outline === undefined
          ? "it is to run isolated (HONEYFRAME_ISOLATION), but the build made no worker bundle " +
            "for it: rebuild with the same HONEYFRAME_ISOLATION"
          : isolation.unavailable !== undefined
          ? `it is to run isolated (HONEYFRAME_ISOLATION), but ${isolation.unavailable}`
          : "it is to run isolated (HONEYFRAME_ISOLATION), but this server was started " +
            "without a plugin process (HONEYFRAME_ISOLATION=none runs it in the host's process)",
      });
    }
    const started = await Promise.race([
      isolation.plugins.load({
        name: plugin.name,
        display_name: plugin.display_name,
        code: worker,
        net: workerNetwork(plugin.network ?? [], isolation.allowedNet),
        permissions: plugin.permissions,
        outline,
      }),
      deadline,
    ]).then((loaded) => ({ loaded }), (error: unknown) => ({ error }));
    if ("error" in started && started.error instanceof IsolationUnavailable) {
      return notStarted(plugin, log, {
        code: "plugin.isolation_unavailable",
        message: started.error.message,
      });
    }
    if ("error" in started) {
      return notStarted(plugin, log, {
        code: "plugin.start_failed",
        message: `starting the plugin's worker failed: ${
          describeFailure(started.error, timeoutMs)
        }`,
      });
    }
    const { blocks, ...loaded } = started.loaded;
    return { ...data, ...loaded, ...blockComponentsOf(blocks), isolation: "worker" };
  }
  const imported = await importInProcess({ ...plugin, load }, deadline, timeoutMs);
  return "problem" in imported
    ? notStarted(plugin, log, imported.problem)
    : { ...data, ...imported.code, isolation: "in_process" };
}

/** A plugin that is not served, with why (logged too). */
function notStarted(plugin: GeneratedPlugin, log: Logger, found: Problem): RegistryPlugin {
  const { load: _load, ...data } = plugin;
  // The message is shown by the admin UI and API: no credentials a plugin's error spelled out.
  const problem = { ...found, message: redactSecrets(found.message, []) };
  log.error(`plugin ${plugin.name} failed to start and is not served: ${problem.message}`, {
    plugin: plugin.name,
  });
  return { ...data, ...NOTHING, status: "error", errors: [...plugin.errors, problem] };
}
