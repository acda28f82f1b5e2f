/**
 * One plugin's routers behind an error boundary and an on/off switch: a disabled plugin answers
 * 404 at once; a failure becomes a 500 that names the plugin (nothing else) and is logged with its
 * stack; the plugin's middleware stays inside its prefix; permission checks find the host context.
 *
 * @module
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { type errorLogger, ThrownValue } from "./error_log.ts";
import type { PluginLifecycle } from "./lifecycle.ts";
import { type HostContext, provideHostContext } from "./permissions.ts";
import type { RegistryPlugin } from "./registry.ts";

/**
 * The app to mount at `/api/<name>` for one plugin.
 *
 * @param plugin The mounted plugin.
 * @param lifecycle Whether it is enabled.
 * @param host What permission checks need.
 * @param logFailure Where failures are logged.
 * @returns The plugin's scope.
 */
export function pluginScope(
  plugin: RegistryPlugin,
  lifecycle: PluginLifecycle,
  host: HostContext,
  logFailure: ReturnType<typeof errorLogger>,
): Hono {
  const scope = new Hono();
  scope.use("*", async (c, next) => {
    if (!lifecycle.isEnabled(plugin.name)) return c.notFound();
    provideHostContext(c, host);
    try {
      await next();
    } catch (thrown) {
      throw thrown instanceof Error ? thrown : new ThrownValue(thrown);
    }
    return undefined;
  });
  for (const router of plugin.routers) scope.route("/", router.app as Hono);
  scope.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    logFailure(`plugin ${plugin.name} failed on ${c.req.method} ${c.req.path}`, error);
    return c.json({
      error: "plugin_error",
      plugin: plugin.name,
      message: `the plugin ${plugin.name} failed to handle the request`,
    }, 500);
  });
  return scope;
}
