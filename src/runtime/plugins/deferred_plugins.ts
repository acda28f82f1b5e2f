/**
 * In-process plugins whose code is imported on first use: the server mounts them from what the
 * build recorded (their route table, pages, blocks and health checks) and imports a plugin's code
 * when a request first needs it, or in the background once it listens. A plugin's routes are added
 * to the app when its code arrives (requests to it wait until then); its pages, blocks and health
 * checks are stand-ins that wait for its code and then run it. A plugin whose import throws or
 * hangs, or whose routers serve routes the build did not see, is reported once and not served.
 *
 * @module
 */
import { jsx } from "hono/jsx";
import { type EnvSource, readEnv } from "../../env/mod.ts";
import { ConfigError } from "../../env/mod.ts";
import type {
  GeneratedPlugin,
  HealthCheck,
  LoadedPlugin,
  PluginBlockComponent,
  PluginPage,
  Problem,
  RegistryPlugin,
} from "../registry.ts";
import { after } from "../timer.ts";
import {
  importInProcess,
  type ImportResult,
  type PluginCode,
  StartTimeout,
} from "./plugin_import.ts";

/**
 * When a server imports its in-process plugins' code: all before it listens (`eager`), each on its
 * first use and the rest in the background once it listens (`background`), or each on its first use
 * only (`lazy`).
 */
export type PluginLoading = "eager" | "background" | "lazy";

const LOADINGS: readonly PluginLoading[] = ["eager", "background", "lazy"];

/**
 * Reads `HONEYFRAME_PLUGIN_LOADING`.
 *
 * @param env The environment.
 * @param fallback The runtime's default (`background` on a long-lived server, `lazy` on Workers).
 * @returns The mode.
 * @throws {ConfigError} When it names no mode.
 */
export function readPluginLoading(env: EnvSource, fallback: PluginLoading): PluginLoading {
  const value = readEnv(env, "HONEYFRAME_PLUGIN_LOADING") ?? fallback;
  if (!(LOADINGS as readonly string[]).includes(value)) {
    throw new ConfigError(
      `HONEYFRAME_PLUGIN_LOADING must be ${LOADINGS.join(", ")}, not ${JSON.stringify(value)}`,
    );
  }
  return value as PluginLoading;
}

/** A plugin whose code is still to be imported: a mounted plugin with its loader. */
export type DeferrablePlugin = GeneratedPlugin & { readonly load: () => Promise<LoadedPlugin> };

/** What the app does when a plugin's code arrives, or cannot. */
export interface DeferredListener {
  /** Its code was imported: mount its routes. */
  loaded(plugin: RegistryPlugin): void;
  /** It failed to start (`plugin.start_failed`, `router.routes_changed`): report it. */
  failed(plugin: string, problem: Problem): void;
}

/** Options of {@link DeferredPlugins}. */
export interface DeferredOptions {
  /** How long one plugin's import may take, in milliseconds. */
  readonly timeoutMs: number;
  /** How many plugins the background imports take before they let requests in (default 16). */
  readonly batch?: number;
}

/** The in-process plugins a server imports on first use. */
export class DeferredPlugins {
  readonly #waiting = new Map<string, DeferrablePlugin>();
  readonly #loading = new Map<string, Promise<PluginCode | undefined>>();
  readonly #failed = new Map<string, Problem>();
  /** The plugins imported or failed. */
  readonly #done = new Set<string>();
  /** The plugins imported before the app listened (see {@link DeferredPlugins.listen}). */
  #unheard: RegistryPlugin[] = [];
  readonly #options: DeferredOptions;
  #unsettled: number;
  #listener: DeferredListener | undefined;
  #whenSettled: Promise<void>;
  #all: Promise<void> | undefined;
  #settle!: () => void;

