/**
 * Permission checks for plugin routes: `requirePermission("customer.read")` verifies the caller's
 * JWT (see `token_verifier.ts`: HS256, `exp` required, `iss` and `aud` pinned when configured,
 * claims `org` and `groups`) and checks that one of its groups in that organisation grants the
 * permission. 401 without a valid token, 403 without the permission.
 *
 * The host hands each plugin request one capability, {@link HostContext.authorize}: plugin code
 * can learn whether a token grants a permission (what calling its own route would tell it), but
 * never the JWT secret nor the state store behind the answer.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { bearerToken } from "./bearer_token.ts";
import type { Principal } from "./token_verifier.ts";
import type { PluginContext } from "./context/plugin_context.ts";

export type { Principal };

/** What the host gives permission checks, on every plugin request. */
export interface HostContext {
  /**
   * Checks a bearer token for a permission.
   *
   * @param token The bearer token, if the request had one.
   * @param permission The permission required.
   * @returns The principal, or why it is refused.
   */
  authorize(
    token: string | undefined,
    permission: string,
  ): Promise<Principal | "unauthorized" | "forbidden">;
  /** The plugin's context on a request (`pluginContext(c)`), where the host gives one. */
  context?(request: Request): PluginContext;
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
 * The host context of a request, if the host provided one.
 *
 * @param c The request context.
 * @returns The host context.
 */
export function hostContextOf(c: Context): HostContext | undefined {
  return c.get(HOST_KEY);
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
    const principal = await host.authorize(bearerToken(c.req.header("Authorization")), permission);
    if (principal === "unauthorized") {
      c.header("WWW-Authenticate", 'Bearer realm="honeyframe", error="invalid_token"');
      return c.json({ error: "unauthorized", message: "a valid bearer token is required" }, 401);
    }
    if (principal === "forbidden") {
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
