/**
 * Secret handling with Web Crypto only: constant-time comparison and HMAC signatures.
 *
 * The Web Crypto and encoding functions are taken when this module loads, before any plugin code
 * runs: a plugin that later replaces `crypto.subtle.digest` (to make every comparison equal, or to
 * record what the host hashes) or `TextEncoder.prototype.encode` changes nothing here.
 *
 * @module
 */

const subtle = crypto.subtle;
const subtleDigest = subtle.digest.bind(subtle);
const subtleSign = subtle.sign.bind(subtle);
const subtleImportKey = subtle.importKey.bind(subtle);
const encode = TextEncoder.prototype.encode.bind(new TextEncoder());
const Bytes = Uint8Array;

/**
 * Compares two secrets in time that depends on neither their content nor their length: both are
 * hashed first, then every byte of the digests is compared.
 *
 * @param presented The value a client sent.
 * @param expected The configured secret.
 * @returns Whether they are equal.
 * @example
 * ```ts
 * await sameSecret("presented-token", "configured-token"); // false
 * ```
 */
export async function sameSecret(presented: string, expected: string): Promise<boolean> {
  const a = await digest(presented);
  const b = await digest(expected);
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a[index]! ^ b[index]!;
  return difference === 0;
}

/**
 * Signs `message` with HMAC-SHA-256.
 *
 * @param key A key made by {@link hmacKey}.
 * @param message The text to sign.
 * @returns The signature, base64url-encoded.
 * @example
 * ```ts
 * const signature = await sign(await hmacKey("secret", "session"), "payload");
 * ```
 */
export async function sign(key: CryptoKey, message: string): Promise<string> {
  return base64url(new Bytes(await subtleSign("HMAC", key, encode(message))));
}

/**
 * Derives an HMAC key for one purpose from a secret, so that one secret can serve several
 * purposes (session cookies, CSRF tokens) without one signature being valid for another.
 *
 * @param secret The secret (the admin token).
 * @param purpose A label such as `"session"`.
 * @returns The key.
 */
export async function hmacKey(secret: string, purpose: string): Promise<CryptoKey> {
  const material = await digest(`honeyframe:${purpose}:${secret}`);
  return await subtleImportKey("raw", material, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

/**
 * Encodes bytes as base64url without padding.
 *
 * @param bytes The bytes.
 * @returns The text.
 */
export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * Decodes unpadded base64url (the inverse of {@link base64url}).
 *
 * @param text The encoded text.
 * @returns The bytes.
 * @throws {DOMException} When the text is not base64url.
 * @example
 * ```ts
 * fromBase64url("AQI"); // Uint8Array [1, 2]
 * ```
 */
export function fromBase64url(text: string): Uint8Array {
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

async function digest(text: string): Promise<Uint8Array<ArrayBuffer>> {
  return new Bytes(await subtleDigest("SHA-256", encode(text)));
}