  /**
   * Holds the plugins to import on first use; nothing is imported until asked.
   *
   * @param plugins The mounted in-process plugins to import on first use, each with its loader.
   * @param options Time limit.
   */
  constructor(plugins: readonly DeferrablePlugin[], options: DeferredOptions) {
    for (const plugin of plugins) this.#waiting.set(plugin.name, plugin);
    this.#options = options;
    this.#unsettled = plugins.length;
    this.#whenSettled = new Promise((resolve) => this.#settle = resolve);
    if (this.#unsettled === 0) this.#settle();
  }

  /**
   * Whether a plugin is one of them (imported yet or not).
   *
   * @param name The plugin.
   */
  has(name: string): boolean {
    return this.#waiting.has(name);
  }

  /** How many plugins are deferred, imported or not. */
  get size(): number {
    return this.#waiting.size;
  }

  /** How many have been imported or have failed. */
  get imported(): number {
    return this.#waiting.size - this.#unsettled;
  }

  /** Whether every deferred plugin has been imported (or has failed). */
  get settled(): boolean {
    return this.#unsettled === 0;
  }

  /** Resolves once every deferred plugin has been imported (or has failed). */
  whenSettled(): Promise<void> {
    return this.#whenSettled;
  }

  /**
   * What a request to a plugin must wait for before it is routed: its import, while it is deferred
   * and not imported yet (the import starts now if it had not).
   *
   * @param name The plugin.
   * @returns The import to wait for, or `undefined` when there is nothing to wait for.
   */
  pending(name: string): Promise<unknown> | undefined {
    if (this.#unsettled === 0 || this.#done.has(name) || !this.#waiting.has(name)) return undefined;
    return this.load(name);
  }

  /**
   * Hears of each plugin imported or failed, those before it first.
   *
   * @param listener The app's mounting and reporting.
   */
  listen(listener: DeferredListener): void {
    this.#listener = listener;
    for (const plugin of this.#unheard) listener.loaded(plugin);
    this.#unheard = [];
    for (const [name, problem] of this.#failed) listener.failed(name, problem);
  }

  /**
   * A deferred plugin as the app mounts it before its code arrives: no routers yet, and pages,
   * blocks and health checks that import its code first.
   *
   * @param plugin The plugin's data and outline.
   * @returns What the registry lists for it.
   */
  standIn(plugin: GeneratedPlugin): RegistryPlugin {
    const { load: _load, outline, ...data } = plugin;
    const code = async (): Promise<PluginCode> => {
      const loaded = await this.load(plugin.name);
      if (loaded) return loaded;
      throw new Error(
        `the plugin ${plugin.name} failed to start: ${this.#failed.get(plugin.name)?.message}`,
      );
    };
    const pages: Record<string, PluginPage> = {};
    for (const path of outline?.pages ?? []) {
      const component: PluginPage = async (props) => {
        const page = (await code()).pages[path];
        if (page === undefined) throw new Error(`the plugin has no page ${path}`);
        return jsx(typeof page === "function" ? page : page.component, props);
      };
      const permission = plugin.page_permissions?.[path];
      pages[path] = permission === undefined ? component : { component, permission };
    }
    const health: HealthCheck[] = Array.from(
      { length: outline?.health ?? 0 },
      (_, index) => async () => {
        const check = (await code()).health[index];
        if (!check) throw new Error(`the plugin has no health check ${index}`);
        return await check();
      },
    );
    const blocks: Record<string, PluginBlockComponent> = {};
    for (const id of outline?.blocks ?? []) {
      blocks[id] = async (props) => {
        const block = (await code()).blockComponents?.[id];
        if (!block) throw new Error(`the plugin has no block ${id}`);
        return jsx(block, props);
      };
    }
    return {
      ...data,
      routers: [],
      pages,
      health,
      ...(outline?.blocks.length ? { blockComponents: blocks } : {}),
      isolation: "in_process",
    };
  }

  /**
   * Imports a deferred plugin's code, once (later calls share the first).
   *
   * @param name The plugin.
   * @returns Its code, or `undefined` when it failed to start.
   */
  load(name: string): Promise<PluginCode | undefined> {
    const started = this.#loading.get(name);
    if (started) return started;
    const timeoutMs = this.#options.timeoutMs;
    let cancel = () => {};
    const deadline = new Promise<never>((_, reject) => {
      const timer = after(() => reject(new StartTimeout()), timeoutMs);
      cancel = () => timer.cancel();
    });
    deadline.catch(() => {});
    const loading = this.#importCode(name, deadline).finally(cancel);
    this.#loading.set(name, loading);
    return loading;
  }

  /**
   * Imports every deferred plugin not imported yet, a batch at a time, letting requests in between
   * batches (a request to a plugin imports that one at once). Later calls share the first.
   *
   * @returns Once every plugin has been imported or has failed.
   */
  loadAll(): Promise<void> {
    return this.#all ??= this.#loadAll();
  }

  async #loadAll(): Promise<void> {
    const batch = this.#options.batch ?? 16;
    const names = [...this.#waiting.keys()];
    for (let start = 0; start < names.length; start += batch) {
      await Promise.all(names.slice(start, start + batch).map((name) => this.load(name)));
      await new Promise<void>((resolve) => after(resolve, 0));
    }
    await this.#whenSettled;
  }

  async #importCode(name: string, deadline: Promise<never>): Promise<PluginCode | undefined> {
    const plugin = this.#waiting.get(name);
    if (!plugin) return undefined;
    let result: ImportResult = await importInProcess(plugin, deadline, this.#options.timeoutMs);
    this.#done.add(name);
    if ("code" in result) {
      const { load: _load, outline: _outline, ...data } = plugin;
      const mounted: RegistryPlugin = { ...data, ...result.code, isolation: "in_process" };
      try {
        if (this.#listener) this.#listener.loaded(mounted);
        else this.#unheard.push(mounted);
      } catch (error) {
        // Its routes could not be added (the app refused them): it is not served.
        result = {
          problem: {
            code: "plugin.start_failed",
            message: `mounting the plugin's routes failed: ${(error as Error).message}`,
          },
        };
      }
    }
    if ("problem" in result) {
      this.#failed.set(name, result.problem);
      this.#listener?.failed(name, result.problem);
    }
    if (--this.#unsettled === 0) this.#settle();
    return "code" in result ? result.code : undefined;
  }
}
