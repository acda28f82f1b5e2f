/**
 * Plugin lifecycle at run time: which mounted plugins are enabled, kept in a state store and cached
 * in memory so that a request pays one set lookup. Enabling a plugin for the first time seeds its
 * groups into the default organisation. Instances sharing a store hear of each other's changes
 * where the store can tell (PostgreSQL's LISTEN/NOTIFY, Deno KV's watch) and poll it besides.
 *
 * @module
 */
import { createLogger, type Logger } from "../log/mod.ts";
import type { PluginStatus, Problem, Registry, RegistryPlugin } from "./registry.ts";
import type { AuditEvent, StateStore } from "../state/mod.ts";
import { every, type Timer } from "./timer.ts";

/** The organisation seed groups go to. */
export const DEFAULT_ORG = "default";

/** How often instances sharing a store look for changes, in milliseconds. */
export const DEFAULT_REFRESH_MS = 2_000;

/** A plugin's status at run time: the build's, or `disabled`. */
export type RuntimeStatus = PluginStatus | "disabled";

/**
 * Why a lifecycle change was refused: no such plugin, one that cannot be mounted, a disable while
 * enabled plugins require it (see {@link PluginLifecycle.enabledDependents}), an enable while a
 * plugin it requires is disabled (see {@link PluginLifecycle.disabledDependencies}).
 */
export type LifecycleRefusal =
  | "not_found"
  | "not_mountable"
  | "has_dependents"
  | "dependency_disabled";

/** Options of {@link PluginLifecycle.setEnabled}. */
export interface SetEnabledOptions {
  /** A disable also disables the enabled plugins that require it, directly or not. */
  readonly cascade?: boolean;
}

/** Options of {@link PluginLifecycle}. */
export interface LifecycleOptions {
  /** Poll interval for shared stores (default 2 s). */
  readonly refreshMs?: number;
  /**
   * How a shared store is polled: by a background timer (the default), or only when a request
   * calls {@link PluginLifecycle.refreshIfStale} (a Worker's isolate runs no timers between
   * requests).
   */
  readonly poll?: "timer" | "on_request";
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
  readonly #faults = new Map<string, Problem>();
  readonly #disabled = new Set<string>();
  readonly #now: () => number;
  #ready: Promise<void> | undefined;
  #started = false;
  #timer: Timer | undefined;
  #unwatch: (() => Promise<void>) | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #refreshedAt = 0;
  readonly #alsoReloaded: (() => Promise<void>)[] = [];
  #refreshing: Promise<void> | undefined;

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

