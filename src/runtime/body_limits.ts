/**
 * Size limits on the request bodies the host itself reads (sign-in and admin forms, admin JSON),
 * enforced before the body is read: a larger one is refused with 413 as soon as its
 * `Content-Length`, or its streamed bytes, pass the limit. Plugin routes read their own bodies.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

/** The largest form the admin UI accepts (sign-in, enable/disable, sign-out), in bytes. */
export const FORM_BODY_LIMIT = 4 * 1024;

/** The largest JSON body the admin API accepts, in bytes. */
export const JSON_BODY_LIMIT = 64 * 1024;

/**
 * Middleware refusing bodies over `maxSize` bytes with `413 {"error":"body_too_large"}`.
 *
 * @param maxSize The limit in bytes.
 * @returns The middleware.
 * @example
 * ```ts
 * import { Hono } from "hono";
 * new Hono().use("*", limitBody(FORM_BODY_LIMIT)).post("/sign-in", (c) => c.text("ok"));
 * ```
 */
export function limitBody(maxSize: number): MiddlewareHandler {
  return bodyLimit({
    maxSize,
    onError: (c) =>
      c.json({
        error: "body_too_large",
        message: `the request body is larger than ${maxSize} bytes`,
      }, 413),
  });
}
