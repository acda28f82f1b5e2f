/**
 * Admin authentication for the JSON API: `Authorization: Bearer <token>`, compared in constant
 * time. With no token configured, admin surfaces are closed, never open.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { bearerToken } from "../bearer_token.ts";
import { sameSecret } from "../secrets.ts";

/**
 * Middleware that lets a request through only with the admin bearer token (or, where given, a
 * second token that opens this surface only, such as the metrics token).
 *
 * @param adminToken The configured token; `undefined` or empty closes the surface to everyone.
 * @param surfaceToken A token accepted here besides the admin token.
 * @returns A Hono middleware answering 401 (with `WWW-Authenticate`) and a JSON body otherwise.
 * @example
 * ```ts
 * import { Hono } from "hono";
 * new Hono().get("/api/plugins", requireAdmin("an-admin-token-16+"), (c) => c.json({}));
 * ```
 */
export function requireAdmin(
  adminToken: string | undefined,
  surfaceToken?: string,
): MiddlewareHandler {
  // An array literal and a counted loop: no Array method a plugin could have replaced (`filter`,
  // `includes`, `some`, an index setter) decides who is admin.
  const accepted = [adminToken, surfaceToken];
  const configured = !!adminToken || !!surfaceToken;
  return async (c, next) => {
    const presented = bearerToken(c.req.header("Authorization"));
    if (presented !== undefined) {
      for (let index = 0; index < accepted.length; index++) {
        const token = accepted[index];
        if (token && await sameSecret(presented, token) === true) return await next();
      }
    }
    c.header("WWW-Authenticate", 'Bearer realm="honeyframe-admin"');
    return c.json(
      {
        error: "unauthorized",
        message: configured
          ? "a valid admin bearer token is required"
          : "admin access is disabled: no admin token is configured",
      },
      401,
    );
  };
}
