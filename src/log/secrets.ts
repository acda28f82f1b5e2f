/**
 * Which values are secret: those of variables named like secrets (`*_TOKEN`, `*_SECRET`, …) and
 * URLs that carry credentials. The build keeps them out of its outputs; the log out of its lines.
 *
 * @module
 */

/** Variables whose values are secret by name: `*_TOKEN`, `*_SECRET`, `*_PASSWORD`, `*_KEY`. */
const SECRET_NAME = /(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIALS?)$/i;

/** Values shorter than this are not treated as secrets (they would redact ordinary words). */
export const MIN_SECRET_LENGTH = 6;

/**
 * The secret values of an environment: those of variables named like secrets, and of URLs that
 * carry credentials (the whole URL and its password).
 *
 * @param env The environment (`process.env`).
 * @returns The values, longest first.
 * @example
 * ```ts
 * secretValues({ DB_URL: "postgres://app:hunter22@db/x", PATH: "/bin" });
 * // ["postgres://app:hunter22@db/x", "hunter22"]
 * ```
 */
export function secretValues(env: Readonly<Record<string, string | undefined>>): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (!value || value.length < MIN_SECRET_LENGTH) continue;
    if (SECRET_NAME.test(name)) values.add(value);
    const password = credentialsOf(value);
    if (password !== undefined) {
      values.add(value);
      if (password.length >= MIN_SECRET_LENGTH) values.add(password);
    }
  }
  return [...values].sort((a, b) => b.length - a.length);
}

/** A user name alone counts as a credential from this length on (`https://<token>@host`). */
const MIN_TOKEN_USER_LENGTH = 16;

/**
 * The secret of a URL with credentials: its password (`scheme://user:password@host`), or a user
 * name long enough to be a token (`https://ghp_…@github.com`); a plain user name such as
 * `postgres://app@db/x` is no secret.
 */
function credentialsOf(value: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]+@/i.test(value)) return undefined;
  try {
    const url = new URL(value);
    if (url.password) return decodeURIComponent(url.password);
    return url.username.length >= MIN_TOKEN_USER_LENGTH
      ? decodeURIComponent(url.username)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The credentials of a URL written anywhere in a text: `scheme://user:password@` or `scheme://<token>@`. */
const CREDENTIAL_URL = /\b([a-z][a-z0-9+.-]*:\/\/)(?:([^\s/@:]+):[^\s/@]+|[^\s/@:]{16,})@/gi;

/**
 * Replaces every secret value in a text, and the credentials of any URL written in it (a plugin's
 * message may name `postgres://svc:pw@db` that no variable of the host holds).
 *
 * @param text The text.
 * @param secrets The values to hide (from {@link secretValues}).
 * @returns The text with each value replaced by `[redacted]`, and URL credentials too.
 * @example
 * ```ts
 * redactSecrets("connect to postgres://app:hunter22@db/x failed", []);
 * // "connect to postgres://app:[redacted]@db/x failed"
 * ```
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) result = result.replaceAll(secret, "[redacted]");
  return result.replace(
    CREDENTIAL_URL,
    (_, scheme: string, user: string | undefined) =>
      user === undefined ? `${scheme}[redacted]@` : `${scheme}${user}:[redacted]@`,
  );
}
