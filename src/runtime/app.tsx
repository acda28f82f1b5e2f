/**
 * The host application: health check, JSON API, admin UI, and every mounted plugin's routers and
 * pages, as one Hono app that runs on any runtime.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { envNumber, envOrDefault } from "../env/mod.ts";
import { BodyTooLarge, tooLarge } from "./body_limits.ts";
import { HTTPException } from "hono/http-exception";
import { pluginNavigation } from "./admin/layout.tsx";
import { adminApp } from "./admin/routes.tsx";
import { sessionManager } from "./admin/session.ts";
import { oidcApp, providerLabel } from "./auth/oidc.tsx";
import { grantsOf, groupPermissions, refusalEvent } from "./admin/access.ts";
import { STYLESHEET, STYLESHEET_PATH } from "./admin/stylesheet.ts";
import { apiApp } from "./api_routes.ts";
import type { HostConfig } from "./config.ts";
import { readPluginStorageMb } from "./context/plugin_storage.ts";
import { createLogger, type Logger } from "../log/mod.ts";
import { requireAdmin } from "./admin/api_auth.ts";
import { DEFAULT_ORG, PluginLifecycle } from "./lifecycle.ts";
import { pluginPagesApp } from "./plugin_pages.tsx";
import {
  auditSignInFailures,
  DEFAULT_THROTTLE_LIMITS,
  SignInThrottle,
} from "./admin/sign_in_throttle.ts";
import type { PageShell } from "./admin/render.tsx";
import { mountPlugin, pluginResponse, PluginTimeout, servingPlugin } from "./plugin_mount.ts";
import { PluginMetrics } from "./metrics.ts";
import { type IsolatedPlugins, PluginUnavailable } from "./plugins/isolated_plugins.ts";
import { PluginConfigs } from "./context/plugin_config.ts";
import { importSecretsKey } from "./context/secret_box.ts";
import { pluginContexts } from "./context/plugin_contexts.ts";
import type { Warehouses } from "./context/plugin_warehouse.ts";
import type { PluginCall, RequestScope } from "./context/console_attribution.ts";
import { observeRequests, requestIdOf } from "./observe.ts";
import { checkBeforeRouting } from "./before_routing.ts";
import { probesApp } from "./probes.ts";
import { HOST_VERSION } from "./version.ts";
import type { HostContext } from "./permissions.ts";
import { DEFAULT_JWT_MAX_TTL_S, tokenVerifier } from "./token_verifier.ts";
import { dashboardApp } from "./dashboard.tsx";
import { homeApp } from "./home.tsx";
import { allowFrameCalls, onlyFramesAt, pluginFrames, PluginTokens } from "./plugin_ui/mod.ts";
import { pluginAssetsApp } from "./plugin_assets.ts";
import type { Registry } from "./registry.ts";
import { PartitionedRouter } from "./partitioned_router.ts";
import { type AuditEvent, MemoryStore, StateUnavailable } from "../state/mod.ts";
import { type DbtConfig, readDbtConfig } from "./dbt/config.ts";
import { configuredRunner } from "./dbt/configured_runner.ts";
import { DbtService } from "./dbt/service.ts";
import type { DeferredPlugins, PluginLoading } from "./plugins/deferred_plugins.ts";
import type { Problem, RegistryPlugin } from "./registry.ts";

/** Options of {@link createApp}. */
export interface AppOptions extends Partial<HostConfig> {
  /**
   * Where failures are logged with their stacks (default: the console, in `logFormat`, with the
   * configured tokens and secrets redacted).
   */
  readonly log?: Logger;
  /** Plugin state over a store (default: a fresh in-memory store). */
  readonly lifecycle?: PluginLifecycle;
  /** The clock, in milliseconds (sessions, audit times); injectable for tests. */
  readonly now?: () => number;
  /**
   * The isolated plugins' side in the host, when some run in a plugin process: their crashes are
   * counted, and a plugin given up is marked `error` (`plugin.crashed`) and audited.
   */
  readonly isolated?: IsolatedPlugins;
  /**
   * Where the plugin at work is kept across `await`s (an `AsyncLocalStorage`, which the server
   * adapters supply): a plugin's handlers, pages and blocks run in it, so that its console output
   * is attributed to it and the request (see `attributeConsole`).
   */
  readonly pluginScope?: RequestScope<PluginCall>;
  /**
   * dbt workspaces and runs over the same lifecycle (default: one with the runner `dbt` asks for,
   * where it needs nothing from the runtime: the webhook runner, or none).
   */
  readonly dbtService?: DbtService;
  /**
   * Each plugin's read access to its warehouse schemas (`ctx.warehouse`); without it, every call
   * says the host has no warehouse.
   */
  readonly warehouses?: Warehouses;
  /**
   * The in-process plugins whose code is imported on first use (`startPlugins`): their routes are
   * mounted when it arrives, requests to them wait for it, and one that fails answers 500.
   */
  readonly deferred?: DeferredPlugins;
  /**
   * When the deferred plugins are imported: under `background`, `/readyz` answers 503 until every
   * one has been.
   */
  readonly loading?: PluginLoading;
}

