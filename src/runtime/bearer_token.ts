/**
 * The `Authorization: Bearer <token>` header, parsed once for every check that reads it (the admin
 * API and plugin permission checks).
 *
 * @module
 */

/**
 * The token of a request's `Authorization: Bearer <token>` header.
 *
 * @param authorization The header's value, if any.
 * @returns The token, or `undefined` when the header is absent or not a bearer credential.
 * @example
 * ```ts
 * bearerToken("Bearer abc.def"); // "abc.def"
 * bearerToken("Basic dXNlcjpwdw=="); // undefined
 * ```
 */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer (.+)$/i.exec(authorization ?? "")?.[1];
}
