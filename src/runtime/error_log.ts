/**
 * Server-side error logging: the full error with its stack goes to the log, with the admin token
 * (should a plugin ever put it into an error) replaced, and never to the client.
 *
 * @module
 */

/** Wraps a thrown value that is not an `Error` (Hono's error handlers only see `Error`s). */
export class ThrownValue extends Error {
  /** @param value What was thrown. */
  constructor(readonly value: unknown) {
    super("a value that is not an Error was thrown");
    this.name = "ThrownValue";
  }
}

/** Where the host writes error lines (the console by default). */
export type LogSink = (line: string) => void;

/**
 * Creates a logger that writes one entry per failure, the token redacted.
 *
 * @param sink Where lines go.
 * @param secret A value that must never appear in the log (the admin token), if any.
 * @returns A function that logs a failure with its context.
 * @example
 * ```ts
 * const logFailure = errorLogger(console.error, "the-admin-token-never-logged");
 * logFailure("plugin crm failed on GET /api/crm/x", new Error("boom"));
 * ```
 */
export function errorLogger(
  sink: LogSink,
  secret: string | undefined,
): (context: string, error: unknown) => void {
  return (context, error) => {
    const line = `${context}: ${describeFailure(error)}`;
    sink(secret ? line.replaceAll(secret, "[redacted]") : line);
  };
}

/** The stack of an error, or a printable form of any other thrown value; never throws. */
function describeFailure(error: unknown): string {
  try {
    if (error instanceof ThrownValue) return `thrown value: ${safeString(error.value)}`;
    if (error instanceof Error) return String(error.stack ?? `${error.name}: ${error.message}`);
    return `thrown value: ${safeString(error)}`;
  } catch {
    return "a value that cannot be described was thrown (its traps throw)";
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
