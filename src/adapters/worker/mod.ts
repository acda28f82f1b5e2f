/**
 * The fetch-handler adapter for Cloudflare Workers, Bun and `deno serve`: a module whose default
 * export has `fetch`. Configuration comes from the Worker's bindings, falling back to the process
 * environment where the runtime has one (Bun, Deno). The state lives in Cloudflare D1 when the
 * Worker has a D1 binding named `HONEYFRAME_D1` (or `HONEYFRAME_STORE` names another store), in
 * memory otherwise. A shared store is read again on a request when the state is older than the poll
 * interval: an isolate has no timers between requests. Isolated plugins (customer plugins, by
 * default) run in Workers of their own, each reached through a service binding (`deno task bundle`
 * writes them and the wrangler configuration).
 *
 * @example
 * ```ts ignore
 * import { registry } from "../../../.gen/registry.ts";
 * export default workerHandler(registry);
 * ```
 *
 * @module
 */
import { createLogger } from "../../log/mod.ts";
import type { Hono } from "hono";
import { ConfigError, layeredEnv, processEnv } from "../../env/mod.ts";
import { dropPrivileges, withoutHostBindings } from "../_drop_privileges.ts";
import {
  configuredRunner,
  createApp,
  currentRuntime,
  DbtService,
  type DeferredPlugins,
  type GeneratedRegistry,
  PluginLifecycle,
  type PluginLoading,
  readConfig,
  readIsolationPolicy,
  readPluginLoading,
  refuseExitToPlugins,
  ServiceBoundPlugins,
  startPlugins,
  UncheckedRegistry,
} from "../../runtime/mod.ts";
import { D1_BINDING, openWorkerStore } from "../../state/mod.ts";

/** What a Worker's cron trigger passes to `scheduled`. */
export interface ScheduledEvent {
  /** When the trigger was due, in milliseconds since the epoch. */
  readonly scheduledTime: number;
  /** The trigger's cron expression. */
  readonly cron?: string;
}

/** A Worker's execution context, as far as the host uses it. */
export interface WorkerContext {
  /** Keeps the Worker alive until the promise settles. */
  waitUntil(promise: Promise<unknown>): void;
}

/** A module-worker style handler. */
export interface FetchHandler {
  /** Answers one request; `env` holds the Worker's bindings where the runtime passes them. */
  fetch(request: Request, env?: unknown, context?: unknown): Response | Promise<Response>;
  /**
   * Runs a cron trigger: the dbt schedules due in the minute up to `scheduledTime` start (with the
   * webhook runner). `deno task bundle` writes the trigger (`* * * * *`) into `dist/wrangler.json`.
   */
  scheduled(event: ScheduledEvent, env?: unknown, context?: WorkerContext): Promise<void>;
}

/** The window a cron trigger covers: a trigger every minute sees each schedule slot once. */
export const SCHEDULED_WINDOW_MS = 60_000;

/** What a Worker serves once its configuration is read and its plugins imported. */
interface WorkerHost {
  readonly app: Hono;
  readonly dbt: DbtService;
  readonly lifecycle: PluginLifecycle;
  /** The in-process plugins imported on first use. */
  readonly deferred: DeferredPlugins;
  /** When they are imported. */
  readonly loading: PluginLoading;
}

/** Options of {@link workerHandler}. */
export interface WorkerHandlerOptions {
  /**
   * Whether the process drops what plugins must not have before their code runs (default true:
   * `deno serve` revokes Deno's permissions, Bun loses the host's variables). `false` only where
   * the host is embedded in a process that must keep its rights, such as a test.
   */
  readonly dropPrivileges?: boolean;
}

/**
 * Creates the handler to `export default` from a worker entry. The app is created on the first
 * request, from that request's bindings; an invalid configuration answers 500 and is logged.
 * Plugins get the bindings without the host's own (tokens, secrets, the database URL).
 *
 * @param registry The generated registry.
 * @param options Whether to drop privileges.
 * @returns The handler.
 * @example
 * ```ts
 * import { defineRegistry } from "../../runtime/mod.ts";
 * const handler = workerHandler(defineRegistry({ fingerprint: "sha256-x", permissions: [], plugins: [] }));
 * const response = await handler.fetch(new Request("http://localhost/healthz"));
 * response.status; // 200
 * ```
 */
