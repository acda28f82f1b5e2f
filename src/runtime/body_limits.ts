/**
 * Size limits on the request bodies the host itself reads (sign-in and admin forms, admin JSON),
 * enforced before the body is read: a larger one is refused with 413 as soon as its
 * `Content-Length`, or its streamed bytes, pass the limit. Plugin routes read their own bodies,
 * held to the plugin body limit ({@link limitedBody}).
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { copyRequest } from "./request_url.ts";

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
    onError: () => tooLarge(maxSize),
  });
}

/** A request body passed its limit while it was read (the host answers 413). */
export class BodyTooLarge extends Error {
  /** `BodyTooLarge`. */
  override name = "BodyTooLarge";

  /** @param maxSize The limit in bytes. */
  constructor(readonly maxSize: number) {
    super(`the request body is larger than ${maxSize} bytes`);
  }
}

/**
 * Holds a request's body to `maxSize` bytes without reading it: a declared larger one is refused
 * at once, and a streamed one fails with {@link BodyTooLarge} when its reader passes the limit.
 *
 * @param request The request.
 * @param maxSize The limit in bytes.
 * @returns The request itself (no body, or a declared length within the limit), a copy whose body
 * stops at the limit, or the 413 answer.
 * @example
 * ```ts
 * const request = new Request("http://h/", { method: "POST", body: "x".repeat(10) });
 * (limitedBody(request, 4) as Response).status; // 413
 * ```
 */
export function limitedBody(request: Request, maxSize: number): Request | Response {
  if (request.body === null) return request;
  const declared = request.headers.get("Content-Length");
  if (declared !== null && !request.headers.has("Transfer-Encoding")) {
    return Number(declared) > maxSize ? tooLarge(maxSize) : request;
  }
  let seen = 0;
  const counted = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxSize) controller.error(new BodyTooLarge(maxSize));
        else controller.enqueue(chunk);
      },
    }),
  );
  return copyRequest(request, { body: counted, duplex: "half" } as RequestInit);
}

/**
 * The 413 answer to a body over its limit.
 *
 * @param maxSize The limit in bytes.
 * @returns `413 {"error":"body_too_large"}`.
 */
export function tooLarge(maxSize: number): Response {
  return Response.json({
    error: "body_too_large",
    message: `the request body is larger than ${maxSize} bytes`,
  }, { status: 413 });
}
