/**
 * The OpenID Connect settings: `HONEYFRAME_OIDC_ISSUER`, `HONEYFRAME_OIDC_CLIENT_ID` and
 * `HONEYFRAME_OIDC_CLIENT_SECRET` (all three or none) and `HONEYFRAME_OIDC_GROUPS_CLAIM`.
 *
 * @module
 */
import { ConfigError, envOrDefault, type EnvSource, readEnv } from "../../env/mod.ts";

/** How the host signs people in through an OpenID Connect provider. */
export interface OidcConfig {
  /** The provider's issuer URL (its discovery document is under it). */
  readonly issuer: URL;
  /** The host's client id at the provider. */
  readonly clientId: string;
  /** The host's client secret at the provider. */
  readonly clientSecret: string;
  /** The claim listing a person's groups. */
  readonly groupsClaim: string;
}

/** The hosts an `http://` issuer may be on: this machine only (development and tests). */
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Reads the OpenID Connect settings.
 *
 * @param env The environment.
 * @returns The settings, or `undefined` when no issuer is configured.
 * @throws {ConfigError} When only some of issuer, client id and secret are set, or the issuer is
 * not an `https://` URL (or `http://` on this machine).
 * @example
 * ```ts
 * readOidcConfig({}); // undefined
 * readOidcConfig({
 *   HONEYFRAME_OIDC_ISSUER: "https://id.example.com",
 *   HONEYFRAME_OIDC_CLIENT_ID: "honeyframe",
 *   HONEYFRAME_OIDC_CLIENT_SECRET: "a-secret",
 * })?.groupsClaim; // "groups"
 * ```
 */
export function readOidcConfig(env: EnvSource): OidcConfig | undefined {
  const values = {
    HONEYFRAME_OIDC_ISSUER: readEnv(env, "HONEYFRAME_OIDC_ISSUER"),
    HONEYFRAME_OIDC_CLIENT_ID: readEnv(env, "HONEYFRAME_OIDC_CLIENT_ID"),
    HONEYFRAME_OIDC_CLIENT_SECRET: readEnv(env, "HONEYFRAME_OIDC_CLIENT_SECRET"),
  };
  const missing = Object.entries(values).filter(([, value]) => value === undefined);
  if (missing.length === 3) return undefined;
  if (missing.length > 0) {
    throw new ConfigError(
      `OpenID Connect sign-in needs HONEYFRAME_OIDC_ISSUER, HONEYFRAME_OIDC_CLIENT_ID and ` +
        `HONEYFRAME_OIDC_CLIENT_SECRET together; missing: ${
          missing.map(([name]) => name).join(", ")
        }`,
    );
  }
  let issuer: URL;
  try {
    issuer = new URL(values.HONEYFRAME_OIDC_ISSUER!);
  } catch {
    throw new ConfigError(
      `HONEYFRAME_OIDC_ISSUER must be a URL, not ${JSON.stringify(values.HONEYFRAME_OIDC_ISSUER)}`,
    );
  }
  const secure = issuer.protocol === "https:" ||
    (issuer.protocol === "http:" && LOOPBACK.has(issuer.hostname));
  if (!secure) {
    throw new ConfigError(
      `HONEYFRAME_OIDC_ISSUER must be https:// (http:// only on 127.0.0.1 or localhost), not ${issuer.href}`,
    );
  }
  return {
    issuer,
    clientId: values.HONEYFRAME_OIDC_CLIENT_ID!,
    clientSecret: values.HONEYFRAME_OIDC_CLIENT_SECRET!,
    groupsClaim: envOrDefault(env, "HONEYFRAME_OIDC_GROUPS_CLAIM"),
  };
}
