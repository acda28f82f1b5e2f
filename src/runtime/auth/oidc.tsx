/**
 * Sign-in with an OpenID Connect provider: the authorization code flow with PKCE, through
 * `openid-client` (Web APIs only, so it runs on Deno, Node and workerd).
 *
 * `GET /auth/sign-in?next=…` sends the browser to the provider with a fresh state, nonce and PKCE
 * verifier, kept in a short-lived signed cookie; `GET /auth/callback` checks them, exchanges the
 * code, reads the person's subject, email, name, organisation (`org`) and groups (the configured
 * claim, from the ID token or the userinfo endpoint), starts their session and brings them back to
 * the page they first asked for. Sign-ins and refusals are audited with the subject and email.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import * as client from "openid-client";
import type { Logger } from "../../log/mod.ts";
import type { AuditEvent } from "../../state/mod.ts";
import { htmlDocument, pageSecurityHeaders } from "../admin/render.tsx";
import { SignInPage } from "../admin/pages/sign_in_page.tsx";
import { DocumentHead } from "../admin/layout.tsx";
import { type Person, PersonTooLarge, type SessionManager } from "../admin/session.ts";
import { safeNext } from "../admin/safe_next.ts";
import type { SignInThrottle } from "../admin/sign_in_throttle.ts";
import { clientAddress } from "../client_address.ts";
import { base64url, fromBase64url } from "../secrets.ts";
import { isSecureRequest, type Transport } from "../secure_request.ts";
import type { OidcConfig } from "./oidc_config.ts";

/** The cookie that carries one sign-in attempt from `/auth/sign-in` to `/auth/callback`. */
const FLOW_COOKIE = "hf_oidc";

/** How long a person has at the provider before the attempt expires, in seconds. */
const FLOW_TTL_SECONDS = 10 * 60;

/** What one attempt must find again at the callback. */
interface Flow {
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
  readonly next: string;
}

/** What the sign-in routes need. */
export interface OidcAppOptions {
  /** The provider and the host's client. */
  readonly config: OidcConfig;
  /** Where sessions start. */
  readonly sessions: SessionManager;
  /** Writes an audit event (the time is added). */
  readonly record: (event: Omit<AuditEvent, "time">) => Promise<void>;
  /** How people reach the host (the redirect URI's origin, the cookies' `Secure`). */
  readonly transport: Transport;
  /** Where a provider that cannot be reached is reported. */
  readonly log: Logger;
  /**
   * Where failed sign-ins are counted: audited per client and minute with the token's (never one
   * row per failure, so an anonymous flood of callbacks writes one row per address and minute).
   */
  readonly failures: SignInThrottle;
}

/**
 * The name the sign-in page gives the provider.
 *
 * @param config The provider's settings.
 * @returns E.g. `id.example.com`.
 */
export function providerLabel(config: OidcConfig): string {
  return config.issuer.host;
}

/**
 * Creates the sign-in routes, to be mounted at `/auth`.
 *
 * @param options The provider, sessions, audit and transport.
 * @returns The app.
 * @example
 * ```ts ignore
 * app.route("/auth", oidcApp({ config, sessions, record, transport: {}, log, failures }));
 * ```
 */
