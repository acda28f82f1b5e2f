/**
 * Names a plugin may not take: its routes would live under the host's own `/api/<segment>`.
 *
 * @module
 */

/** The host's API segments, now and planned (lifecycle, permissions, organisations, audit). */
export const RESERVED_PLUGIN_NAMES: readonly string[] = Object.freeze([
  "admin",
  "audit",
  "auth",
  "blocks",
  "dbt",
  "healthz",
  "orgs",
  "permissions",
  "plugins",
  "session",
]);

/**
 * Why a plugin may not take a name, if it may not: one of the host's API segments, or (for a
 * customer plugin) a leading `_`, which bundled plugins keep for themselves.
 *
 * @param name The plugin name (already a valid slug).
 * @param customer Whether it is a customer plugin (from the data root).
 * @returns The reason, or `undefined` when the name is free.
 * @example
 * ```ts
 * nameRefusal("admin", false); // "`admin` is reserved for the host's own /api/admin routes; …"
 * nameRefusal("crm", true); // undefined
 * ```
 */
export function nameRefusal(name: string, customer: boolean): string | undefined {
  if (RESERVED_PLUGIN_NAMES.includes(name)) {
    return `\`${name}\` is reserved for the host's own /api/${name} routes; ` +
      `reserved: ${RESERVED_PLUGIN_NAMES.join(", ")}`;
  }
  if (customer && name.startsWith("_")) {
    return `\`${name}\`: names starting with \`_\` are for bundled plugins; ` +
      "a customer plugin needs a name without it";
  }
  return undefined;
}
