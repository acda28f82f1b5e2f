/**
 * Mounting a plugin: its routes go into the host app with each handler guarded. A disabled plugin
 * answers 404 at once, the request is marked with the plugin's name (so the host's error handler
 * attributes a failure to it and logs the stack), and permission checks find the host context. Handlers are guarded one by one rather
 * than behind a shared middleware, so a plugin route costs one handler, as in a hand-written app.
 *
 * @module
 */
import type { Context, Handler, Next } from "hono";
import { Hono } from "hono";
import { mergePath } from "hono/utils/url";
import { ThrownValue } from "../log/mod.ts";
import { deferOwnMatcher } from "./deferred_matcher.ts";
import type { PluginLifecycle } from "./lifecycle.ts";
import { type HostContext, provideHostContext } from "./permissions.ts";
import type { PluginContexts } from "./context/plugin_contexts.ts";
import { SESSION_COOKIE } from "./admin/session.ts";
import { carryRequestId, originalRequest } from "./observe.ts";
import { requestMark } from "./request_marks.ts";
import { copyRequest } from "./request_url.ts";
import { withinTime } from "./time_limit.ts";
import type { RegistryPlugin } from "./registry.ts";

/** The plugin whose handler serves each request (keyed by the request the server received). */
const servedBy = requestMark<string>("servedBy");

type RouteHandler = (c: Context, next: Next) => unknown;

/** What a mounted plugin's handlers need from the host. */
export interface MountOptions {
  /** Whether the plugin is enabled. */
  readonly lifecycle: PluginLifecycle;
  /** What permission checks need. */
  readonly host: HostContext;
  /** How long one handler may take; unlimited when absent. */
  readonly timeoutMs?: number | undefined;
  /**
   * The plugin's context on a request (`pluginContext(c)`), and its required settings that have no
   * value (it answers 503 until they have).
   */
  readonly contexts?: PluginContexts;
}

/** A plugin handler that did not answer within the time limit (the host answers 504). */
export class PluginTimeout extends Error {
  /**
   * @param plugin The plugin.
   * @param timeoutMs The limit it exceeded.
   */
  constructor(readonly plugin: string, readonly timeoutMs: number) {
    super(`the plugin ${plugin} did not answer within ${timeoutMs} ms`);
    this.name = "PluginTimeout";
  }
}

/**
 * Mounts one plugin's routes on the host app under `/api/<name>`, each handler guarded. The routes
 * go straight into the host app (as `app.route()` would place them), with no app in between.
 *
 * @param app The host app.
 * @param plugin The mounted plugin.
 * @param options Lifecycle, host context and time limit.
 */
export function mountPlugin(app: Hono, plugin: RegistryPlugin, options: MountOptions): void {
  const prefix = mergePath("/", `/api/${plugin.name}`);
  const serving = servingOf(plugin.name, options);
  for (const router of plugin.routers) {
    for (const route of routesOf(router.app as Hono)) {
      const handler = guard(serving, route.handler as RouteHandler);
      app.on(route.method, mergePath(prefix, route.path), handler);
    }
    deferOwnMatcher(router.app as Hono);
  }
}

/**
 * The plugin whose handler is serving a request, if any.
 *
 * @param request The request as the server received it (`c.req.raw`).
 * @returns The plugin name.
 */
export function servingPlugin(request: Request): string | undefined {
  return servedBy.get(originalRequest(request));
}

/** Hono keeps an app's `onError` handler in a field its types mark private. */
function errorHandlerOf(app: Hono): unknown {
  return (app as unknown as { errorHandler: unknown }).errorHandler;
}

const DEFAULT_ERROR_HANDLER = errorHandlerOf(new Hono());

/** A router's routes as `app.route()` would mount them (wrapped by its own error handler, if any). */
function routesOf(router: Hono) {
  return errorHandlerOf(router) === DEFAULT_ERROR_HANDLER
    ? router.routes
    : new Hono().route("/", router).routes;
}

/** What all the handlers of one plugin share (made once per plugin, not per route). */
interface Serving {
  readonly name: string;
  readonly lifecycle: PluginLifecycle;
  readonly timeoutMs: number | undefined;
  readonly contexts: PluginContexts | undefined;
  readonly host: HostContext;
}

function servingOf(name: string, options: MountOptions): Serving {
  const { lifecycle, timeoutMs, contexts } = options;
  const host: HostContext = contexts
    ? { ...options.host, context: (request) => contexts.context(name, request) }
    : options.host;
  return { name, lifecycle, timeoutMs, contexts, host };
}

