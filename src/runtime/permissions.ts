/**
 * Permission checks for plugin routes: `requirePermission("customer.read")` verifies the caller's
 * JWT (HS256, `HONEYFRAME_JWT_SECRET`, claims `org` and `groups`) and checks that one of its groups
 * in that organisation grants the permission. 401 without a valid token, 403 without the permission.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { verify } from "hono/jwt";
import { bearerToken } from "./bearer_token.ts";

/** What the host gives permission checks, on every plugin request. */
export interface HostContext {
  /** The JWT secret; without one, no token is valid. */
  readonly jwtSecret?: string;
  /** The permissions that `groups` grant in `org`. */
  permissionsOf(org: string, groups: readonly string[]): Promise<ReadonlySet<string>>;
}

/** Who a verified token speaks for. */
export interface Principal {
  /** The organisation (`org` claim). */
  readonly org: string;
  /** The groups (`groups` claim). */
  readonly groups: readonly string[];
  /** The subject (`sub` claim), when present. */
  readonly subject?: string;
}

const HOST_KEY = "honeyframe.host";
const PRINCIPAL_KEY = "honeyframe.principal";

declare module "hono" {
  interface ContextVariableMap {
    /** What the host gives permission checks (set on every plugin request). */
    [HOST_KEY]: HostContext;
    /** The principal a permission check verified. */
    [PRINCIPAL_KEY]: Principal;
  }
}

/**
 * Makes the host context available to the permission checks of one request (the host does this).
 *
 * @param c The request context.
 * @param host The host context.
 */
export function provideHostContext(c: Context, host: HostContext): void {
  c.set(HOST_KEY, host);
}

/**
 * The principal a permission check verified for this request, if any.
 *
 * @param c The request context.
 * @returns The principal.
 * @example
 * ```ts
 * import { Hono } from "hono";
 * new Hono().get("/me", requirePermission("demo.read"), (c) => c.json(principalOf(c) ?? null));
 * ```
 */
export function principalOf(c: Context): Principal | undefined {
  return c.get(PRINCIPAL_KEY);
}

/**
 * Middleware that lets a request through only with a valid JWT whose groups grant `permission`.
 *
 * @param permission The permission required, e.g. `customer.read`.
 * @returns The middleware.
 * @example
 * ```ts
 * import { Hono } from "hono";
 * export const router = new Hono()
 *   .get("/customers", requirePermission("customer.read"), (c) => c.json([]));
 * ```
 */
export function requirePermission(permission: string): MiddlewareHandler {
  return async (c, next) => {
    const host: HostContext | undefined = c.get(HOST_KEY);
    if (!host) {
      throw new Error("requirePermission() only works on routes mounted by the Honeyframe host");
    }
    const principal = await verifiedPrincipal(c, host.jwtSecret);
    if (!principal) {
      c.header("WWW-Authenticate", 'Bearer realm="honeyframe", error="invalid_token"');
      return c.json({ error: "unauthorized", message: "a valid bearer token is required" }, 401);
    }
    const granted = await host.permissionsOf(principal.org, principal.groups);
    if (!granted.has(permission)) {
      return c.json(
        { error: "forbidden", message: `the permission ${permission} is required`, permission },
        403,
      );
    }
    c.set(PRINCIPAL_KEY, principal);
    await next();
    return undefined;
  };
}

async function verifiedPrincipal(
  c: Context,
  secret: string | undefined,
): Promise<Principal | undefined> {
  const token = bearerToken(c.req.header("Authorization"));
  if (!secret || !token) return undefined;
  try {
    const claims = await verify(token, secret, "HS256");
    const groups = Array.isArray(claims.groups)
      ? claims.groups.filter((g) => typeof g === "string")
      : undefined;
    if (typeof claims.org !== "string" || !groups) return undefined;
    return {
      org: claims.org,
      groups,
      ...(typeof claims.sub === "string" ? { subject: claims.sub } : {}),
    };
  } catch {
    return undefined;
  }
}
