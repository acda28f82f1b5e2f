/**
 * Runtime configuration, read through one function from whatever environment the runtime offers:
 * `Deno.env`, `process.env`, or a Worker's bindings (`c.env`).
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

/**
 * Any source of environment variables: an object with `get()` (`Deno.env`) or a plain record
 * (`process.env`, Worker bindings, whose non-string values are ignored).
 */
export type EnvSource =
  | { get(name: string): string | undefined }
  | Readonly<Record<string, unknown>>;

/** The port used when `PORT` is not set. */
export const DEFAULT_PORT = 8000;

/**
 * Reads one variable from an environment source.
 *
 * @param env The source.
 * @param name The variable name.
 * @returns The trimmed value, or `undefined` when unset, empty or not a string.
 * @example
 * ```ts
 * readEnv(Deno.env, "PORT");
 * readEnv(process.env, "PORT");
 * ```
 */
export function readEnv(env: EnvSource, name: string): string | undefined {
  const value = typeof env.get === "function"
    ? (env as { get(name: string): string | undefined }).get(name)
    : (env as Readonly<Record<string, unknown>>)[name];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/**
 * Reads the configuration from environment variables.
 *
 * @param env `Deno.env`, `process.env` or Worker bindings.
 * @returns The configuration.
 * @throws {Error} When `PORT` is not an integer between 0 and 65535.
 * @example
 * ```ts
 * const config = readConfig({ PORT: "8080" });
 * config.port; // 8080
 * ```
 */
export function readConfig(env: EnvSource): HostConfig {
  const portText = readEnv(env, "PORT");
  const port = portText === undefined ? DEFAULT_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer from 0 to 65535, not ${JSON.stringify(portText)}`);
  }
  const adminToken = readEnv(env, "HONEYFRAME_ADMIN_TOKEN");
  return {
    port,
    hostname: readEnv(env, "HOST") ?? "0.0.0.0",
    ...(adminToken === undefined ? {} : { adminToken }),
  };
}