function guard(serving: Serving, handler: RouteHandler): Handler {
  return ((c: Context, next: Next) => {
    const { name, lifecycle, timeoutMs, contexts, host } = serving;
    if (!lifecycle.isEnabled(name)) return c.notFound();
    const missing = contexts?.missing(name);
    if (missing?.length) {
      return c.json({
        error: "plugin_not_configured",
        plugin: name,
        missing,
        message: `the plugin ${name} needs its settings: ${missing.join(", ")}`,
      }, 503);
    }
    // The host's cookies (the session) are the host's: no plugin reads them.
    const request = withoutHostCookies(c.req.raw);
    if (request !== c.req.raw) {
      carryRequestId(c.req.raw, request);
      c.req.raw = request;
    }
    servedBy.set(originalRequest(c.req.raw), name);
    provideHostContext(c, host);
    let result: unknown;
    try {
      result = contexts
        ? contexts.within(name, c.req.raw, () => handler(c, next))
        : handler(c, next);
    } catch (thrown) {
      throw asError(thrown);
    }
    if (!(result instanceof Promise)) {
      return result instanceof Response ? pluginResponse(result) : result;
    }
    const settled = result.then(
      (value: unknown) => value instanceof Response ? pluginResponse(value) : value,
      (thrown: unknown) => {
        throw asError(thrown);
      },
    );
    // A request whose client went away settles at once, so the server can release its connection
    // even if the handler never does.
    return timeoutMs === undefined ? settled : withinTime(
      settled,
      timeoutMs,
      () => new PluginTimeout(name, timeoutMs),
      c.req.raw.signal,
    );
  }) as Handler;
}

/**
 * The prefix of the host's own cookies (`hf_session`, `hf_oidc`, …): a plugin response may not set
 * any cookie whose name, as a browser reads it, starts with it (it could otherwise fix or replace an
 * admin's session).
 */
const HOST_COOKIE_PREFIX = SESSION_COOKIE.slice(0, SESSION_COOKIE.indexOf("_") + 1);

/**
 * Whether a `Set-Cookie` value names one of the host's cookies: the name is compared as browsers
 * end up storing it — whitespace around it trimmed (`hf_session =x`, a tab before `=`), case
 * folded, and the `__Host-`/`__Secure-` prefixes taken off.
 */
function isHostCookie(setCookie: string): boolean {
  const equals = setCookie.indexOf("=");
  if (equals < 0) return false; // a nameless cookie: its value is not a name
  const name = setCookie.slice(0, equals).trim().toLowerCase().replace(/^(__(host|secure)-)+/, "");
  return name.startsWith(HOST_COOKIE_PREFIX);
}

/**
 * The request without the host's cookies in its `Cookie` header (the same request when it has
 * none), so that no plugin sees the session.
 *
 * @param request The request.
 * @returns It, or a copy whose `Cookie` keeps only the other cookies.
 */
function withoutHostCookies(request: Request): Request {
  const cookie = request.headers.get("Cookie");
  if (cookie === null) return request;
  const pairs = cookie.split(";");
  const kept = pairs.filter((pair) => !isHostCookie(pair));
  if (kept.length === pairs.length) return request;
  const headers = new Headers(request.headers);
  if (kept.some((pair) => pair.trim() !== "")) headers.set("Cookie", kept.join(";").trim());
  else headers.delete("Cookie");
  return copyRequest(request, { headers });
}

/** Plugin API answers are data: no sniffing into HTML, no script on the admin UI's origin. */
const PLUGIN_API_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";

/**
 * A plugin's response as the host sends it: `X-Content-Type-Options: nosniff`, a restrictive CSP
 * unless the plugin set its own, and no `Set-Cookie` of the host's cookies.
 *
 * @param response What the plugin answered.
 * @returns The response to send (the same object when its headers can be changed in place).
 */
export function pluginResponse(response: Response): Response {
  try {
    secureHeaders(response.headers);
    return response;
  } catch {
    // immutable headers (a fetch() response passed through): copy them
    const copy = new Response(response.body, response);
    secureHeaders(copy.headers);
    return copy;
  }
}

function secureHeaders(headers: Headers): void {
  headers.set("X-Content-Type-Options", "nosniff");
  if (!headers.has("Content-Security-Policy")) {
    headers.set("Content-Security-Policy", PLUGIN_API_CSP);
  }
  const cookies = headers.getSetCookie();
  if (!cookies.some(isHostCookie)) return;
  headers.delete("Set-Cookie");
  for (const cookie of cookies) {
    if (!isHostCookie(cookie)) headers.append("Set-Cookie", cookie);
  }
}

/** Hono's error handlers only see `Error`s: anything else thrown (a Proxy too) is wrapped. */
function asError(thrown: unknown): Error {
  try {
    if (thrown instanceof Error && Object.getPrototypeOf(thrown) !== null) return thrown;
  } catch {
    // a Proxy whose traps throw
  }
  return new ThrownValue(thrown);
}
