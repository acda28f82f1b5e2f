/**
 * Admin sessions: a signed, expiring cookie issued after the admin token was presented once, backed
 * by a record in the state store, and a CSRF token bound to that session. Signing out ends the
 * record, so the old cookie stops working at once; changing the token signs everyone out.
 *
 * @module
 */
import { createLogger, type Logger } from "../../log/mod.ts";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { StateStore } from "../../state/mod.ts";
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
  /** Starts a session: records it, sets the cookie on the response and returns the session. */
  start(c: Context): Promise<Session>;
  /** The valid, unexpired, not ended session of the request, if any; a malformed cookie is none. */
  read(c: Context): Promise<Session | undefined>;
  /** Ends the request's session: it stops working at once, and the cookie is cleared. */
  end(c: Context, session: Session): Promise<void>;
  /** Ends every session, this one included ("sign out everywhere"); returns how many. */
  endEverywhere(c: Context): Promise<number>;
}

/** Where sessions are recorded: the state store's session methods. */
export type SessionStore = Pick<
  StateStore,
  "createSession" | "sessionActive" | "endSession" | "endAllSessions"
>;

/** How often a malformed session cookie is logged at most, in milliseconds. */
const MALFORMED_LOG_INTERVAL_MS = 60_000;

/**
 * Creates the session manager for an admin token. A session is a signed cookie (the signing keys
 * derive from the admin token, so changing the token signs everyone out) and a record in the
 * store (so signing out ends it at once, on every instance).
 *
 * @param adminToken The configured admin token.
 * @param store Where sessions are recorded.
 * @param now The clock, in milliseconds (injectable for tests).
 * @param log Where a malformed cookie is reported (once a minute at most).
 * @returns The manager.
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { MemoryStore } from "../../state/mod.ts";
 * const sessions = sessionManager("an-admin-token-of-32-characters!", new MemoryStore());
 * new Hono().get("/whoami", async (c) => c.json({ signedIn: (await sessions.read(c)) !== undefined }));
 * ```
 */
export function sessionManager(
  adminToken: string,
  store: SessionStore,
  now: () => number = Date.now,
  log: Logger = createLogger(),
): SessionManager {
  const keys = Promise.all([hmacKey(adminToken, "session"), hmacKey(adminToken, "csrf")]);
  const toSession = async (id: string, expires: number): Promise<Session> => {
    const [, csrfKey] = await keys;
    return { id, expires, csrfToken: await sign(csrfKey, id) };
  };
  let lastMalformedLog = -Infinity;
  const malformed = () => {
    if (now() - lastMalformedLog < MALFORMED_LOG_INTERVAL_MS) return undefined;
    lastMalformedLog = now();
    log.warn("admin UI: a malformed session cookie was ignored (logged once a minute at most)");
    return undefined;
  };
  return {
    async start(c) {
      const [sessionKey] = await keys;
      const id = base64url(crypto.getRandomValues(new Uint8Array(18)));
      const expires = Math.floor(now() / 1000) + SESSION_TTL_SECONDS;
      await store.createSession(id, expires, new Date(now()).toISOString());
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
      const cookie = getCookie(c, SESSION_COOKIE);
      if (cookie === undefined) return undefined;
      const [id, expires, signature, extra] = cookie.split(".");
      if (!id || !expires || !signature || extra !== undefined || !/^\d+$/.test(expires)) {
        return malformed();
      }
      const [sessionKey] = await keys;
      if (!await verifySignature(sessionKey, `${id}.${expires}`, signature)) return malformed();
      const seconds = now() / 1000;
      if (!(Number(expires) > seconds)) return undefined;
      if (!await store.sessionActive(id, seconds)) return undefined;
      return await toSession(id, Number(expires));
    },
    async end(c, session) {
      await store.endSession(session.id);
      deleteCookie(c, SESSION_COOKIE, { path: "/" });
    },
    async endEverywhere(c) {
      const ended = await store.endAllSessions();
      deleteCookie(c, SESSION_COOKIE, { path: "/" });
      return ended;
    },
  };
}
