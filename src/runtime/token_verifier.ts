/**
 * Users' JWTs: HS256 with the host's secret, `exp` required (unless the operator says otherwise),
 * `iss` and `aud` pinned when configured, and 30 seconds of clock skew tolerated on `exp`, `nbf`
 * and `iat`. The secret stays inside the verifier: plugins get the verdict, never the key.
 *
 * @module
 */
import { verify } from "hono/jwt";

/** How far the clocks of the token's issuer and the host may disagree, in seconds. */
export const CLOCK_SKEW_SECONDS = 30;

/** The longest a token may live when the operator says nothing (`HONEYFRAME_JWT_MAX_TTL_S`). */
export const DEFAULT_JWT_MAX_TTL_S = 86_400;

/** What makes a token valid. */
export interface TokenPolicy {
  /** The HS256 secret; without one, no token is valid. */
  readonly secret?: string;
  /** Whether a token without `exp` is refused (`HONEYFRAME_JWT_REQUIRE_EXP`, default true). */
  readonly requireExp: boolean;
  /**
   * The longest a token may live, in seconds: its `exp` may lie at most this long after its `iat`
   * (after now, without `iat`). A token that says it never really expires (`exp: 1e308`) is
   * refused. Default {@link DEFAULT_JWT_MAX_TTL_S}.
   */
  readonly maxTtlSeconds?: number;
  /** The `iss` a token must have, when set (`HONEYFRAME_JWT_ISSUER`). */
  readonly issuer?: string;
  /** The audience a token's `aud` must be or contain, when set (`HONEYFRAME_JWT_AUDIENCE`). */
  readonly audience?: string;
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

/**
 * Makes the function that turns a bearer token into the principal it speaks for.
 *
 * @param policy The secret and the claims' rules.
 * @param now The clock, in milliseconds (injectable for tests).
 * @returns The verifier: the principal, or `undefined` for any invalid token.
 * @example
 * ```ts
 * const verifyToken = tokenVerifier({ secret: "a-secret-of-at-least-32-characters", requireExp: true });
 * await verifyToken("not.a.jwt"); // undefined
 * ```
 */
export function tokenVerifier(
  given: TokenPolicy,
  now: () => number = Date.now,
): (token: string) => Promise<Principal | undefined> {
  // Own properties only: with no secret configured, a plugin that set Object.prototype.secret
  // must not have chosen the key that signs valid tokens.
  const policy: TokenPolicy = Object.assign(Object.create(null), given);
  const { secret } = policy;
  const maxTtl = policy.maxTtlSeconds ?? DEFAULT_JWT_MAX_TTL_S;
  const options = {
    alg: "HS256" as const,
    exp: false,
    nbf: false,
    iat: false,
    ...(policy.issuer === undefined ? {} : { iss: policy.issuer }),
    ...(policy.audience === undefined ? {} : { aud: policy.audience }),
  };
  return async (token) => {
    if (secret === undefined) return undefined;
    let claims: Record<string, unknown>;
    try {
      claims = await verify(token, secret, options);
    } catch {
      return undefined;
    }
    const seconds = now() / 1000;
    const { exp, nbf, iat, org, groups, sub } = claims;
    if (
      exp === undefined
        ? policy.requireExp
        : !(typeof exp === "number" && exp + CLOCK_SKEW_SECONDS > seconds)
    ) {
      return undefined;
    }
    if (nbf !== undefined && !(typeof nbf === "number" && nbf - CLOCK_SKEW_SECONDS <= seconds)) {
      return undefined;
    }
    if (iat !== undefined && !(typeof iat === "number" && iat - CLOCK_SKEW_SECONDS <= seconds)) {
      return undefined;
    }
    const issued = typeof iat === "number" ? iat : seconds;
    if (typeof exp === "number" && exp - issued > maxTtl + CLOCK_SKEW_SECONDS) return undefined;
    if (typeof org !== "string" || !Array.isArray(groups)) return undefined;
    return {
      org,
      groups: groups.filter((group): group is string => typeof group === "string"),
      ...(typeof sub === "string" ? { subject: sub } : {}),
    };
  };
}
