/**
 * Admin sessions: a signed, expiring cookie issued after the admin token was presented once, and a
 * CSRF token bound to that session. The signing keys derive from the admin token, so changing the
 * token signs everyone out.
 *
 * @module
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { base64url, hmacKey, sign, verifySignature } from "../secrets.ts";

/** The session cookie's name. */
export const SESSION_COOKIE = "hf_session";

/** How long a session lasts, in seconds (8 hours). */
export const SESSION_TTL_SECONDS = 8 * 60 * 60;

/** A signed-in admin session. */
export interface Session {
  /** A random identifier of this session. */
  readonly id: string;
  /** When it expires, in seconds since the epoch. */
  readonly expires: number;
  /** The token forms of this session must carry. */
  readonly csrfToken: string;
}

/** Issues and checks sessions for one admin token. */
export interface SessionManager {
  /** Starts a session: sets the cookie on the response and returns the session. */
  start(c: Context): Promise<Session>;
  /** The valid, unexpired session of the request, if any. */
  read(c: Context): Promise<Session | undefined>;
  /** Ends the session: the cookie is cleared. */
  end(c: Context): void;
}

/**
 * Creates the session manager for an admin token.
 *
 * @param adminToken The configured admin token.
 * @param now The clock, in milliseconds (injectable for tests).
 * @returns The manager.
 * @example
 * ```ts
 * import { Hono } from "hono";
 * const sessions = sessionManager("an-admin-token-of-32-characters!");
 * new Hono().get("/whoami", async (c) => c.json({ signedIn: (await sessions.read(c)) !== undefined }));
 * ```
 */
export function sessionManager(adminToken: string, now: () => number = Date.now): SessionManager {
  const keys = Promise.all([hmacKey(adminToken, "session"), hmacKey(adminToken, "csrf")]);
  const toSession = async (id: string, expires: number): Promise<Session> => {
    const [, csrfKey] = await keys;
    return { id, expires, csrfToken: await sign(csrfKey, id) };
  };
  return {
    async start(c) {
      const [sessionKey] = await keys;
      const id = base64url(crypto.getRandomValues(new Uint8Array(18)));
      const expires = Math.floor(now() / 1000) + SESSION_TTL_SECONDS;
      const payload = `${id}.${expires}`;
      setCookie(c, SESSION_COOKIE, `${payload}.${await sign(sessionKey, payload)}`, {
        httpOnly: true,
        sameSite: "Strict",
        secure: new URL(c.req.url).protocol === "https:",
        path: "/",
        maxAge: SESSION_TTL_SECONDS,
      });
      return await toSession(id, expires);
    },
    async read(c) {
      const [id, expires, signature] = (getCookie(c, SESSION_COOKIE) ?? "").split(".");
      if (!id || !expires || !signature) return undefined;
      const [sessionKey] = await keys;
      if (!await verifySignature(sessionKey, `${id}.${expires}`, signature)) return undefined;
      if (!(Number(expires) > now() / 1000)) return undefined;
      return await toSession(id, Number(expires));
    },
    end(c) {
      deleteCookie(c, SESSION_COOKIE, { path: "/" });
    },
  };
}
