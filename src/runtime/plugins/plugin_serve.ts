/**
 * An isolated plugin served where it runs, whatever carries its requests (a worker's messages, or
 * a Worker's service binding): its routers under `/api/<name>` with the host's permission checks,
 * and its pages, blocks and health checks as plain-data calls.
 *
 * @module
 */
import { Hono } from "hono";
import { jsx } from "hono/jsx";
import { type HostContext, provideHostContext } from "../permissions.ts";
import type { HealthCheck, LoadedPlugin, PluginPage } from "../mod.ts";
import type { PluginContext } from "../context/plugin_context.ts";

/** The plugin an isolated bundle serves: its name and label, and its imported code. */
export interface WorkerPlugin extends LoadedPlugin {
  /** The plugin's name. */
  readonly name: string;
  /** Its label (given to pages and blocks). */
  readonly display_name: string;
}

/** A failure of the plugin's code, for the log: what it was and where. */
export interface PluginFailure {
  /** `Name: message`. */
  readonly message: string;
  /** Its stack, when it has one. */
  readonly stack?: string;
}

/**
 * The plugin's routers under `/api/<name>`, as the host would mount them in process.
 *
 * @param plugin The plugin.
 * @param hostOf The host's side of a request's permission checks.
 * @param failed Told of each failure of the plugin's code, once.
 * @returns The app (it rethrows a failure, which its caller answers).
 */
export function pluginApp(
  plugin: WorkerPlugin,
  hostOf: (request: Request) => HostContext | undefined,
  failed: (failure: PluginFailure) => void,
): Hono {
  const app = new Hono();
  app.use("*", (c, next) => {
    const host = hostOf(c.req.raw);
    if (host) provideHostContext(c, host);
    return next();
  });
  for (const router of plugin.routers) app.route(`/api/${plugin.name}`, router.app as Hono);
  // Hono hands an error to the handler of every app it passes through: it is reported once.
  const reported = new WeakSet<object>();
  app.onError((error) => {
    if (typeof error === "object" && error !== null && !reported.has(error)) {
      reported.add(error);
      const stack = stackOf(error);
      failed({ message: describe(error), ...(stack ? { stack } : {}) });
    }
    throw error;
  });
  return app;
}

/**
 * A page, block or health call: plain data in, plain data out.
 *
 * @param plugin The plugin.
 * @param call `{ kind: "page", path, url }`, `{ kind: "block", block }` or `{ kind: "health",
 * index }`.
 * @param context The plugin's context for a page or block (`props.context`).
 * @returns The HTML, or the health report.
 */
export async function callPlugin(
  plugin: WorkerPlugin,
  call: Readonly<Record<string, unknown>>,
  context?: PluginContext,
): Promise<unknown> {
  const about = { name: plugin.name, display_name: plugin.display_name };
  if (call.kind === "page") {
    const path = String(call.path);
    const page: PluginPage | undefined = Object.hasOwn(plugin.pages, path)
      ? plugin.pages[path]
      : undefined;
    if (!page) throw new Error(`the plugin has no page ${path}`);
    const component = typeof page === "function" ? page : page.component;
    return String(
      await jsx(component, { plugin: about, path, url: new URL(String(call.url)), context })
        .toString(),
    );
  }
  if (call.kind === "block") {
    const id = String(call.block);
    const block = plugin.blocks && Object.hasOwn(plugin.blocks, id) ? plugin.blocks[id] : undefined;
    if (!block) throw new Error(`the plugin has no block ${id}`);
    return String(await jsx(block.component, { plugin: about, context }).toString());
  }
  if (call.kind === "health") {
    const check: HealthCheck | undefined = plugin.health[Number(call.index)];
    if (!check) throw new Error(`the plugin has no health check ${String(call.index)}`);
    return await check();
  }
  throw new Error(`unknown call ${String(call.kind)}`);
}

/**
 * A thrown value, described without trusting it.
 *
 * @param error What was thrown.
 * @returns `Name: message`, or what it is as a string.
 */
export function describe(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return "a value that cannot be described was thrown";
  }
}

function stackOf(error: unknown): string | undefined {
  try {
    return error instanceof Error ? error.stack : undefined;
  } catch {
    return undefined;
  }
}
