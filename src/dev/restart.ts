/**
 * How a dev loop asks its supervisor for a fresh start.
 *
 * @module
 */

/** The exit code of a dev loop that stopped because the host's sources changed. */
export const RESTART_EXIT_CODE = 75;

/** The exit code of a dev loop that cannot run as configured (arguments, `PORT`): not retried. */
export const CONFIG_EXIT_CODE = 2;

/** The permissions of a dev loop: it builds, serves through its proxy and runs the servers. */
export const LOOP_PERMISSIONS = [
  "--no-prompt",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-net",
  `--allow-run=${Deno.execPath()}`,
] as const;
