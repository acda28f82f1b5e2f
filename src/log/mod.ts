/**
 * The host's log: records with time, level, message, request id, plugin and error, written as
 * JSON lines or text, secrets redacted. Web standards only; every layer may use it.
 *
 * @example
 * ```ts
 * import { createLogger } from "./mod.ts";
 * const log = createLogger({ format: "json" });
 * log.info("Honeyframe Edge is shutting down");
 * ```
 *
 * @module
 */
export {
  createLogger,
  LOG_FORMATS,
  type LogFields,
  type LogFormat,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  SILENT_LOGGER,
  ThrownValue,
} from "./logger.ts";
export { MIN_SECRET_LENGTH, redactSecrets, secretValues } from "./secrets.ts";
