/**
 * The host's own permissions, part of the permission catalog beside the plugins'.
 *
 * @module
 */

/** Permissions the host itself defines (owner `host`). */
export const HOST_PERMISSIONS: readonly string[] = Object.freeze([
  "audit.read",
  "groups.manage",
  "groups.read",
  "plugins.manage",
  "plugins.read",
]);
