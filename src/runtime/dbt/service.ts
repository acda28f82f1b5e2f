/**
 * dbt workspaces at run time: the inventory the build wrote, manual runs, scheduled runs (once per
 * schedule slot however many instances share the store), results reported back by an
 * orchestrator, and the audit trail of all of it. Runs happen in the background: nothing here
 * blocks a request for longer than a store write.
 *
 * @module
 */
import { createLogger, type Logger } from "../../log/mod.ts";
import type { DbtRun, DbtRunChange } from "../../state/mod.ts";
import type { PluginLifecycle, RuntimeStatus } from "../lifecycle.ts";
import type { DbtModel, Registry, RegistryPlugin } from "../registry.ts";
import { every, type Timer } from "../timer.ts";
import type { DbtConfig } from "./config.ts";
import { type DbtRunner, type DbtRunResult, lastLines } from "./runner.ts";
import { dueSlot, nextRun } from "./schedule.ts";
import { signatureMatches } from "./webhook.ts";

/** How often a server's scheduler looks for due schedules. */
export const SCHEDULER_INTERVAL_MS = 20_000;

/** One workspace as the API lists it. */
export interface DbtWorkspaceView {
  /** The plugin. */
  readonly plugin: string;
  /** Its status now (`mounted`, `disabled`, `error`…). */
  readonly status: RuntimeStatus;
  /** The dbt project's name. */
  readonly project: string;
  /** Its profile, or `null`. */
  readonly profile: string | null;
  /** Its version, or `null`. */
  readonly version: string | null;
  /** The workspace folder, relative to its root (`plugins/<name>/<folder>`). */
  readonly path: string;
  /** The root: `install` (bundled) or `data` (customer). */
  readonly source: string;
  /** The warehouse schema the plugin owns (dbt's target schema for its runs). */
  readonly schema: string;
  /** Every schema its models are built in: its own, then those derived for custom schemas. */
  readonly schemas: readonly string[];
  /** Its models. */
  readonly models: readonly DbtModel[];
  /** The schedule, or `null`. */
  readonly schedule: string | null;
  /** When the schedule fires next (ISO 8601), or `null` (no schedule, or it would not fire). */
  readonly next_run: string | null;
  /** The latest run, or `null`. */
  readonly last_run: DbtRun | null;
}

/** Why a run was not started, as the API answers it. */
export interface DbtRunRefusal {
  /** The HTTP status. */
  readonly status: 404 | 409 | 501;
  /** The stable error code. */
  readonly error: string;
  /** A sentence for people. */
  readonly message: string;
}

/** A run that was started. */
export interface StartedRun {
  /** The run as queued. */
  readonly run: DbtRun;
  /** Settles when the runner has finished with it (never rejects). */
  readonly done: Promise<void>;
}

/** Options of {@link DbtService}. */
export interface DbtServiceOptions {
  /** The runner; without one, runs are refused and schedules do not fire. */
  readonly runner?: DbtRunner;
  /** Where workspaces are, the time limit and the webhook secret. */
  readonly config: Pick<DbtConfig, "installDir" | "dataDir" | "timeoutMs" | "webhookSecret">;
  /** The clock, in milliseconds. */
  readonly now?: () => number;
  /** Where failures are logged. */
  readonly log?: Logger;
}

/** The dbt side of one registry over one lifecycle and its store. */
export class DbtService {
  readonly #plugins: RegistryPlugin[];
  readonly #now: () => number;
  readonly #log: Logger;
  #timer: Timer | undefined;