  /**
   * Marks a mounted plugin as failed at run time (an isolated plugin that crashed too often, or
   * whose worker failed to start on first use): it shows as `error` with the problem until the
   * server restarts, and the audit log records it.
   *
   * @param name The plugin.
   * @param problem What happened (`plugin.crashed`; `plugin.start_failed` or
   * `router.routes_changed` when its code was imported on first use).
   */
  async fault(name: string, problem: Problem): Promise<void> {
    if (!this.#mountable.has(name) || this.#faults.has(name)) return;
    this.#faults.set(name, problem);
    await this.store.appendAudit({
      time: new Date(this.#now()).toISOString(),
      actor: "host",
      action: problem.code === "plugin.crashed" ? "plugin_crashed" : "plugin_start_failed",
      target: name,
      outcome: "failure",
      detail: problem.message.slice(0, 256),
    });
  }

  /**
   * The problem a plugin met at run time, if any (see {@link fault}).
   *
   * @param name The plugin.
   * @returns The problem.
   */
  faultOf(name: string): Problem | undefined {
    return this.#faults.get(name);
  }

  /** A plugin's status at run time. */
  status(plugin: RegistryPlugin): RuntimeStatus {
    if (plugin.status === "mounted" && this.#faults.has(plugin.name)) return "error";
    return plugin.status === "mounted" && this.#disabled.has(plugin.name)
      ? "disabled"
      : plugin.status;
  }

  /**
   * Enables or disables a plugin now, records it, and (on a first enable) seeds its groups. A
   * plugin that enabled plugins require is disabled only with `cascade` (which disables them too,
   * each audited); a plugin is enabled only while every plugin it requires is.
   *
   * @param name The plugin.
   * @param enabled The new state.
   * @param actor Who asks.
   * @param options Whether a disable cascades to the plugins that require it.
   * @returns `undefined` when done, or why it was refused.
   */
  async setEnabled(
    name: string,
    enabled: boolean,
    actor: string,
    options: SetEnabledOptions = {},
  ): Promise<LifecycleRefusal | undefined> {
    await this.ready();
    return await this.#exclusive(() => this.#setEnabled(name, enabled, actor, options));
  }

  /**
   * The enabled plugins that require a plugin, directly or through others, by name.
   *
   * @param name The plugin.
   * @returns Their names, sorted.
   */
  enabledDependents(name: string): string[] {
    const found = new Set<string>();
    const visit = (current: string) => {
      for (const dependent of this.#mountable.get(current)?.dependents ?? []) {
        if (!this.isEnabled(dependent) || found.has(dependent)) continue;
        found.add(dependent);
        visit(dependent);
      }
    };
    visit(name);
    return [...found].sort();
  }

  /**
   * The plugins a plugin requires that are disabled now, by name.
   *
   * @param name The plugin.
   * @returns Their names, sorted.
   */
  disabledDependencies(name: string): string[] {
    return Object.keys(this.#mountable.get(name)?.requires?.plugins ?? {})
      .filter((dependency) => this.#mountable.has(dependency) && !this.isEnabled(dependency))
      .sort();
  }

  /** Reloads the enabled state from the store (what polling does). */
  refresh(): Promise<void> {
    return this.#exclusive(() => this.#refresh());
  }

  /**
   * For a shared store, reloads the state when it was last read a poll interval ago or more;
   * concurrent callers share one reload. A failed reload is logged and the last known state
   * stays. Never rejects.
   */
  async refreshIfStale(): Promise<void> {
    if (!this.store.shared || !this.#started) return;
    if (this.#now() - this.#refreshedAt < (this.options.refreshMs ?? DEFAULT_REFRESH_MS)) return;
    this.#refreshing ??= this.#refreshQuietly().finally(() => this.#refreshing = undefined);
    await this.#refreshing;
  }

  /** {@link refresh}, logging a failure instead of rejecting (the last known state stays). */
  #refreshQuietly(): Promise<void> {
    return this.refresh().catch((error) =>
      (this.options.log ?? createLogger()).warn("state refresh failed", { error })
    );
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
    options: SetEnabledOptions,
  ): Promise<LifecycleRefusal | undefined> {
    if (!this.registry.plugins.some((plugin) => plugin.name === name)) return "not_found";
    const plugin = this.#mountable.get(name);
    const at = new Date(this.#now()).toISOString();
    const action: AuditEvent["action"] = enabled ? "enable" : "disable";
    const refuse = async (refusal: LifecycleRefusal, detail: string) => {
      await this.store.appendAudit({
        time: at,
        actor,
        action,
        target: name,
        outcome: "failure",
        detail,
      });
      return refusal;
    };
    if (!plugin) return await refuse("not_mountable", "not mountable");
    const dependents = enabled ? [] : this.enabledDependents(name);
    if (dependents.length > 0 && !options.cascade) {
      return await refuse("has_dependents", `required by ${dependents.join(", ")}`);
    }
    const dependencies = enabled ? this.disabledDependencies(name) : [];
    if (dependencies.length > 0) {
      return await refuse("dependency_disabled", `requires ${dependencies.join(", ")} (disabled)`);
    }
    // Those furthest from it first: the registry lists every plugin after what it requires.
    const cascade = this.registry.plugins.filter((other) => dependents.includes(other.name))
      .reverse();
    for (const dependent of cascade) {
      await this.#apply(dependent, false, actor, at, `cascade: requires ${name}`);
    }
    await this.#apply(plugin, enabled, actor, at);
    return undefined;
  }

  /** Stores a plugin's new state, seeds it on a first enable, serves accordingly, audits. */
  async #apply(
    plugin: RegistryPlugin,
    enabled: boolean,
    actor: string,
    at: string,
    detail?: string,
  ): Promise<void> {
    const name = plugin.name;
    const action: AuditEvent["action"] = enabled ? "enable" : "disable";
    await this.store.setEnabled(name, enabled, actor, at);
    if (enabled) {
      await this.#seed(plugin, actor, at);
      this.#disabled.delete(name);
    } else {
      this.#disabled.add(name);
    }
    await this.store.appendAudit({
      time: at,
      actor,
      action,
      target: name,
      outcome: "success",
      ...(detail === undefined ? {} : { detail }),
    });
  }

  async #refresh(): Promise<void> {
    const readAt = this.#now();
    const states = await this.store.pluginStates();
    this.#refreshedAt = readAt;
    this.#disabled.clear();
    for (const state of states) {
      if (!state.enabled && this.#mountable.has(state.name)) this.#disabled.add(state.name);
    }
    for (const reload of this.#alsoReloaded) await reload();
  }

  /**
   * Reads more of the shared state whenever the plugins' state is read again (polling, a change
   * another instance announced): the plugins' settings.
   *
   * @param reload What to read.
   */
  alsoReload(reload: () => Promise<void>): void {
    this.#alsoReloaded.push(reload);
  }

  /** Stops polling and watching. */
  close(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#unwatch?.().catch(() => {});
    this.#unwatch = undefined;
  }

  async #start(): Promise<void> {
    const at = new Date(this.#now()).toISOString();
    const states = new Map((await this.store.pluginStates()).map((state) => [state.name, state]));
    for (const plugin of this.#mountable.values()) {
      const state = states.get(plugin.name);
      if (!state?.seeded && (state?.enabled ?? true)) await this.#seed(plugin, "system", at);
    }
    await this.#refresh();
    if (this.store.watch) {
      // Changes arrive at once; the poll below stays for what a lost connection could hide.
      try {
        this.#unwatch = await this.store.watch(() => void this.#refreshQuietly());
      } catch (error) {
        (this.options.log ?? createLogger()).warn(
          "cannot listen for state changes; polling only",
          { error },
        );
      }
    }
    if (this.store.shared && this.options.poll !== "on_request") {
      this.#timer = every(
        () => void this.#refreshQuietly(),
        this.options.refreshMs ?? DEFAULT_REFRESH_MS,
      );
    }
    this.#started = true;
  }

  #seed(plugin: RegistryPlugin, actor: string, at: string): Promise<boolean> {
    return this.store.seed(plugin.name, DEFAULT_ORG, plugin.seed_groups, actor, at);
  }
}
