/**
 * What kind of value a module export is, as the build reports it. A Hono app is duck-typed like the
 * runtime expects it: an object with a `fetch` function and a `routes` array.
 *
 * @module
 */

/** The kind of a Hono app; any other kind is a phrase such as "a function" or "null". */
export const HONO_APP = "a Hono app";

/**
 * Describes an exported value.
 *
 * @param value The export.
 * @returns {@link HONO_APP} for a Hono app, otherwise a phrase naming the value's kind.
 * @example
 * ```ts
 * exportKind(new Hono()); // "a Hono app"
 * exportKind(() => 1); // "a function"
 * ```
 */
export function exportKind(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "object" || typeof value === "function") {
    const candidate = value as { fetch?: unknown; routes?: unknown };
    if (typeof candidate.fetch === "function" && Array.isArray(candidate.routes)) return HONO_APP;
    if (Array.isArray(value)) return "an array";
    return typeof value === "function" ? "a function" : "an object";
  }
  return `a ${typeof value}`;
}