export function oidcApp(options: OidcAppOptions): Hono {
  const { config, sessions, record, transport, log, failures } = options;
  // The state of every flow that reached the callback, until its cookie could no longer be
  // presented: a flow cookie is good for one callback.
  const finished = new Map<string, number>();
  const finish = (state: string): boolean => {
    const now = Date.now();
    for (const [used, until] of finished) if (until <= now) finished.delete(used);
    if (finished.has(state)) return false;
    finished.set(state, now + FLOW_TTL_SECONDS * 1000);
    return true;
  };
  const flowSecret = `honeyframe:oidc:${config.clientSecret}`;
  let discovered: Promise<client.Configuration> | undefined;
  const provider = () => {
    if (!discovered) {
      discovered = client.discovery(
        config.issuer,
        config.clientId,
        config.clientSecret,
        undefined,
        config.issuer.protocol === "http:" ? { execute: [client.allowInsecureRequests] } : {},
      );
      discovered.catch(() => discovered = undefined); // tried again on the next sign-in
    }
    return discovered;
  };
  const redirectUri = (c: Context) =>
    new URL("/auth/callback", transport.publicUrl ?? new URL(c.req.url).origin).href;
  const cookieOptions = (c: Context) => ({
    path: "/auth",
    httpOnly: true,
    // The provider sends the browser back with a cross-site navigation: Strict would drop it.
    sameSite: "Lax" as const,
    ...(isSecureRequest(c.req.raw, transport) ? { secure: true, prefix: "secure" as const } : {}),
  });
  const refuse = (c: Context, reason: string, status: 400 | 401 | 502, detail: string) => {
    failures.fail(clientAddress(c), detail);
    return htmlDocument(
      c,
      <SignInPage next="/admin/plugins" closed={false} error={reason} />,
      status,
    );
  };

  const app = new Hono();
  app.use("*", pageSecurityHeaders, async (_c, next) => {
    await failures.roll();
    await next();
  });
  app.get("/sign-in", async (c) => {
    let configuration: client.Configuration;
    try {
      configuration = await provider();
    } catch (error) {
      log.error(`sign-in: the identity provider ${config.issuer.href} cannot be reached`, {
        error,
      });
      return await refuse(
        c,
        `The identity provider (${providerLabel(config)}) cannot be reached; try again later.`,
        502,
        "oidc: the provider cannot be reached",
      );
    }
    const flow: Flow = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      verifier: client.randomPKCECodeVerifier(),
      next: safeNext(c.req.query("next")),
    };
    await setSignedCookie(c, FLOW_COOKIE, encodeFlow(flow), flowSecret, {
      ...cookieOptions(c),
      maxAge: FLOW_TTL_SECONDS,
    });
    const scopes = ["openid", "email", "profile"];
    if (configuration.serverMetadata().scopes_supported?.includes("groups")) scopes.push("groups");
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri(c),
      scope: scopes.join(" "),
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: "S256",
    });
    return c.redirect(url.href, 302);
  });

  app.get("/callback", async (c) => {
    const options = cookieOptions(c);
    const stored = await getSignedCookie(
      c,
      flowSecret,
      FLOW_COOKIE,
      "prefix" in options ? options.prefix : undefined,
    );
    deleteCookie(c, FLOW_COOKIE, options);
    const flow = typeof stored === "string" ? decodeFlow(stored) : undefined;
    if (!flow || !finish(flow.state)) {
      return await refuse(
        c,
        "This sign-in expired or was started in another browser; sign in again.",
        400,
        "oidc: no sign-in in progress",
      );
    }
    // The provider's error code is short ASCII (RFC 6749 §4.1.2.1); anything else is cut.
    const providerError = c.req.query("error")?.slice(0, 64).replace(/[^\x20-\x7e]/g, "?");
    if (providerError) {
      return await refuse(
        c,
        `The identity provider refused the sign-in (${providerError}).`,
        401,
        `oidc: the provider answered ${providerError}`,
      );
    }
    let person: Person;
    try {
      const configuration = await provider();
      const callback = new URL(redirectUri(c));
      callback.search = new URL(c.req.url).search;
      const tokens = await client.authorizationCodeGrant(configuration, callback, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      }, { redirect_uri: redirectUri(c) });
      const claims = tokens.claims()!;
      const userinfo = configuration.serverMetadata().userinfo_endpoint
        ? await client.fetchUserInfo(configuration, tokens.access_token, claims.sub)
        : {};
      person = personFrom({ ...userinfo, ...claims }, config.groupsClaim);
    } catch (error) {
      log.warn("sign-in: the identity provider's answer was refused", { error });
      return await refuse(
        c,
        "The sign-in could not be completed; sign in again.",
        401,
        `oidc: ${(error as Error).message}`,
      );
    }
    try {
      await sessions.start(c, person);
    } catch (error) {
      if (!(error instanceof PersonTooLarge)) throw error;
      return await refuse(
        c,
        `The identity provider lists more groups for you (${person.groups.length}) than a ` +
          "session can carry; ask an administrator to send only the groups this host uses.",
        401,
        `oidc: ${error.message}`,
      );
    }
    await record({
      actor: person.email ?? person.subject,
      action: "sign_in",
      outcome: "success",
      detail: describePerson(person),
    });
    // The provider's redirect was a cross-site navigation, on which browsers withhold the
    // session cookie (SameSite=Strict): a page of this site moves on instead, as a same-site one.
    return htmlDocument(c, <ContinuePage next={flow.next} />);
  });
  return app;
}

/** The page that takes a person who just signed in to where they were going. */
function ContinuePage(props: { next: string }) {
  return (
    <html lang="en">
      <DocumentHead title="Signed in" refresh={props.next} />
      <body>
        <main id="main" class="sign-in card">
          <p>
            Signed in. <a href={props.next}>Continue</a>
          </p>
        </main>
      </body>
    </html>
  );
}

/**
 * How the audit log describes a person: subject, email, organisation and groups.
 *
 * @param person The person.
 * @returns E.g. `oidc subject alice, email alice@example.com, org default, groups crm_admin`.
 */
export function describePerson(person: Person): string {
  return [
    `oidc subject ${person.subject}`,
    ...(person.email ? [`email ${person.email}`] : []),
    `org ${person.org}`,
    `groups ${person.groups.join(" ") || "none"}`,
  ].join(", ");
}

/** The person the provider's claims describe. */
function personFrom(claims: Record<string, unknown>, groupsClaim: string): Person {
  const text = (value: unknown) => typeof value === "string" && value !== "" ? value : undefined;
  const listed = claims[groupsClaim];
  const groups = Array.isArray(listed)
    ? listed.filter((group): group is string => typeof group === "string")
    : typeof listed === "string"
    ? [listed]
    : [];
  const email = text(claims.email);
  const name = text(claims.name);
  return {
    subject: String(claims.sub),
    ...(email === undefined ? {} : { email }),
    ...(name === undefined ? {} : { name }),
    org: text(claims.org) ?? "default",
    groups,
  };
}

function encodeFlow(flow: Flow): string {
  return base64url(new TextEncoder().encode(JSON.stringify(flow)));
}

function decodeFlow(text: string): Flow | undefined {
  try {
    const flow = JSON.parse(new TextDecoder().decode(fromBase64url(text))) as Partial<Flow>;
    return [flow.state, flow.nonce, flow.verifier, flow.next].every((v) => typeof v === "string")
      ? flow as Flow
      : undefined;
  } catch {
    return undefined;
  }
}