  /**
   * Creates the service; servers then call {@link DbtService.startScheduler}.
   *
   * @param registry The registry (workspaces come from its `dbt` records).
   * @param lifecycle Which plugins are enabled, and the store runs are kept in.
   * @param options Runner, configuration, clock and log.
   */
  constructor(
    registry: Registry,
    readonly lifecycle: PluginLifecycle,
    readonly options: DbtServiceOptions,
  ) {
    this.#plugins = registry.plugins.filter((plugin) =>
      plugin.dbt !== undefined && plugin.status !== "shadowed"
    );
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? createLogger();
  }

  /** The runner's kind, or `undefined` when none is configured. */
  get runnerKind(): string | undefined {
    return this.options.runner?.kind;
  }

  /** Every workspace, by plugin name, with its next and last run. */
  async workspaces(): Promise<DbtWorkspaceView[]> {
    const now = new Date(this.#now());
    return await Promise.all(this.#plugins.map(async (plugin) => {
      const dbt = plugin.dbt!;
      const [last] = await this.lifecycle.store.dbtRuns({ plugin: plugin.name, limit: 1 });
      const next = dbt.schedule !== null && this.#fires(plugin) ? nextRun(dbt.schedule, now) : null;
      return {
        plugin: plugin.name,
        status: this.lifecycle.status(plugin),
        project: dbt.project,
        profile: dbt.profile,
        version: dbt.version,
        path: `plugins/${plugin.name}/${dbt.path}`,
        source: plugin.source,
        schema: dbt.schema,
        schemas: dbt.schemas,
        models: dbt.models,
        schedule: dbt.schedule,
        next_run: next?.toISOString() ?? null,
        last_run: last ?? null,
      };
    }));
  }

  /**
   * The run history, newest first.
   *
   * @param filter One plugin's runs, or all; how many.
   */
  runs(filter: { readonly plugin?: string; readonly limit: number }): Promise<DbtRun[]> {
    return this.lifecycle.store.dbtRuns(filter);
  }

  /**
   * Starts a manual run of a plugin's workspace.
   *
   * @param name The plugin.
   * @param startedBy Who asks (`admin`, …).
   * @returns The queued run, or why it was refused (also audited).
   */
  async requestRun(name: string, startedBy: string): Promise<StartedRun | DbtRunRefusal> {
    const plugin = this.#plugins.find((candidate) => candidate.name === name);
    const refusal = await this.#refusal(name, plugin);
    if (refusal) {
      if (refusal.status !== 404) {
        await this.#audit(startedBy, name, "failure", `run refused: ${refusal.message}`);
      }
      return refusal;
    }
    const run = this.#newRun(plugin!, startedBy, null);
    await this.lifecycle.store.createDbtRun(run);
    await this.#audit(startedBy, name, "success", `run ${run.id} queued`);
    return { run, done: this.#execute(plugin!, run) };
  }

  /**
   * Starts the runs whose schedule slot fell in `(since, until]`: enabled plugins only, and each
   * slot once across every instance sharing the store.
   *
   * @returns When the runs this instance started have finished.
   */
  async tick(since: Date, until: Date): Promise<void> {
    if (!this.options.runner) return;
    const started: Promise<void>[] = [];
    for (const plugin of this.#plugins) {
      const schedule = plugin.dbt!.schedule;
      if (schedule === null || !this.#fires(plugin)) continue;
      const slot = dueSlot(schedule, since, until);
      if (!slot) continue;
      try {
        const running = await this.#inProgress(plugin.name);
        // Another instance may have started this very slot: that is not a skip.
        if (running?.slot === slot.toISOString()) continue;
        if (running) {
          await this.#audit("schedule", plugin.name, "failure", "skipped: a run is in progress");
          continue;
        }
        const run = this.#newRun(plugin, "schedule", slot.toISOString());
        if (!await this.lifecycle.store.createDbtRun(run)) continue;
        await this.#audit(
          "schedule",
          plugin.name,
          "success",
          `run ${run.id} queued for ${run.slot}`,
        );
        started.push(this.#execute(plugin, run));
      } catch (error) {
        this.#log.error(`the dbt schedule of ${plugin.name} could not start a run`, { error });
      }
    }
    await Promise.all(started);
  }

  /**
   * Records a result an orchestrator reports for a webhook run. The body is
   * `{"status": "running" | "succeeded" | "failed", "exit_code"?, "output"?, "reason"?}`, signed
   * like the webhook's own bodies: for this run, within five minutes.
   *
   * @returns The run as changed, or why the report was refused.
   */
  async report(
    id: string,
    body: string,
    signature: string | undefined,
  ): Promise<DbtRun | "unsigned" | "invalid_body" | "not_found"> {
    const secret = this.options.config.webhookSecret;
    if (
      secret === undefined || !await signatureMatches(secret, id, body, signature, this.#now())
    ) {
      return "unsigned";
    }
    const change = reportedChange(body, new Date(this.#now()).toISOString());
    if (!change) return "invalid_body";
    const run = await this.lifecycle.store.updateDbtRun(id, change);
    if (!run) return "not_found";
    if (run.status !== "running") await this.#finished(run);
    return run;
  }

  /**
   * Audits the schedules that differ from what the store last saw (a new registry changed them);
   * of several instances starting together, one records each change.
   */
  async recordSchedules(): Promise<void> {
    const at = new Date(this.#now()).toISOString();
    for (const plugin of this.#plugins) {
      if (plugin.status !== "mounted") continue;
      const schedule = plugin.dbt!.schedule;
      const change = await this.lifecycle.store.recordDbtSchedule(plugin.name, schedule, at);
      if (!change) continue;
      await this.#audit(
        "system",
        plugin.name,
        "success",
        `schedule ${change.previous ?? "none"} → ${schedule ?? "none"}`,
        "dbt_schedule",
      );
    }
  }

  /**
   * Looks for due schedules every `intervalMs` from now on (when a runner is configured and some
   * workspace has a schedule).
   */
  startScheduler(intervalMs: number = SCHEDULER_INTERVAL_MS): void {
    const scheduled = this.#plugins.some((plugin) => plugin.dbt!.schedule !== null);
    if (!this.options.runner || !scheduled || this.#timer !== undefined) return;
    let since = new Date(this.#now());
    this.#timer = every(() => {
      const until = new Date(this.#now());
      this.tick(since, until).catch((error) =>
        this.#log.error("the dbt scheduler failed", { error })
      );
      since = until;
    }, intervalMs);
  }

  /** Stops the scheduler. */
  close(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  /** Whether a plugin's schedule fires: it is mounted and enabled. */
  #fires(plugin: RegistryPlugin): boolean {
    return this.lifecycle.status(plugin) === "mounted";
  }

  async #refusal(
    name: string,
    plugin: RegistryPlugin | undefined,
  ): Promise<DbtRunRefusal | undefined> {
    if (!plugin) {
      return {
        status: 404,
        error: "not_found",
        message: `no plugin called ${name} has a dbt workspace`,
      };
    }
    const status = this.lifecycle.status(plugin);
    if (status !== "mounted") {
      return {
        status: 409,
        error: "not_runnable",
        message: `${name} is ${status === "disabled" ? "disabled" : "not mounted (it has errors)"}`,
      };
    }
    if (!this.options.runner) {
      return {
        status: 501,
        error: "dbt_runner_not_configured",
        message: "set HONEYFRAME_DBT_RUNNER to command or webhook to run dbt",
      };
    }
    const running = await this.#inProgress(name);
    if (running) {
      return {
        status: 409,
        error: "run_in_progress",
        message: `the run ${running.id} of ${name} has not finished`,
      };
    }
    return undefined;
  }

  /**
   * The plugin's unfinished run, if any. A run older than the time limit is failed first: its
   * server stopped, or its orchestrator never reported.
   */
  async #inProgress(name: string): Promise<DbtRun | undefined> {
    const [last] = await this.lifecycle.store.dbtRuns({ plugin: name, limit: 1 });
    if (!last || (last.status !== "queued" && last.status !== "running")) return undefined;
    if (this.#now() - Date.parse(last.queued_at) <= this.options.config.timeoutMs) return last;
    const expired = await this.lifecycle.store.updateDbtRun(last.id, {
      status: "failed",
      finished_at: new Date(this.#now()).toISOString(),
      reason: "no result within the time limit",
    });
    if (expired) await this.#finished(expired);
    return undefined;
  }

  #newRun(plugin: RegistryPlugin, startedBy: string, slot: string | null): DbtRun {
    return {
      id: crypto.randomUUID(),
      plugin: plugin.name,
      project: plugin.dbt!.project,
      status: "queued",
      started_by: startedBy,
      slot,
      queued_at: new Date(this.#now()).toISOString(),
      started_at: null,
      finished_at: null,
      exit_code: null,
      output: "",
      reason: null,
    };
  }

  /** Hands a queued run to the runner and records what happens; never rejects. */
  async #execute(plugin: RegistryPlugin, run: DbtRun): Promise<void> {
    const store = this.lifecycle.store;
    try {
      await store.updateDbtRun(run.id, {
        status: "running",
        started_at: new Date(this.#now()).toISOString(),
      });
      const result = await this.options.runner!.start({
        run_id: run.id,
        plugin: plugin.name,
        project: run.project,
        schema: plugin.dbt!.schema,
        project_dir: this.#workspaceDir(plugin),
        models: plugin.dbt!.models.filter((model) => model.enabled !== false)
          .map((model) => model.name),
        schedule: plugin.dbt!.schedule,
      });
      if (result === "reported_later") return;
      const finished = await store.updateDbtRun(run.id, finalChange(result, this.#now()));
      if (finished) await this.#finished(finished);
    } catch (error) {
      this.#log.error(`the dbt run ${run.id} of ${plugin.name} could not be recorded`, { error });
    }
  }

  /** Where a plugin's workspace is, as the runner's `--project-dir`. */
  #workspaceDir(plugin: RegistryPlugin): string {
    const { installDir, dataDir } = this.options.config;
    const root = (plugin.source === "install" ? installDir : dataDir).replace(/\/+$/, "");
    return `${root}/plugins/${plugin.name}/${plugin.dbt!.path}`.replace(/^\.\//, "");
  }

  #finished(run: DbtRun): Promise<void> {
    const outcome = run.status === "succeeded" ? "success" : "failure";
    const detail = `run ${run.id} ${run.status}${run.reason ? `: ${run.reason}` : ""}`;
    return this.#audit("dbt", run.plugin, outcome, detail);
  }

  #audit(
    actor: string,
    target: string,
    outcome: "success" | "failure",
    detail: string,
    action: "dbt_run" | "dbt_schedule" = "dbt_run",
  ): Promise<void> {
    return this.lifecycle.store.appendAudit({
      time: new Date(this.#now()).toISOString(),
      actor,
      action,
      target,
      outcome,
      detail,
    });
  }
}

function finalChange(result: DbtRunResult, now: number): DbtRunChange {
  return { ...result, finished_at: new Date(now).toISOString() };
}

/** The change a reported result asks for, or `undefined` when the body is not one. */
function reportedChange(body: string, at: string): DbtRunChange | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { status, exit_code, output, reason } = value as Record<string, unknown>;
  if (status !== "running" && status !== "succeeded" && status !== "failed") return undefined;
  if (exit_code !== undefined && exit_code !== null && !Number.isInteger(exit_code)) {
    return undefined;
  }
  if (output !== undefined && typeof output !== "string") return undefined;
  if (reason !== undefined && reason !== null && typeof reason !== "string") return undefined;
  if (status === "running") return { status };
  return {
    status,
    finished_at: at,
    exit_code: (exit_code as number | null | undefined) ?? null,
    output: lastLines((output as string | undefined) ?? ""),
    reason: (reason as string | null | undefined)?.slice(0, 500) ?? null,
  };
}