export function workerHandler(
  generated: GeneratedRegistry,
  options: WorkerHandlerOptions = {},
): FetchHandler {
  let host: Promise<WorkerHost> | undefined;
  const start = (env: unknown): Promise<WorkerHost> => {
    if (!host) {
      // The configuration is read before any plugin code runs; then what plugins must not have
      // is dropped (the process environment on Deno and Bun), then they are imported.
      const vars = layeredEnv(bindingsOf(env), processEnv());
      const config = readConfig(vars);
      const runner = configuredRunner(config.dbt);
      const store = openWorkerStore(vars, bindingsOf(env)[D1_BINDING]);
      const note = options.dropPrivileges === false
        ? Promise.resolve("")
        : dropPrivileges(processEnv());
      refuseExitToPlugins();
      // A Worker cannot start workers: the plugins the policy isolates run in Workers of their
      // own, reached through service bindings (a plugin whose binding is missing is refused).
      const isolation = {
        policy: readIsolationPolicy(vars),
        plugins: new ServiceBoundPlugins(bindingsOf(env)),
      };
      // On Workers each plugin's code is imported on its first use (an isolate may serve a few
      // requests only); on Bun and `deno serve`, the rest in the background after the first request.
      const loading = readPluginLoading(
        vars,
        currentRuntime() === "workerd" ? "lazy" : "background",
      );
      const started = note.then(() => startPlugins(generated, { isolation, loading }));
      host = Promise.all([store, started]).then(
        ([store, { registry, deferred }]) => {
          const lifecycle = new PluginLifecycle(registry, store, { poll: "on_request" });
          const dbt = new DbtService(registry, lifecycle, {
            config: config.dbt,
            ...(runner === undefined ? {} : { runner }),
          });
          const app = createApp(registry, {
            ...config,
            lifecycle,
            dbtService: dbt,
            deferred,
            loading,
          });
          return { app, dbt, lifecycle, deferred, loading };
        },
      );
      // A store that could not be opened is tried again on the next request.
      host.catch(() => host = undefined);
    }
    return host;
  };
  return {
    async fetch(request, env, context) {
      let served: WorkerHost;
      try {
        served = await start(env);
      } catch (error) {
        return notStarted(error);
      }
      await served.lifecycle.refreshIfStale();
      const response = await served.app.fetch(request, withoutHostBindings(env), context as never);
      if (served.loading === "background" && !served.deferred.settled) {
        const importing = served.deferred.loadAll();
        (context as WorkerContext | undefined)?.waitUntil?.(importing);
      }
      return response;
    },
    async scheduled(event, env, context) {
      let dbt: DbtService;
      try {
        ({ dbt } = await start(env));
      } catch (error) {
        await notStarted(error).body?.cancel();
        return;
      }
      const until = new Date(event.scheduledTime);
      const runs = dbt.tick(new Date(event.scheduledTime - SCHEDULED_WINDOW_MS), until);
      context?.waitUntil(runs);
      await runs;
    },
  };
}

/** Logs why the host could not start, in one line, and answers what a request gets. */
function notStarted(error: unknown): Response {
  if (error instanceof ConfigError || error instanceof UncheckedRegistry) {
    createLogger().error(`Honeyframe Edge is misconfigured: ${error.message}`);
    return Response.json(
      { error: "misconfigured", message: "the server is misconfigured; see its log" },
      { status: 500 },
    );
  }
  createLogger().error(
    `Honeyframe Edge cannot start: the state store: ${(error as Error).message}`,
  );
  return Response.json({ error: "state_unavailable" }, { status: 503 });
}

/** A Worker's bindings as an environment source (non-objects are no bindings). */
function bindingsOf(env: unknown): Readonly<Record<string, unknown>> {
  return typeof env === "object" && env !== null ? env as Record<string, unknown> : {};
}
