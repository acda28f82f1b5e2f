/**
 * Admin authentication: `Authorization: Bearer <token>` compared in constant time. With no token
 * configured, admin surfaces are closed, never open.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";

/**
 * Middleware that lets a request through only with the admin bearer token.
 *
 * @param adminToken The configured token; `undefined` or empty closes the surface to everyone.
 * @returns A Hono middleware answering 401 with a JSON body otherwise.
 * @example
 * ```ts
 * app.get("/api/plugins", requireAdmin(config.adminToken), (c) => c.json({}));
 * ```
 */
export function requireAdmin(adminToken: string | undefined): MiddlewareHandler {
  const expected = adminToken ? digest(adminToken) : undefined;
  return async (c, next) => {
    const presented = /^Bearer (.+)$/i.exec(c.req.header("Authorization") ?? "")?.[1];
    if (
      expected && presented !== undefined && equalBytes(await expected, await digest(presented))
    ) {
      return await next();
    }
    c.header("WWW-Authenticate", 'Bearer realm="honeyframe-admin"');
    return c.json(
      {
        error: "unauthorized",
        message: expected
          ? "a valid admin bearer token is required"
          : "admin access is disabled: no admin token is configured",
      },
      401,
    );
  };
}

/** Hashing first makes the comparison length-independent; the loop below never exits early. */
async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  for (let index = 0; index < a.length; index++) difference |= a[index]! ^ (b[index] ?? 0);
  return difference === 0;
}
