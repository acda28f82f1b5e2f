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
