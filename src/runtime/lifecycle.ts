/**
 * Plugin lifecycle at run time: which mounted plugins are enabled, kept in a state store and cached
 * in memory so that a request pays one set lookup. Enabling a plugin for the first time seeds its
 * groups into the default organisation. Instances sharing a store poll it to converge.
 *
 * @module
 */
import { createLogger, type Logger } from "../log/mod.ts";
import type { PluginStatus, Registry, RegistryPlugin } from "./registry.ts";
import type { AuditEvent, StateStore } from "../state/mod.ts";
import { backgroundInterval } from "./unref_timer.ts";

/** The organisation seed groups go to. */
export const DEFAULT_ORG = "default";

/** How often instances sharing a store look for changes, in milliseconds. */
export const DEFAULT_REFRESH_MS = 2_000;

/** A plugin's status at run time: the build's, or `disabled`. */
export type RuntimeStatus = PluginStatus | "disabled";

/** Why a lifecycle change was refused. */
export type LifecycleRefusal = "not_found" | "not_mountable";

/** Options of {@link PluginLifecycle}. */
export interface LifecycleOptions {
  /** Poll interval for shared stores (default 2 s). */
  readonly refreshMs?: number;
  /** The clock, in milliseconds. */
  readonly now?: () => number;
  /** Where a failed refresh is reported. */
  readonly log?: Logger;
}

/**
 * The lifecycle of the plugins of one registry over one state store.
 *
 * @example
 * ```ts
 * import { MemoryStore } from "../state/mod.ts";
 * import { defineRegistry } from "./registry.ts";
 * const registry = defineRegistry({ fingerprint: "sha256-x", permissions: [], plugins: [] });
 * const lifecycle = new PluginLifecycle(registry, new MemoryStore());
 * await lifecycle.ready();
 * lifecycle.isEnabled("crm"); // false: not in the registry
 * ```
 */
export class PluginLifecycle {
  readonly #mountable: Map<string, RegistryPlugin>;
  readonly #disabled = new Set<string>();
  readonly #now: () => number;
  #ready: Promise<void> | undefined;
  #started = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  /**
   * Creates the lifecycle; call {@link PluginLifecycle.ready} before serving.
   *
   * @param registry The registry.
   * @param store Where the state lives.
   * @param options Poll interval, clock, log.
   */
  constructor(
    /** The registry whose plugins this lifecycle enables and disables. */
    readonly registry: Registry,
    /** Where the state lives. */
    readonly store: StateStore,
    /** Poll interval, clock, log. */
    readonly options: LifecycleOptions = {},
  ) {
    this.#mountable = new Map(
      registry.plugins.filter((plugin) => plugin.status === "mounted").map((
        plugin,
      ) => [plugin.name, plugin]),
    );
    this.#now = options.now ?? Date.now;
  }

  /**
   * Loads the state once (seeding every mounted plugin enabled for the first time) and, for a
   * shared store, starts polling. Later calls return the same promise.
   */
  ready(): Promise<void> {
    return this.#ready ??= this.#start();
  }

  /** True once {@link ready} has resolved: requests can skip awaiting it. */
  get started(): boolean {
    return this.#started;
  }

  /** Whether a plugin's routes and pages are served now. */
  isEnabled(name: string): boolean {
    return this.#mountable.has(name) && !this.#disabled.has(name);
  }

  /** A plugin's status at run time. */
  status(plugin: RegistryPlugin): RuntimeStatus {
    return plugin.status === "mounted" && this.#disabled.has(plugin.name)
      ? "disabled"
      : plugin.status;
  }

  /**
   * Enables or disables a plugin now, records it, and (on a first enable) seeds its groups.
   *
   * @param name The plugin.
   * @param enabled The new state.
   * @param actor Who asks.
   * @returns `undefined` when done, or why it was refused.
   */
  async setEnabled(
    name: string,
    enabled: boolean,
    actor: string,
  ): Promise<LifecycleRefusal | undefined> {
    await this.ready();
    return await this.#exclusive(() => this.#setEnabled(name, enabled, actor));
  }

  /** Reloads the enabled state from the store (what polling does). */
  refresh(): Promise<void> {
    return this.#exclusive(() => this.#refresh());
  }

  /**
   * Runs state changes one at a time, so that what is served always follows what was stored:
   * memory changes only after the store committed, and a refresh never applies a read that a
   * concurrent write has overtaken.
   */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work);
    this.#queue = result.catch(() => {});
    return result;
  }

  async #setEnabled(
    name: string,
    enabled: boolean,
    actor: string,
  ): Promise<LifecycleRefusal | undefined> {
    if (!this.registry.plugins.some((plugin) => plugin.name === name)) return "not_found";
    const plugin = this.#mountable.get(name);
    const at = new Date(this.#now()).toISOString();
    const action: AuditEvent["action"] = enabled ? "enable" : "disable";
    if (!plugin) {
      await this.store.appendAudit({
        time: at,
        actor,
        action,
        target: name,
        outcome: "failure",
        detail: "not mountable",
      });
      return "not_mountable";
    }
    await this.store.setEnabled(name, enabled, actor, at);
    if (enabled) {
      await this.#seed(plugin, actor, at);
      this.#disabled.delete(name);
    } else {
      this.#disabled.add(name);
    }
    await this.store.appendAudit({ time: at, actor, action, target: name, outcome: "success" });
    return undefined;
  }

  async #refresh(): Promise<void> {
    const states = await this.store.pluginStates();
    this.#disabled.clear();
    for (const state of states) {
      if (!state.enabled && this.#mountable.has(state.name)) this.#disabled.add(state.name);
    }
  }

  /** Stops polling. */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #start(): Promise<void> {
    const at = new Date(this.#now()).toISOString();
    const states = new Map((await this.store.pluginStates()).map((state) => [state.name, state]));
    for (const plugin of this.#mountable.values()) {
      const state = states.get(plugin.name);
      if (!state?.seeded && (state?.enabled ?? true)) await this.#seed(plugin, "system", at);
    }
    await this.#refresh();
    if (this.store.shared) {
      this.#timer = backgroundInterval(() => {
        this.refresh().catch((error) =>
          (this.options.log ?? createLogger()).warn("state refresh failed", { error })
        );
      }, this.options.refreshMs ?? DEFAULT_REFRESH_MS);
    }
    this.#started = true;
  }

  #seed(plugin: RegistryPlugin, actor: string, at: string): Promise<boolean> {
    return this.store.seed(plugin.name, DEFAULT_ORG, plugin.seed_groups, actor, at);
  }
}
