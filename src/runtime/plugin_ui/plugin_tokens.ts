/**
 * Plugin-scoped tokens: what a plugin's frame presents to its own API instead of the session. An
 * HS256 JWT `{aud: "plugin:<name>", sub, org, groups, exp}` (with `adm: true` for the admin
 * token's session, which has every permission) that lives at most five minutes, signed with a key
 * of that plugin's kept in the state store, so every instance verifies what any instance issued.
 * A frame ticket (`aud: "frame:<name>"`) is the same claims for loading the plugin's frame
 * document, and is accepted nowhere else.
 *
 * @module
 */
import { decode, sign } from "hono/jwt";
import type { StateStore } from "../../state/mod.ts";
import { base64url } from "../secrets.ts";
import { type Principal, tokenVerifier } from "../token_verifier.ts";

/** How long a plugin token or frame ticket lives, in seconds. */
export const PLUGIN_TOKEN_TTL_S = 300;

/** What a token is for: calling the plugin's API, or loading its frame document. */
export type TokenUse = "plugin" | "frame";

/** Who a token speaks for. */
export interface TokenHolder extends Principal {
  /** The admin token's session: every permission. */
  readonly admin: boolean;
}

/** A token issued, and when it expires (seconds since the epoch). */
export interface IssuedToken {
  /** The JWT. */
  readonly token: string;
  /** Its `exp`. */
  readonly expires_at: number;
}

/** The record (space `keys`) that holds a plugin's token key. */
const KEY_RECORD = "plugin_token";

/** Issues and verifies the plugins' tokens over the keys in a state store. */
export class PluginTokens {
  readonly #store: StateStore;
  readonly #now: () => number;
  readonly #keys = new Map<string, Promise<string>>();

  /**
   * Tokens over a store's keys.
   *
   * @param store Where each plugin's key is kept (made on first use).
   * @param now The clock, in milliseconds.
   */
  constructor(store: StateStore, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
  }

  /**
   * Issues a token for a plugin.
   *
   * @param plugin The plugin's name.
   * @param use What it is for.
   * @param holder Who it speaks for.
   * @returns The token and its expiry.
   */
  async issue(plugin: string, use: TokenUse, holder: TokenHolder): Promise<IssuedToken> {
    const iat = Math.floor(this.#now() / 1000);
    const expires_at = iat + PLUGIN_TOKEN_TTL_S;
    const claims = {
      aud: `${use}:${plugin}`,
      org: holder.org,
      groups: [...holder.groups],
      iat,
      exp: expires_at,
      ...(holder.subject === undefined ? {} : { sub: holder.subject }),
      ...(holder.admin ? { adm: true } : {}),
    };
    return { token: await sign(claims, await this.#key(plugin), "HS256"), expires_at };
  }

  /**
   * Verifies a token for a plugin.
   *
   * @param token The token presented.
   * @param plugin The plugin it must be for.
   * @param use What it must be for.
   * @returns Who it speaks for, or `undefined` when it is not a valid token of that plugin and use.
   */
  async verify(token: string, plugin: string, use: TokenUse): Promise<TokenHolder | undefined> {
    if (!looksLikeJwt(token)) return undefined;
    const verify = tokenVerifier({
      secret: await this.#key(plugin),
      audience: `${use}:${plugin}`,
      requireExp: true,
      maxTtlSeconds: PLUGIN_TOKEN_TTL_S,
    }, this.#now);
    const principal = await verify(token);
    if (!principal) return undefined;
    return { ...principal, admin: decode(token).payload.adm === true };
  }

  /** The plugin's key: read from the store, or made there by the first instance to need it. */
  #key(plugin: string): Promise<string> {
    let key = this.#keys.get(plugin);
    if (!key) {
      key = this.#readOrMake(plugin);
      key.catch(() => this.#keys.delete(plugin));
      this.#keys.set(plugin, key);
    }
    return key;
  }

  async #readOrMake(plugin: string): Promise<string> {
    for (;;) {
      const kept = await this.#store.getRecord(plugin, "keys", KEY_RECORD);
      if (kept) return JSON.parse(kept.value) as string;
      const made = base64url(crypto.getRandomValues(new Uint8Array(32)));
      const written = await this.#store.putRecord(
        plugin,
        "keys",
        KEY_RECORD,
        JSON.stringify(made),
        null,
      );
      if (written !== undefined) return made;
      // Another instance made one first: read it.
    }
  }
}

/** Three base64url parts: anything else is not a JWT, and no key is made for it. */
function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
}
