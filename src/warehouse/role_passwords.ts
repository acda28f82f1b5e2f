/**
 * The passwords of plugin roles: made once (32 random bytes), sealed under the operator's secrets
 * key for the plugin (`<plugin>/warehouse`) and kept in the state store among the keys the host
 * keeps for each plugin — never in the plugin's own storage, never on disk in the clear. The
 * first instance (or CLI) to need one makes it; the others read it.
 *
 * @module
 */
import {
  base64url,
  openSecret,
  sealSecret,
  type SecretsKey,
  SecretUnreadable,
} from "../runtime/mod.ts";
import type { StateStore } from "../state/mod.ts";

/** The record, in the plugin's `keys` space, that holds its sealed role password. */
const PASSWORD_RECORD = "warehouse_password";

/**
 * A plugin role's password: read from the store, or made and kept there. One sealed under another
 * key (after `plugins secrets rotate`, which reseals settings only) is replaced by a new one: the
 * host's provisioning (or the DBA's grants) gives the role that one.
 *
 * @param store The state store.
 * @param key The operator's secrets key.
 * @param plugin The plugin.
 * @returns The password (base64url).
 */
export async function rolePassword(
  store: StateStore,
  key: SecretsKey,
  plugin: string,
): Promise<string> {
  const owner = `${plugin}/warehouse`;
  for (;;) {
    const kept = await store.getRecord(plugin, "keys", PASSWORD_RECORD);
    if (kept) {
      try {
        return await openSecret(key, JSON.parse(kept.value) as string, owner);
      } catch (error) {
        if (!(error instanceof SecretUnreadable)) throw error;
      }
    }
    const made = base64url(crypto.getRandomValues(new Uint8Array(32)));
    const sealed = await sealSecret(key, made, owner);
    const written = await store.putRecord(
      plugin,
      "keys",
      PASSWORD_RECORD,
      JSON.stringify(sealed),
      kept ? kept.version : null,
    );
    if (written !== undefined) return made;
    // Another instance made or replaced it first: read that one.
  }
}
