/**
 * The limits a server adapter enforces (Node's own server; the Deno server leaves connections to
 * the front): how long a client may take to send its request
 * headers, how long a kept-alive connection may stay silent, how many connections may be open at
 * once, how long the audit log keeps an event, and how long a shutdown waits for requests.
 *
 * @module
 */
import { envNumber, type EnvSource } from "../env/mod.ts";

/** Connection limits of a server. */
export interface ServerLimits {
  /** Time for a request's headers to arrive (`HONEYFRAME_HEADER_TIMEOUT_S`), in milliseconds. */
  readonly headerTimeoutMs: number;
  /** Time a connection may stay silent both ways (`HONEYFRAME_IDLE_TIMEOUT_S`), in milliseconds. */
  readonly idleTimeoutMs: number;
  /** Concurrent connections (`HONEYFRAME_MAX_CONNECTIONS`); more are closed at once. */
  readonly maxConnections: number;
  /** Days the audit log keeps an event (`HONEYFRAME_AUDIT_RETENTION_DAYS`). */
  readonly auditRetentionDays: number;
  /** Time in-flight requests get on shutdown (`HONEYFRAME_SHUTDOWN_TIMEOUT_S`), in milliseconds. */
  readonly shutdownTimeoutMs: number;
}

/**
 * Reads the limits from the environment.
 *
 * @param env The environment.
 * @returns The limits.
 * @throws {ConfigError} When a value is not a number in its range.
 */
export function readServerLimits(env: EnvSource): ServerLimits {
  return {
    headerTimeoutMs: envNumber(env, "HONEYFRAME_HEADER_TIMEOUT_S", { min: 0.1, max: 3600 }) * 1000,
    idleTimeoutMs: envNumber(env, "HONEYFRAME_IDLE_TIMEOUT_S", { min: 0.1, max: 86_400 }) * 1000,
    maxConnections: Math.floor(
      envNumber(env, "HONEYFRAME_MAX_CONNECTIONS", { min: 1, max: 1_000_000 }),
    ),
    auditRetentionDays: envNumber(env, "HONEYFRAME_AUDIT_RETENTION_DAYS", { min: 1, max: 36_500 }),
    shutdownTimeoutMs: envNumber(env, "HONEYFRAME_SHUTDOWN_TIMEOUT_S", { min: 0, max: 3600 }) *
      1000,
  };
}
