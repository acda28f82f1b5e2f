/**
 * Plugin secrets at rest: AES-256-GCM with Web Crypto (the same code on every runtime) under the
 * operator's key (`HONEYFRAME_SECRETS_KEY`, 32 random bytes in base64). A sealed value names the
 * plugin and setting it belongs to (as additional data), so a sealed value copied to another
 * setting or plugin does not open. The Web Crypto functions are taken when this module loads,
 * before any plugin code runs.
 *
 * @module
 */

const subtle = crypto.subtle;
const encrypt = subtle.encrypt.bind(subtle);
const decrypt = subtle.decrypt.bind(subtle);
const importKey = subtle.importKey.bind(subtle);
const randomValues = crypto.getRandomValues.bind(crypto);
const encode = TextEncoder.prototype.encode.bind(new TextEncoder());
const decoder = new TextDecoder();

/** The prefix of a value sealed by this module (its format's version). */
const SEALED_PREFIX = "aesgcm1:";

/** The length of the key, in bytes. */
export const SECRETS_KEY_BYTES = 32;

/** The operator's key is not 32 bytes of base64. */
export class InvalidSecretsKey extends Error {
  /** `InvalidSecretsKey`. */
  override name = "InvalidSecretsKey";
}

/** A sealed value did not open: another key, another setting, or tampered with. */
export class SecretUnreadable extends Error {
  /** `SecretUnreadable`. */
  override name = "SecretUnreadable";
}

/** The key secrets are sealed with. */
export interface SecretsKey {
  /** The AES-GCM key. */
  readonly key: CryptoKey;
}

/**
 * Reads the operator's key.
 *
 * @param base64 `HONEYFRAME_SECRETS_KEY`: 32 random bytes in base64 (`openssl rand -base64 32`).
 * @returns The key.
 * @throws {InvalidSecretsKey} When it is not base64 of 32 bytes.
 */
export async function importSecretsKey(base64: string): Promise<SecretsKey> {
  const bytes = secretsKeyBytes(base64);
  const key = await importKey("raw", bytes, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
  return { key };
}

/**
 * Checks the operator's key without importing it (at start-up, to refuse a bad one at once).
 *
 * @param base64 `HONEYFRAME_SECRETS_KEY`.
 * @returns Its 32 bytes.
 * @throws {InvalidSecretsKey} When it is not base64 of 32 bytes.
 */
export function secretsKeyBytes(base64: string): Uint8Array<ArrayBuffer> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = Uint8Array.from(atob(base64.trim()), (char) => char.charCodeAt(0));
  } catch {
    throw new InvalidSecretsKey("HONEYFRAME_SECRETS_KEY is not base64");
  }
  if (bytes.byteLength !== SECRETS_KEY_BYTES) {
    throw new InvalidSecretsKey(
      `HONEYFRAME_SECRETS_KEY is ${bytes.byteLength} bytes, not ${SECRETS_KEY_BYTES} ` +
        "(make one with `openssl rand -base64 32`)",
    );
  }
  return bytes;
}

/**
 * Seals a secret for one plugin's setting.
 *
 * @param key The key.
 * @param plaintext The secret.
 * @param owner Which plugin and setting it belongs to (`<plugin>/<setting>`).
 * @returns `aesgcm1:<iv>.<ciphertext>`, base64.
 */
export async function sealSecret(
  key: SecretsKey,
  plaintext: string,
  owner: string,
): Promise<string> {
  const iv = randomValues(new Uint8Array(12));
  const sealed = await encrypt(
    { name: "AES-GCM", iv, additionalData: encode(owner) },
    key.key,
    encode(plaintext),
  );
  return `${SEALED_PREFIX}${toBase64(iv)}.${toBase64(new Uint8Array(sealed))}`;
}

/**
 * Opens a sealed secret.
 *
 * @param key The key.
 * @param sealed What {@link sealSecret} returned.
 * @param owner The plugin and setting it must belong to.
 * @returns The secret.
 * @throws {SecretUnreadable} When it was sealed under another key or for another owner, or changed.
 */
export async function openSecret(key: SecretsKey, sealed: string, owner: string): Promise<string> {
  const [iv, data] = sealed.startsWith(SEALED_PREFIX)
    ? sealed.slice(SEALED_PREFIX.length).split(".")
    : [];
  try {
    const plain = await decrypt(
      { name: "AES-GCM", iv: fromBase64(iv!), additionalData: encode(owner) },
      key.key,
      fromBase64(data!),
    );
    return decoder.decode(plain);
  } catch {
    throw new SecretUnreadable(
      `the secret of ${owner} does not open with this HONEYFRAME_SECRETS_KEY (another key, or changed)`,
    );
  }
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}
