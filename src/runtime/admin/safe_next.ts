/**
 * Where a sign-in may send the browser afterwards.
 *
 * @module
 */

/**
 * The page to go to after signing in: only paths of the admin UI, plugin pages and the dashboard,
 * never an absolute or protocol-relative URL, and no control characters or backslashes (a CR/LF
 * would otherwise break the `Location` header); the Plugins page otherwise.
 *
 * @param next The asked-for path.
 * @returns A safe path.
 * @example
 * ```ts
 * safeNext("/plugins/crm/"); // "/plugins/crm/"
 * safeNext("//evil.example"); // "/admin/plugins"
 * ```
 */
export function safeNext(next: string | undefined): string {
  return next && /^\/(admin|plugins|dashboard)(\/|$)/.test(next) && !next.startsWith("//") &&
      ![...next].some((char) => char < " " || char === "\x7f" || char === "\\")
    ? next
    : "/admin/plugins";
}
