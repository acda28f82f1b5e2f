/**
 * The host's log: one record per event, written as one JSON object per line
 * (`HONEYFRAME_LOG_FORMAT=json`) or as text for people, with the time, the level, the message and,
 * where known, the request id, the plugin and the error with its stack. Secrets handed to the
 * logger never reach a line. Web standards only: every runtime and both sides of the host use it.
 *
 * @module
 */
import { MIN_SECRET_LENGTH, redactSecrets } from "./secrets.ts";

/** How serious an event is. */
export type LogLevel = "info" | "warn" | "error";

/** How lines are written: `json` (one object per line) or `text`. */
export type LogFormat = "json" | "text";

/** The formats {@link createLogger} writes. */
export const LOG_FORMATS: readonly LogFormat[] = ["json", "text"];

/** What a record carries besides its message; `error` is written with its stack. */
export interface LogFields {
  /** The request the event belongs to. */
  readonly request_id?: string;
  /** The plugin the event belongs to. */
  readonly plugin?: string;
  /** A thrown value. */
  readonly error?: unknown;
  /** Any other field (numbers, strings, booleans). */
  readonly [field: string]: unknown;
}

/** Writes log records. */
export interface Logger {
  /** Something worth knowing happened (start-up, shutdown, an access). */
  info(msg: string, fields?: LogFields): void;
  /** Something went wrong that the host handled. */
  warn(msg: string, fields?: LogFields): void;
  /** A request or a task failed. */
  error(msg: string, fields?: LogFields): void;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** `text` by default. */
  readonly format?: LogFormat;
  /** Values that must never appear in a line (tokens, secrets, passwords); short ones are ignored. */
  readonly secrets?: readonly (string | undefined)[];
  /** Where a finished line goes; by default `console.log` for info, `console.error` otherwise. */
  readonly write?: (line: string, level: LogLevel) => void;
  /** The clock, in milliseconds. */
  readonly now?: () => number;
}

/** Wraps a thrown value that is not an `Error` (Hono's error handlers only see `Error`s). */
export class ThrownValue extends Error {
  /** What was thrown. */
  readonly value: unknown;

  /**
   * Wraps `value`.
   *
   * @param value What was thrown.
   */
  constructor(value: unknown) {
    super("a value that is not an Error was thrown");
    this.name = "ThrownValue";
    this.value = value;
  }
}

/**
 * Creates a logger.
 *
 * @param options Format, secrets, destination and clock.
 * @returns The logger.
 * @example
 * ```ts
 * const lines: string[] = [];
 * const log = createLogger({
 *   format: "json",
 *   secrets: ["the-admin-token-1234"],
 *   write: (line) => lines.push(line),
 * });
 * log.error("plugin crm failed", { plugin: "crm", error: new Error("the-admin-token-1234") });
 * JSON.parse(lines[0]!).level; // "error"
 * ```
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const format = options.format ?? "text";
  const write = options.write ?? writeToConsole;
  const now = options.now ?? Date.now;
  const secrets = redactions(options.secrets ?? []);
  const record = (level: LogLevel) => (msg: string, fields: LogFields = {}) => {
    const time = new Date(now()).toISOString();
    const line = format === "json"
      ? jsonLine(time, level, msg, fields)
      : textLine(time, level, msg, fields);
    write(redactSecrets(line, secrets), level);
  };
  return { info: record("info"), warn: record("warn"), error: record("error") };
}

/** A logger that writes nothing (for tests and build-time stand-ins). */
export const SILENT_LOGGER: Logger = Object.freeze({
  info: () => {},
  warn: () => {},
  error: () => {},
});

function writeToConsole(line: string, level: LogLevel): void {
  if (level === "info") console.log(line);
  else console.error(line);
}

/** Each secret as written raw and as it appears inside a JSON string. */
function redactions(secrets: readonly (string | undefined)[]): string[] {
  const forms = secrets
    .filter((secret): secret is string => !!secret && secret.length >= MIN_SECRET_LENGTH)
    .flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]);
  // Longest first, so that a secret containing another is redacted whole.
  return [...new Set(forms)].sort((a, b) => b.length - a.length);
}

function jsonLine(time: string, level: LogLevel, msg: string, fields: LogFields): string {
  const { error, ...rest } = fields;
  const record: Record<string, unknown> = { time, level, msg };
  for (const [key, value] of Object.entries(rest)) {
    if (value !== undefined && !(key in record)) record[key] = value;
  }
  if ("error" in fields) record.error = describeError(error);
  return safeJson(record);
}

function textLine(time: string, level: LogLevel, msg: string, fields: LogFields): string {
  const { error, ...rest } = fields;
  const pairs = Object.entries(rest)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}=${textValue(value)}`)
    .join("");
  const failure = "error" in fields ? describeError(error) : undefined;
  const detail = failure ? `\n${failure.stack ?? `${failure.name}: ${failure.message}`}` : "";
  return `${time} ${level.toUpperCase()} ${msg}${pairs}${detail}`;
}

function textValue(value: unknown): string {
  const text = typeof value === "string" ? value : safeJson(value);
  return /^[^\s"=]+$/.test(text) ? text : JSON.stringify(text);
}

/** A thrown value as a record field; never throws (a Proxy's traps may). */
function describeError(error: unknown): { name: string; message: string; stack?: string } {
  try {
    if (error instanceof ThrownValue) {
      return { name: "ThrownValue", message: `thrown value: ${safeString(error.value)}` };
    }
    if (error instanceof Error) {
      return {
        name: String(error.name),
        message: String(error.message),
        ...(error.stack ? { stack: String(error.stack) } : {}),
      };
    }
    return { name: "ThrownValue", message: `thrown value: ${safeString(error)}` };
  } catch {
    return { name: "ThrownValue", message: "a value that cannot be described was thrown" };
  }
}

function safeString(value: unknown): string {
  try {
    return typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return "[unprintable value]";
    }
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "null";
  } catch {
    return JSON.stringify(safeString(value));
  }
}
