/**
 * Requests whose path has a `.` or `..` segment are refused: URL parsers and proxies remove such
 * segments, Hono's router does not, so `/api/a/../_demo/ping` would reach plugin `a` while every
 * other layer thinks it is `_demo`'s. Clients that follow the URL standard never send them.
 *
 * @module
 */
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
 * The raw path of a request URL, as the client sent it (the URL parser would resolve dot segments).
 *
 * @param url The request's URL.
 * @returns Its path, without query or fragment.
 * @example
 * ```ts
 * rawPath("http://h/api/a/../b?x=1"); // "/api/a/../b"
 * ```
 */
export function rawPath(url: string): string {
  const start = url.indexOf("/", url.indexOf("://") + 3);
  const end = url.search(/[?#]/);
  return start < 0 ? "/" : url.slice(start, end < 0 ? undefined : end);
}