/** A plugin imported on first use failed to start; its routes answer 500. */
export class PluginNotStarted extends Error {
  /**
   * Says which plugin did not start, and why.
   *
   * @param plugin The plugin.
   * @param problem Why (`plugin.start_failed`, `router.routes_changed`).
   */
  constructor(readonly plugin: string, readonly problem: Problem) {
    super(`the plugin ${plugin} failed to start`);
    this.name = "PluginNotStarted";
  }
}

/**
 * Creates the host app from a registry. Only plugins with status `mounted` are served, each under
 * `/api/<name>` (and its pages under `/plugins/<name>/`), and only while enabled; the host's own
 * routes are registered first and always win. Requests are matched by a {@link PartitionedRouter}
 * (Hono's router once per path prefix), so matching does not slow down as plugins are added.
 *
 * @param registry The generated registry.
 * @param options Configuration, lifecycle, log and clock.
 * @returns The Hono app; pass `app.fetch` to any server.
 * @example
 * ```ts
 * import { defineRegistry } from "./registry.ts";
 * const registry = defineRegistry({ fingerprint: "sha256-x", permissions: [], plugins: [] });
 * const app = createApp(registry, { adminToken: "an-admin-token-16+" });
 * (await app.request("/healthz")).status; // 200
 * ```
 */
