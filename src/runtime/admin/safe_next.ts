/**
 * Sign-in links: the page that signs in, and where it may send the browser afterwards.
 *
 * @module
 */

/**
 * The sign-in page that brings the browser back to `next` afterwards.
 *
 * @param next The path (and query) to come back to.
 * @returns E.g. `/admin/sign-in?next=%2Fadmin%2Faudit`.
 * @example
 * ```ts
 * signInUrl("/dashboard"); // "/admin/sign-in?next=%2Fdashboard"
 * ```
 */
export function signInUrl(next: string): string {
  return `/admin/sign-in?next=${encodeURIComponent(next)}`;
}

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
