/**
 * What the host sees of every request: an `X-Request-Id` on every response (a sane incoming one is
 * kept), the per-plugin metrics, and the access log line.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { requestId } from "hono/request-id";
import type { Logger } from "../log/mod.ts";
import type { PluginMetrics } from "./metrics.ts";
import { servingPlugin } from "./plugin_mount.ts";

/** The longest incoming `X-Request-Id` kept (letters, digits, `_`, `-`, `=`); others are replaced. */
export const MAX_REQUEST_ID_LENGTH = 128;

/** What {@link observeRequests} records into. */
export interface ObserveOptions {
  /** The per-plugin counters. */
  readonly metrics: PluginMetrics;
  /** The log. */
  readonly log: Logger;
  /** Whether every request gets an access log line. */
  readonly accessLog: boolean;
}

/**
 * The middleware pair every request passes first: the request id, then the measurement.
 *
 * @param options Metrics, log and whether to write access lines.
 * @returns The two middlewares, in order.
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { createLogger } from "../log/mod.ts";
 * import { PluginMetrics } from "./metrics.ts";
 * const app = new Hono();
 * app.use(...observeRequests({ metrics: new PluginMetrics(), log: createLogger(), accessLog: true }));
 * ```
 */
export function observeRequests(options: ObserveOptions): MiddlewareHandler[] {
  const { metrics, log, accessLog } = options;
  const measure: MiddlewareHandler = async (c, next) => {
    const started = performance.now();
    await next();
    const plugin = servingPlugin(c);
    const seconds = (performance.now() - started) / 1000;
    if (plugin) metrics.observe(plugin, c.res.status, seconds);
    if (accessLog) {
      log.info(`${c.req.method} ${c.req.path} ${c.res.status}`, {
        request_id: requestIdOf(c),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        duration_ms: Math.round(seconds * 100_000) / 100,
        plugin,
      });
    }
  };
  return [requestId({ limitLength: MAX_REQUEST_ID_LENGTH }), measure];
}

/**
 * The id of the request being served.
 *
 * @param c The request context.
 * @returns The id (also in the response's `X-Request-Id`).
 */
export function requestIdOf(c: Context): string | undefined {
  return c.get("requestId");
}