export function createApp(registry: Registry, given: AppOptions = {}): Hono {
  // Own properties only: a plugin that polluted Object.prototype cannot supply an admin token.
  const options: AppOptions = Object.assign(Object.create(null), given);
  const now = options.now ?? Date.now;
  const log = options.log ?? createLogger({
    format: options.logFormat,
    secrets: [options.adminToken, options.jwtSecret, options.metricsToken],
  });
  const metrics = new PluginMetrics();
  const lifecycle = options.lifecycle ?? new PluginLifecycle(registry, new MemoryStore(), { now });
  options.isolated?.observe({
    crashed: (plugin, reason, final) => {
      metrics.crash(plugin, !final);
      if (!final) return;
      const problem = {
        code: "plugin.crashed",
        message: `its worker crashed too often (last: ${reason}); it is not served until the ` +
          "server restarts",
      };
      lifecycle.fault(plugin, problem).catch((error) =>
        log.error(`the crash of plugin ${plugin} could not be audited`, { error })
      );
    },
    startFailed: (plugin, reason) => {
      log.error(`plugin ${plugin} failed to start on first use and is not served: ${reason}`, {
        plugin,
      });
      const problem = {
        code: "plugin.start_failed",
        message: `starting the plugin's worker failed: ${reason}`,
      };
      lifecycle.fault(plugin, problem).catch((error) =>
        log.error(`the failed start of plugin ${plugin} could not be audited`, { error })
      );
    },
  });
  const links = () => pluginNavigation(registry, (name) => lifecycle.isEnabled(name));
  const dbt = options.dbtService ?? defaultDbtService(registry, lifecycle, options.dbt, now, log);
  const verifyToken = tokenVerifier({
    requireExp: options.jwtRequireExp ?? true,
    maxTtlSeconds: options.jwtMaxTtlS ?? DEFAULT_JWT_MAX_TTL_S,
    ...(options.jwtSecret === undefined ? {} : { secret: options.jwtSecret }),
    ...(options.jwtIssuer === undefined ? {} : { issuer: options.jwtIssuer }),
    ...(options.jwtAudience === undefined ? {} : { audience: options.jwtAudience }),
  }, now);
  const tokens = new PluginTokens(lifecycle.store, now);
  // A plugin's routes accept the JWTs of the configured secret, and that plugin's own tokens (its
  // frames'): a plugin token is good for its plugin's API and nowhere else.
  const hostFor = (plugin: string, framedPlugin: boolean): HostContext => ({
    authorize: async (token, permission) => {
      const framed = token === undefined || !framedPlugin
        ? undefined
        : await tokens.verify(token, plugin, "plugin");
      const principal = framed ?? (token === undefined ? undefined : await verifyToken(token));
      if (!principal) return "unauthorized";
      if (framed?.admin) return principal;
      const granted = await groupPermissions(lifecycle.store, principal.org, principal.groups);
      return granted.has(permission) ? principal : "forbidden";
    },
  });

  const app = new Hono({ router: new PartitionedRouter() });
  if (options.pluginOrigin) app.use("*", onlyFramesAt(options.pluginOrigin));
  const deferred = options.deferred;
  app.route(
    "/",
    probesApp(lifecycle, log, options.loading === "background" ? deferred : undefined),
  );
  app.get("/metrics", requireAdmin(options.adminToken, options.metricsToken), (c) => {
    const text = metrics.render({
      registry,
      isEnabled: (name) => lifecycle.isEnabled(name),
      hasFault: (name) => lifecycle.faultOf(name) !== undefined,
      version: HOST_VERSION,
    });
    return c.body(text, 200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" });
  });
  app.get(STYLESHEET_PATH, (c) => {
    c.header("Cache-Control", "public, max-age=3600");
    return c.body(STYLESHEET, 200, { "Content-Type": "text/css; charset=utf-8" });
  });
  if (!lifecycle.started) {
    // Servers load the state before they listen; an app made before that waits for it once.
    app.use("*", async (_c, next) => {
      if (!lifecycle.started) await lifecycle.ready();
      await next();
    });
  }
  const configs = new PluginConfigs(
    lifecycle.store,
    registry,
    options.secretsKey === undefined ? undefined : importSecretsKey(options.secretsKey),
  );
  gateOnSettings(app, registry, configs, lifecycle, log);
  app.route("/api", apiApp({ registry, lifecycle, now, dbt, configs, ...adminToken(options) }));
  const transport = {
    ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
    trustProxy: options.trustProxy ?? false,
  };
  // One session for every page: the admin pages, plugin pages and the dashboard show who is
  // signed in and the sign-out control.
  const sessionSecret = [options.adminToken, options.oidc?.clientSecret].filter(Boolean).join("\n");
  const sessions = sessionSecret
    ? sessionManager(sessionSecret, lifecycle.store, now, log, transport)
    : undefined;
  const record = (event: Omit<AuditEvent, "time">) =>
    lifecycle.store.appendAudit({ ...event, time: new Date(now()).toISOString() });
  // Token sign-ins and OpenID Connect callbacks count their failures together.
  const throttle = new SignInThrottle(
    DEFAULT_THROTTLE_LIMITS,
    now,
    auditSignInFailures((event) => lifecycle.store.appendAudit(event), log),
  );
  const shell: PageShell = {
    links,
    viewerOf: async (c: Context) => {
      const session = await sessions?.read(c);
      const can = await grantsOf(session, lifecycle.store);
      return session ? { session, can } : { can };
    },
    refused: (session, path, permission) => record(refusalEvent(session, path, permission)),
  };
  app.route(
    "/admin",
    adminApp({
      registry,
      lifecycle,
      links,
      now,
      settings: settingsFacts(registry, lifecycle, options),
      log,
      dbt,
      configs,
      transport,
      throttle,
      ...(sessions ? { sessions } : {}),
      ...(options.oidc ? { oidcLabel: providerLabel(options.oidc) } : {}),
      ...adminToken(options),
    }),
  );
  if (options.oidc && sessions) {
    app.route(
      "/auth",
      oidcApp({ config: options.oidc, sessions, record, transport, log, failures: throttle }),
    );
  }
  const timeoutMs = options.pluginTimeoutMs;
  const pluginBodyMax = (options.pluginBodyMaxMb ??
    envNumber({}, "HONEYFRAME_PLUGIN_BODY_MAX_MB", { min: 1, max: 4096 })) *
    1024 * 1024;
  const storageQuota = (options.pluginStorageMb ?? readPluginStorageMb({})) * 1024 * 1024;
  const contexts = pluginContexts(
    configs,
    lifecycle.store,
    log,
    storageQuota,
    options.pluginScope,
    options.warehouses,
  );
  const frames = pluginFrames({
    registry,
    lifecycle,
    tokens,
    store: lifecycle.store,
    sessions,
    contexts,
    log,
    timeoutMs,
    pluginOrigin: options.pluginOrigin,
    publicUrl: options.publicUrl,
  });
  app.route("/frames", frames.app);
  app.route(
    "/plugins",
    pluginPagesApp(registry, lifecycle, shell, { timeoutMs, log, contexts, frames }),
  );
  app.route("/", homeApp(shell));
  app.route(
    "/dashboard",
    dashboardApp(registry, lifecycle, shell, { log, timeoutMs, contexts, frames }),
  );
  app.route("/assets/plugins", pluginAssetsApp(registry, lifecycle));
  const mount = (plugin: RegistryPlugin) => {
    // An isolated plugin's time limit is kept by its plugin process, which also stops its worker:
    // the host waits a little longer, only in case the plugin process itself stalls.
    const limit = options.pluginTimeoutMs;
    const timeoutMs = plugin.isolation === "worker" && limit !== undefined
      ? limit + ISOLATED_GRACE_MS
      : limit;
    // A framed plugin's API is called from its frame's opaque origin, with its token.
    const framed = frames.isFramed(plugin);
    if (framed) allowFrameCalls(app, plugin.name);
    mountPlugin(app, plugin, {
      lifecycle,
      host: hostFor(plugin.name, framed),
      timeoutMs,
      contexts,
    });
  };
  for (const plugin of registry.plugins) {
    if (plugin.status === "mounted" && !deferred?.has(plugin.name)) mount(plugin);
  }
  deferred?.listen({
    loaded: mount,
    failed: (plugin, problem) => {
      log.error(`plugin ${plugin} failed to start and is not served: ${problem.message}`, {
        plugin,
      });
      lifecycle.fault(plugin, problem).catch((error) =>
        log.error(`the failed start of plugin ${plugin} could not be audited`, { error })
      );
      const refuse = (c: Context) => {
        if (!lifecycle.isEnabled(plugin)) return c.notFound();
        throw new PluginNotStarted(plugin, problem);
      };
      app.all(`/api/${plugin}`, refuse).all(`/api/${plugin}/*`, refuse);
    },
  });

  app.notFound((c) =>
    c.json({ error: "not_found", message: `no route for ${c.req.method} ${c.req.path}` }, 404)
  );
  app.onError((error, c) => {
    const plugin = servingPlugin(c.req.raw);
    const where = `${c.req.method} ${c.req.path}`;
    const request_id = requestIdOf(c.req.raw);
    try {
      if (error instanceof BodyTooLarge) return tooLarge(error.maxSize);
      if (error instanceof PluginTimeout) {
        metrics.fail(error.plugin, "timeout");
        log.error(`plugin ${error.plugin} timed out on ${where}`, {
          request_id,
          plugin: error.plugin,
        });
        return c.json({
          error: "plugin_timeout",
          plugin: error.plugin,
          request_id,
          message: `the plugin ${error.plugin} did not answer within ${error.timeoutMs} ms`,
        }, 504);
      }
      if (error instanceof PluginNotStarted) {
        return c.json({
          error: "plugin_not_started",
          plugin: error.plugin,
          problem: error.problem.code,
          request_id,
          message: `the plugin ${error.plugin} failed to start; its error is in the server's log`,
        }, 500);
      }
      if (error instanceof PluginUnavailable) {
        metrics.fail(error.plugin, "unavailable");
        return c.json({
          error: "plugin_unavailable",
          plugin: error.plugin,
          request_id,
          message: error.message,
        }, 503);
      }
      if (error instanceof HTTPException) {
        const response = error.getResponse();
        return plugin ? pluginResponse(response) : response;
      }
      if (error instanceof StateUnavailable) {
        log.error(`the state store refused ${where}: ${error.message}`, { request_id });
        return c.json({
          error: "state_unavailable",
          request_id,
          message: "the state store is unavailable; try again later",
        }, 503);
      }
    } catch {
      // a thrown Proxy whose traps throw: treated as any other failure below
    }
    if (plugin) {
      // The plugin's error boundary: its name and the request id, nothing else, to the client;
      // the stack to the log.
      metrics.fail(plugin, "exception");
      log.error(`plugin ${plugin} failed on ${where}`, { request_id, plugin, error });
      return c.json({
        error: "plugin_error",
        plugin,
        request_id,
        message: `the plugin ${plugin} failed to handle the request`,
      }, 500);
    }
    log.error(`host failed on ${where}`, { request_id, error });
    return c.json(
      {
        error: "internal_error",
        request_id,
        message: "the server failed to handle the request",
      },
      500,
    );
  });
  // The front limits plugin bodies too; the host holds to the same limit behind any proxy.
  checkBeforeRouting(app, {
    plugins: new Set(registry.plugins.filter((p) => p.status === "mounted").map((p) => p.name)),
    pluginBodyMax,
    ...(deferred ? { waitFor: (plugin: string) => deferred.pending(plugin) } : {}),
  });
  observeRequests(app, { metrics, log, accessLog: options.accessLog ?? false });
  return app;
}

/**
 * Reads the plugins' settings before the first request that could need them, and again whenever the
 * shared state is read again (another instance may have changed them).
 */
function gateOnSettings(
  app: Hono,
  registry: Registry,
  configs: PluginConfigs,
  lifecycle: PluginLifecycle,
  log: Logger,
): void {
  // Nothing to read, and no middleware on every request, when no plugin declares a setting.
  if (!registry.plugins.some((plugin) => plugin.config !== undefined)) return;
  let loaded = false;
  const loading = configs.reload().then(
    () => void (loaded = true),
    (error) => log.error("the plugins' settings could not be read", { error }),
  );
  lifecycle.alsoReload(() => configs.reload());
  app.use("*", async (_c, next) => {
    if (!loaded) await loading;
    await next();
  });
}

/** How much longer than the plugin time limit the host waits for an isolated plugin's answer. */
const ISOLATED_GRACE_MS = 1_000;

/** dbt over the app's lifecycle, with the runner that needs nothing from the runtime. */
function defaultDbtService(
  registry: Registry,
  lifecycle: PluginLifecycle,
  config: DbtConfig = readDbtConfig({}),
  now: () => number,
  log: Logger,
): DbtService {
  const runner = configuredRunner(config);
  return new DbtService(registry, lifecycle, {
    config,
    now,
    log,
    ...(runner === undefined ? {} : { runner }),
  });
}

/** Always an own property, so that a missing token can never be read from a prototype. */
function adminToken(options: AppOptions): { adminToken: string | undefined } {
  return { adminToken: options.adminToken };
}

/** The non-secret facts the Settings page shows. */
function settingsFacts(
  registry: Registry,
  lifecycle: PluginLifecycle,
  options: AppOptions,
): [string, string][] {
  const count = (status: string) =>
    registry.plugins.filter((plugin) => plugin.status === status).length;
  return [
    ["Runtime", globalThis.navigator?.userAgent ?? "unknown"],
    [
      "Listening on",
      options.port === undefined
        ? "set by the runtime"
        : `${options.hostname ?? envOrDefault({}, "HOST")}:${options.port}`,
    ],
    [
      "Admin token",
      options.adminToken ? "configured (value hidden)" : "not configured: admin is closed",
    ],
    [
      "JWT secret",
      options.jwtSecret
        ? "configured (value hidden)"
        : "not configured: protected routes answer 401",
    ],
    [
      "State store",
      `${lifecycle.store.kind}${lifecycle.store.shared ? " (shared between instances)" : ""}`,
    ],
    ["Seed organisation", DEFAULT_ORG],
    ["Registry fingerprint", registry.fingerprint],
    [
      "Plugins",
      `${registry.plugins.length} discovered: ${count("mounted")} mounted, ${
        count("error")
      } with errors, ${count("shadowed")} shadowed`,
    ],
  ];
}
