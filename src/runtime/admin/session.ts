/**
 * Admin sessions: a signed, expiring cookie issued after the admin token was presented once, backed
 * by a record in the state store, and a CSRF token bound to that session. Signing out ends the
 * record, so the old cookie stops working at once; changing the token signs everyone out.
 *
 * The cookie is signed with Hono's signed-cookie helpers. Over HTTPS (the public URL, a trusted
 * proxy's `X-Forwarded-Proto`, or the request itself) it is `__Host-hf_session`: `Secure`, for the
 * whole host and no other; over plain HTTP (a laptop) browsers refuse `__Host-` cookies, so it is
 * `hf_session` without `Secure`, and only that name is read there.
 *
 * @module
 */
import { createLogger, type Logger } from "../../log/mod.ts";
import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import type { StateStore } from "../../state/mod.ts";
import { base64url, fromBase64url, hmacKey, sign } from "../secrets.ts";
import { isSecureRequest, type Transport } from "../secure_request.ts";

/** The session cookie's name (`__Host-` prefixed over HTTPS). */
export const SESSION_COOKIE = "hf_session";

/** How long a session lasts, in seconds (8 hours). */
export const SESSION_TTL_SECONDS = 8 * 60 * 60;

/** A person signed in through the identity provider. */
export interface Person {
  /** The provider's subject (`sub`). */
  readonly subject: string;
  /** Their email address, when the provider gave one. */
  readonly email?: string;
  /** Their name, when the provider gave one. */
  readonly name?: string;
  /** Their organisation (the `org` claim, else `default`). */
  readonly org: string;
  /** Their groups (the groups claim): they grant permissions exactly as a JWT's do. */
  readonly groups: readonly string[];
}

/** A signed-in session: a person's, or the admin token's (which has every permission). */
export interface Session {
  /** A random identifier of this session. */
  readonly id: string;
  /** When it expires, in seconds since the epoch. */
  readonly expires: number;
  /** The token forms of this session must carry. */
  readonly csrfToken: string;
  /** Who signed in through the identity provider; absent for the admin token. */
  readonly person?: Person;
}

/**
 * Who a session is, for the audit log and the page's corner: the person's email (else subject),
 * or `admin` for the admin token.
 *
 * @param session The session.
 * @returns The actor.
 */
export function actorOf(session: Session): string {
  return session.person ? session.person.email ?? session.person.subject : "admin";
}

/** Issues and checks sessions for one admin token. */
export interface SessionManager {
  /**
   * Starts a session (a person's, or the admin token's without one): records it, sets the cookie
   * on the response and returns the session. Rejects with {@link PersonTooLarge} for a person the
   * cookie cannot carry.
   */
  start(c: Context, person?: Person): Promise<Session>;
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

/**
 * The most bytes a person may take in the session cookie (browsers drop cookies over 4 KiB; the
 * signature, id and attributes take the rest).
 */
export const MAX_PERSON_BYTES = 3_000;

/** A person too large for the session cookie (hundreds of groups, say). */
export class PersonTooLarge extends Error {
  /** The error's name. */
  override name = "PersonTooLarge";
}

/** How often a malformed session cookie is logged at most, in milliseconds. */
const MALFORMED_LOG_INTERVAL_MS = 60_000;

/**
 * Creates the session manager. A session is a signed cookie (the signing keys derive from the
 * secret: the admin token and the identity provider's client secret, so changing either signs
 * everyone out) and a record in the store (so signing out ends it at once, on every instance).
 *
 * @param secret The admin token and/or the identity provider's client secret.
 * @param store Where sessions are recorded.
 * @param now The clock, in milliseconds (injectable for tests).
 * @param log Where a malformed cookie is reported (once a minute at most).
 * @param transport How to tell an HTTPS request (public URL, trusted proxy).
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
  secret: string,
  store: SessionStore,
  now: () => number = Date.now,
  log: Logger = createLogger(),
  transport: Transport = {},
): SessionManager {
  const cookieSecret = `honeyframe:session:${secret}`;
  const csrfKey = hmacKey(secret, "csrf");
  const toSession = async (id: string, expires: number, person?: Person): Promise<Session> => {
    return {
      id,
      expires,
      csrfToken: await sign(await csrfKey, id),
      ...(person === undefined ? {} : { person }),
    };
  };
  const cookie = (c: Context) =>
    isSecureRequest(c.req.raw, transport)
      ? { path: "/", secure: true, prefix: "host" } as const
      : { path: "/" } as const;
  let lastMalformedLog = -Infinity;
  const malformed = () => {
    if (now() - lastMalformedLog < MALFORMED_LOG_INTERVAL_MS) return undefined;
    lastMalformedLog = now();
    log.warn("admin UI: a malformed session cookie was ignored (logged once a minute at most)");
    return undefined;
  };
  return {
    async start(c, person) {
      const encoded = person === undefined
        ? undefined
        : base64url(new TextEncoder().encode(JSON.stringify(person)));
      if (encoded !== undefined && encoded.length > MAX_PERSON_BYTES) {
        throw new PersonTooLarge(
          `${person!.subject} has ${person!.groups.length} groups: more than a session cookie ` +
            `carries (${encoded.length} of ${MAX_PERSON_BYTES} bytes)`,
        );
      }
      const id = base64url(crypto.getRandomValues(new Uint8Array(18)));
      const expires = Math.floor(now() / 1000) + SESSION_TTL_SECONDS;
      await store.createSession(id, expires, new Date(now()).toISOString());
      // The person rides in the signed cookie (the store keeps only that the session is open).
      const value = encoded === undefined ? `${id}.${expires}` : `${id}.${expires}.${encoded}`;
      await setSignedCookie(c, SESSION_COOKIE, value, cookieSecret, {
        ...cookie(c),
        httpOnly: true,
        sameSite: "Strict",
        maxAge: SESSION_TTL_SECONDS,
      });
      return await toSession(id, expires, person);
    },
    async read(c) {
      const options = cookie(c);
      const value = await getSignedCookie(
        c,
        cookieSecret,
        SESSION_COOKIE,
        "prefix" in options ? options.prefix : undefined,
      );
      if (value === undefined) return undefined;
      if (value === false) return malformed();
      const [id, expires, encoded, extra] = value.split(".");
      if (!id || !expires || extra !== undefined || !/^\d+$/.test(expires)) return malformed();
      const person = encoded === undefined ? undefined : personOf(encoded);
      if (person === null) return malformed();
      const seconds = Math.floor(now() / 1000);
      if (!(Number(expires) > seconds)) return undefined;
      if (!await store.sessionActive(id, seconds)) return undefined;
      return await toSession(id, Number(expires), person);
    },
    async end(c, session) {
      await store.endSession(session.id);
      deleteCookie(c, SESSION_COOKIE, cookie(c));
    },
    async endEverywhere(c) {
      const ended = await store.endAllSessions();
      deleteCookie(c, SESSION_COOKIE, cookie(c));
      return ended;
    },
  };
}

/** The person a cookie carries, or `null` when it is not one (the cookie is signed, so never). */
function personOf(encoded: string): Person | null {
  try {
    const text = new TextDecoder().decode(fromBase64url(encoded));
    const value = JSON.parse(text) as Partial<Person>;
    const strings = (list: unknown) =>
      Array.isArray(list) && list.every((item) => typeof item === "string");
    if (
      typeof value.subject !== "string" || typeof value.org !== "string" || !strings(value.groups)
    ) return null;
    return value as Person;
  } catch {
    return null;
  }
}
