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
import { ThrownValue } from "./error_log.ts";
import type { PluginLifecycle } from "./lifecycle.ts";
import { type HostContext, provideHostContext } from "./permissions.ts";
import type { RegistryPlugin } from "./registry.ts";

const PLUGIN_KEY = "honeyframe.plugin";

declare module "hono" {
  interface ContextVariableMap {
    /** The plugin whose handler serves the request. */
    [PLUGIN_KEY]: string;
  }
}

type RouteHandler = (c: Context, next: Next) => unknown;

/**
 * Mounts one plugin's routes on the host app under `/api/<name>`, each handler guarded. The routes
 * go straight into the host app (as `app.route()` would place them), with no app in between.
 *
 * @param app The host app.
 * @param plugin The mounted plugin.
 * @param lifecycle Whether it is enabled.
 * @param host What permission checks need.
 */
export function mountPlugin(
  app: Hono,
  plugin: RegistryPlugin,
  lifecycle: PluginLifecycle,
  host: HostContext,
): void {
  const prefix = mergePath("/", `/api/${plugin.name}`);
  for (const router of plugin.routers) {
    for (const route of routesOf(router.app as Hono)) {
      const handler = guard(plugin.name, lifecycle, host, route.handler as RouteHandler);
      app.on(route.method, mergePath(prefix, route.path), handler);
    }
  }
}

/**
 * The plugin whose handler is serving this request, if any.
 *
 * @param c The request context.
 * @returns The plugin name.
 */
export function servingPlugin(c: Context): string | undefined {
  return c.get(PLUGIN_KEY);
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

function guard(
  name: string,
  lifecycle: PluginLifecycle,
  host: HostContext,
  handler: RouteHandler,
): Handler {
  return ((c: Context, next: Next) => {
    if (!lifecycle.isEnabled(name)) return c.notFound();
    c.set(PLUGIN_KEY, name);
    provideHostContext(c, host);
    let result: unknown;
    try {
      result = handler(c, next);
    } catch (thrown) {
      throw asError(thrown);
    }
    return result instanceof Promise
      ? result.catch((thrown: unknown) => {
        throw asError(thrown);
      })
      : result;
  }) as Handler;
}

/** Hono's error handlers only see `Error`s: anything else thrown is wrapped. */
function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new ThrownValue(thrown);
}
