/**
 * Runtime configuration, read from whatever environment the runtime offers (`Deno.env`,
 * `process.env`, Worker bindings) as a plain record.
 *
 * @module
 */

/** The host's runtime configuration. */
export interface HostConfig {
  /** The TCP port to listen on (`PORT`, default 8000). */
  readonly port: number;
  /** The interface to listen on (`HOST`, default `0.0.0.0`). */
  readonly hostname: string;
  /** The admin bearer token (`HONEYFRAME_ADMIN_TOKEN`); admin surfaces are closed without one. */
  readonly adminToken?: string;
}

/** The port used when `PORT` is not set. */
export const DEFAULT_PORT = 8000;

/**
 * Reads the configuration from environment variables.
 *
 * @param env The variables, e.g. `Deno.env.toObject()` or `process.env`.
 * @returns The configuration.
 * @throws {Error} When `PORT` is not an integer between 0 and 65535.
 * @example
 * ```ts
 * const config = readConfig({ PORT: "8080" });
 * config.port; // 8080
 * ```
 */
export function readConfig(env: Readonly<Record<string, string | undefined>>): HostConfig {
  const port = env.PORT?.trim() ? Number(env.PORT) : DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer from 0 to 65535, not ${JSON.stringify(env.PORT)}`);
  }
  const adminToken = env.HONEYFRAME_ADMIN_TOKEN?.trim();
  return {
    port,
    hostname: env.HOST?.trim() || "0.0.0.0",
    ...(adminToken ? { adminToken } : {}),
  };
}
