/**
 * The passwords of plugin roles: made once (32 random bytes), sealed under the operator's secrets
 * key for the plugin (`<plugin>/warehouse`) and kept in the state store among the keys the host
 * keeps for each plugin — never in the plugin's own storage, never on disk in the clear. The
 * first instance (or CLI) to need one makes it; the others read it.
 *
 * @module
 */
import { base64url, openSecret, sealSecret, type SecretsKey } from "../runtime/mod.ts";
import type { StateStore } from "../state/mod.ts";

/** The record, in the plugin's `keys` space, that holds its sealed role password. */
const PASSWORD_RECORD = "warehouse_password";

/**
 * A plugin role's password: read from the store, or made and kept there.
 *
 * @param store The state store.
 * @param key The operator's secrets key.
 * @param plugin The plugin.
 * @returns The password (base64url).
 * @throws {SecretUnreadable} When the kept one was sealed under another key.
 */
export async function rolePassword(
  store: StateStore,
  key: SecretsKey,
  plugin: string,
): Promise<string> {
  const owner = `${plugin}/warehouse`;
  for (;;) {
    const kept = await store.getRecord(plugin, "keys", PASSWORD_RECORD);
    if (kept) return await openSecret(key, JSON.parse(kept.value) as string, owner);
    const made = base64url(crypto.getRandomValues(new Uint8Array(32)));
    const sealed = await sealSecret(key, made, owner);
    const written = await store.putRecord(
      plugin,
      "keys",
      PASSWORD_RECORD,
      JSON.stringify(sealed),
      null,
    );
    if (written !== undefined) return made;
    // Another instance made one first: read it.
  }
}
