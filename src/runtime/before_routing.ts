/**
 * What is checked on every request before it is routed: a path with a `.` or `..` segment is
 * refused, a plugin route's body is held to the plugin body limit, and a request to a plugin whose
 * code is being imported on first use waits for it (its routes are added then). Done around the app's
 * `fetch` rather than in middleware, so that a plugin route stays one handler (Hono's fast path,
 * with no compose in front of it, synchronous when the plugin's handler is): a request that spans
 * no `await` leaves nothing behind for the garbage collector to promote under load.
 *
 * @module
 */
import type { Hono } from "hono";
import { limitedBody } from "./body_limits.ts";
import { hasDotSegment, rawPath } from "./dot_segments.ts";
import { carryRequestId } from "./observe.ts";

/** What {@link checkBeforeRouting} needs. */
export interface BeforeRoutingOptions {
  /** The mounted plugins' names (their routes are under `/api/<name>/`). */
  readonly plugins: ReadonlySet<string>;
  /** The largest body a plugin route takes, in bytes. */
  readonly pluginBodyMax: number;
  /**
   * What a request to a plugin waits for before it is routed (its code being imported on first
   * use), if anything.
   */
  readonly waitFor?: (plugin: string) => Promise<unknown> | undefined;
}

/**
 * Wraps `app.fetch` (and so `app.request`) with the checks.
 *
 * @param app The host app.
 * @param options The mounted plugins and their body limit.
 * @example
 * ```ts
 * import { Hono } from "hono";
 * const app = new Hono().post("/api/crm/notes", (c) => c.text("ok"));
 * checkBeforeRouting(app, { plugins: new Set(["crm"]), pluginBodyMax: 4 });
 * (await app.request("/api/crm/notes", { method: "POST", body: "too long" })).status; // 413
 * ```
 */
export function checkBeforeRouting(app: Hono, options: BeforeRoutingOptions): void {
  const inner = app.fetch;
  app.fetch = (request, env, context) => {
    const path = rawPath(request.url);
    if (hasDotSegment(path)) {
      return Response.json({
        error: "bad_path",
        message: "the path has a `.` or `..` segment; send it resolved",
      }, { status: 400 });
    }
    const plugin = path.startsWith("/api/") ? path.split("/", 3)[2] : undefined;
    if (plugin === undefined || !options.plugins.has(plugin)) return inner(request, env, context);
    const route = () => {
      if (request.body === null) return inner(request, env, context);
      const limited = limitedBody(request, options.pluginBodyMax);
      if (limited instanceof Response) return limited;
      if (limited !== request) carryRequestId(request, limited);
      return inner(limited, env, context);
    };
    const waiting = options.waitFor?.(plugin);
    return waiting ? waiting.then(route) : route();
  };
}
