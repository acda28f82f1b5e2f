/**
 * Who is calling: the client's IP address as each runtime reports it, for per-client limits.
 *
 * @module
 */
import type { Context } from "hono";

/**
 * The client address of a request: the Deno adapter's `remoteAddr` (the real client behind the
 * connection guard), Node's socket address, or Cloudflare's `CF-Connecting-IP` on Workers.
 *
 * @param c The request context.
 * @returns The address, or `unknown` when the runtime does not say (in-process tests).
 * @example
 * ```ts
 * import { Hono } from "hono";
 * new Hono().get("/me", (c) => c.text(clientAddress(c)));
 * ```
 */
export function clientAddress(c: Context): string {
  const env = c.env as {
    remoteAddr?: { hostname?: unknown };
    incoming?: { socket?: { remoteAddress?: unknown } };
  } | undefined;
  const address = env?.remoteAddr?.hostname ?? env?.incoming?.socket?.remoteAddress ??
    c.req.header("CF-Connecting-IP");
  return typeof address === "string" && address !== "" ? address : "unknown";
}
