/**
 * Requests whose path has a `.` or `..` segment are refused: URL parsers and proxies remove such
 * segments, Hono's router does not, so `/api/a/../_demo/ping` would reach plugin `a` while every
 * other layer thinks it is `_demo`'s. Clients that follow the URL standard never send them.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";

/** A `.` or `..` path segment, also percent-encoded. */
const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;

/**
 * Whether a path has a `.` or `..` segment (also percent-encoded).
 *
 * @param path The path.
 * @returns Whether it has one.
 * @example
 * ```ts
 * hasDotSegment("/api/a/../b"); // true
 * ```
 */
export function hasDotSegment(path: string): boolean {
  return DOT_SEGMENT.test(path);
}

/**
 * Answers 400 to a request whose raw path has a dot segment.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * new Hono().use("*", refuseDotSegments);
 * ```
 */
export const refuseDotSegments: MiddlewareHandler = async (c, next) => {
  const url = c.req.url;
  const start = url.indexOf("/", url.indexOf("://") + 3);
  const end = url.search(/[?#]/);
  const path = start < 0 ? "/" : url.slice(start, end < 0 ? undefined : end);
  if (hasDotSegment(path)) {
    return c.json({
      error: "bad_path",
      message: "the path has a `.` or `..` segment; send it resolved",
    }, 400);
  }
  return await next();
};
