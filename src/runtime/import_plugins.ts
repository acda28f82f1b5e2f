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
  options: ImportOptions = {},
): Promise<Registry> {
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
        importPlugin(
          plugin,
          { deadline, timeoutMs, log, workerEntry, runtime: options.runtime ?? currentRuntime() },
          options.isolation,
        )
      ),
    );
    return defineRegistry({ ...generated, plugins });
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
        message: `starting the plugin's worker failed: ${describe(started.error, timeoutMs)}`,
      });
    }
    const { blocks, ...loaded } = started.loaded;
    return { ...data, ...loaded, ...blockComponentsOf(blocks), isolation: "worker" };
  }
  const failure = await Promise.race([load(), deadline]).then(
    (loaded) => ({ loaded }),
    (error: unknown) => ({ error: describe(error, timeoutMs) }),
  );
  if ("loaded" in failure) {
    const { blocks, ...loaded } = failure.loaded;
    const unexpected = routesNotInTable(plugin, loaded.routers);
    if (unexpected.length > 0) {
      return notStarted(plugin, log, {
        code: "router.routes_changed",
        message: `its routers serve routes the build did not see (${
          unexpected.slice(0, 3).join(", ")
        }${unexpected.length > 3 ? ", …" : ""}); the build's route table is what is served`,
      });
    }
    return { ...data, ...loaded, ...blockComponentsOf(blocks), isolation: "in_process" };
  }
  return notStarted(plugin, log, {
    code: "plugin.start_failed",
    message: `importing the plugin's code in the server failed: ${failure.error}`,
  });
}

/** The block components of a plugin's `blocks` export, by id. */
function blockComponentsOf(blocks: LoadedPlugin["blocks"]): Partial<RegistryPlugin> {
  return blocks === undefined ? {} : {
    blockComponents: Object.fromEntries(
      Object.entries(blocks).map(([id, block]) => [id, block.component]),
    ),
  };
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

/**
 * The routes the imported routers list that the build's route table lacks (a router that adds
 * routes only when it runs in the server): `GET /api/crm/x`.
 */
function routesNotInTable(
  plugin: GeneratedPlugin,
  routers: readonly {
    spec: string;
    app: { routes: readonly { method: string; path: string }[] };
  }[],
): string[] {
  const table = new Set(
    plugin.routes.map((route) => `${route.router} ${route.method} ${route.path}`),
  );
  const prefix = `/api/${plugin.name}`;
  const unexpected = new Set<string>();
  for (const router of routers) {
    for (const { method, path } of router.app.routes) {
      const full = path === "/" ? prefix : `${prefix}${path}`;
      if (!table.has(`${router.spec} ${method} ${full}`)) unexpected.add(`${method} ${full}`);
    }
  }
  return [...unexpected];
}

class StartTimeout extends Error {}

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof StartTimeout) {
    return `it did not finish within ${timeoutMs} ms (a top-level await that never settles?)`;
  }
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return "a value that cannot be described was thrown";
  }
}
