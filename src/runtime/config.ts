/**
 * Runtime configuration, read through one function from whatever environment the runtime offers:
 * `Deno.env`, `process.env`, or a Worker's bindings (`c.env`).
 *
 * @module
 */
import { ConfigError, envNumber, envOrDefault, type EnvSource, readEnv } from "../env/mod.ts";

/** The host's runtime configuration. */
export interface HostConfig {
  /** The TCP port to listen on (`PORT`, default 8000). */
  readonly port: number;
  /** The interface to listen on (`HOST`, default `0.0.0.0`). */
  readonly hostname: string;
  /** The admin bearer token (`HONEYFRAME_ADMIN_TOKEN`); admin surfaces are closed without one. */
  readonly adminToken?: string;
  /** The HS256 secret of users' JWTs (`HONEYFRAME_JWT_SECRET`); protected routes answer 401 without. */
  readonly jwtSecret?: string;
  /** How long a plugin handler may take before the host answers 504 (`HONEYFRAME_PLUGIN_TIMEOUT_S`). */
  readonly pluginTimeoutMs?: number;
}

/** The shortest admin token accepted: shorter ones are guessable. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

/** The shortest JWT secret accepted (HS256 wants at least 256 bits). */
export const MIN_JWT_SECRET_LENGTH = 32;

/**
 * Reads the configuration from environment variables.
 *
 * @param env `Deno.env`, `process.env` or Worker bindings.
 * @returns The configuration.
 * @throws {ConfigError} When `PORT` is not an integer from 0 to 65535, the admin token is
 * shorter than {@link MIN_ADMIN_TOKEN_LENGTH} characters, or the JWT secret shorter than
 * {@link MIN_JWT_SECRET_LENGTH}.
 * @example
 * ```ts
 * const config = readConfig({ PORT: "8080" });
 * config.port; // 8080
 * ```
 */
export function readConfig(env: EnvSource): HostConfig {
  const portText = envOrDefault(env, "PORT");
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(
      `PORT must be an integer from 0 to 65535, not ${JSON.stringify(portText)}`,
    );
  }
  const adminToken = readEnv(env, "HONEYFRAME_ADMIN_TOKEN");
  if (adminToken !== undefined && adminToken.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new ConfigError(
      `HONEYFRAME_ADMIN_TOKEN is ${adminToken.length} characters long; use at least ` +
        `${MIN_ADMIN_TOKEN_LENGTH} (for example: openssl rand -hex 32)`,
    );
  }
  const jwtSecret = readEnv(env, "HONEYFRAME_JWT_SECRET");
  if (jwtSecret !== undefined && jwtSecret.length < MIN_JWT_SECRET_LENGTH) {
    throw new ConfigError(
      `HONEYFRAME_JWT_SECRET is ${jwtSecret.length} characters long; use at least ` +
        `${MIN_JWT_SECRET_LENGTH} (for example: openssl rand -hex 32)`,
    );
  }
  return {
    port,
    hostname: envOrDefault(env, "HOST"),
    ...(adminToken === undefined ? {} : { adminToken }),
    ...(jwtSecret === undefined ? {} : { jwtSecret }),
    pluginTimeoutMs: envNumber(env, "HONEYFRAME_PLUGIN_TIMEOUT_S", { min: 0.01, max: 86_400 }) *
      1000,
  };
}

/**
 * Reads the configuration for a server that is starting: a {@link ConfigError} is printed as one
 * clear line and the process exits with status 1.
 *
 * @param env The environment source.
 * @param exit The runtime's exit function (`Deno.exit`, `process.exit`).
 * @returns The configuration.
 * @example
 * ```ts
 * const config = readConfigOrExit(Deno.env, Deno.exit);
 * ```
 */
export function readConfigOrExit(env: EnvSource, exit: (code: number) => never): HostConfig {
  try {
    return readConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Honeyframe Edge cannot start: ${error.message}`);
    return exit(1);
  }
}
