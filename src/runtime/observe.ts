/**
 * What the host sees of every request: an `X-Request-Id` on every response (a sane incoming one is
 * kept), the per-plugin metrics, and the access log line. Done around the app's `fetch` rather
 * than in a middleware, so that a plugin route stays one handler with no compose in front of it.
 *
 * @module
 */
import type { Hono } from "hono";
import type { Logger } from "../log/mod.ts";
import type { PluginMetrics } from "./metrics.ts";
import { servingPlugin } from "./plugin_mount.ts";
import { requestMark } from "./request_marks.ts";

/** The longest incoming `X-Request-Id` kept (letters, digits, `_`, `-`, `=`); others are replaced. */
export const MAX_REQUEST_ID_LENGTH = 128;

const SANE_REQUEST_ID = /^[\w\-=]+$/;

/** What {@link observeRequests} records into. */
export interface ObserveOptions {
  /** The per-plugin counters. */
  readonly metrics: PluginMetrics;
  /** The log. */
  readonly log: Logger;
  /** Whether every request gets an access log line. */
  readonly accessLog: boolean;
}

/** Each request's id, by the request the server received. */
const requestIds = requestMark<string>("requestId");

/** The request the server received, by each copy the host made of it. */
const originals = new WeakMap<Request, Request>();

/**
 * Wraps `app.fetch` (which `app.request` uses too): each request gets its id, and each response
 * its `X-Request-Id`, a metrics sample when a plugin served it, and an access log line.
 *
 * @param app The host app.
 * @param options Metrics, log and whether to write access lines.
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { createLogger } from "../log/mod.ts";
 * import { PluginMetrics } from "./metrics.ts";
 * const app = new Hono().get("/", (c) => c.text("hi"));
 * observeRequests(app, { metrics: new PluginMetrics(), log: createLogger(), accessLog: false });
 * (await app.request("/")).headers.has("X-Request-Id"); // true
 * ```
 */
export function observeRequests(app: Hono, options: ObserveOptions): void {
  const { metrics, log, accessLog } = options;
  const inner = app.fetch;
  const nextId = requestIdGenerator();
  app.fetch = (request, env, context) => {
    const started = performance.now();
    const incoming = request.headers.get("X-Request-Id");
    const id = incoming && incoming.length <= MAX_REQUEST_ID_LENGTH &&
        SANE_REQUEST_ID.test(incoming)
      ? incoming
      : nextId();
    requestIds.set(request, id);
    const finish = (answer: Response): Response => {
      const response = withHeader(answer, "X-Request-Id", id);
      const plugin = servingPlugin(request);
      const seconds = (performance.now() - started) / 1000;
      if (plugin) metrics.observe(plugin, response.status, seconds);
      if (accessLog) {
        const path = new URL(request.url).pathname;
        log.info(`${request.method} ${path} ${response.status}`, {
          request_id: id,
          method: request.method,
          path,
          status: response.status,
          duration_ms: Math.round(seconds * 100_000) / 100,
          plugin,
        });
      }
      return response;
    };
    // A handler that answers at once stays synchronous: servers send such responses faster.
    const answer = inner(request, env, context);
    return answer instanceof Response ? finish(answer) : answer.then(finish);
  };
}

/**
 * The id of a request being served.
 *
 * @param request The request as the server received it (`c.req.raw`), or a copy the host made.
 * @returns The id (also in the response's `X-Request-Id`).
 */
export function requestIdOf(request: Request): string | undefined {
  return requestIds.get(originalRequest(request));
}

/**
 * Ties a copy of a request to the request it was made from (the host hands plugins a copy without
 * its cookies, or with its body limited): the copy has its id, and its original's metrics.
 *
 * @param original The request it was made from.
 * @param copy The copy.
 */
export function carryRequestId(original: Request, copy: Request): void {
  originals.set(copy, originalRequest(original));
}

/**
 * The request the server received, for a copy the host made of it.
 *
 * @param request The request or a copy.
 * @returns The request the server received (itself, when it is not a copy).
 */
export function originalRequest(request: Request): Request {
  return originals.get(request) ?? request;
}

/**
 * Unique ids, cheap to make: a random prefix per app (so ids from different instances differ) and
 * a counter.
 */
function requestIdGenerator(): () => string {
  const prefix = crypto.randomUUID().slice(0, 13);
  let count = 0;
  return () => `${prefix}-${(++count).toString(36).padStart(6, "0")}`;
}

/** Sets a header, copying the response when its headers are immutable. */
function withHeader(response: Response, name: string, value: string): Response {
  try {
    response.headers.set(name, value);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    copy.headers.set(name, value);
    return copy;
  }
}
