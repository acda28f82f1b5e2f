/**
 * Where the CLI writes: injectable so that tests can read what a verb printed.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import process from "node:process";
import { styleText } from "node:util";

/** The CLI's output streams, line by line. */
export interface CliIo {
  /** Writes one line of normal output. */
  out(line: string): void;
  /** Writes one line of diagnostics. */
  err(line: string): void;
  /** Reads standard input to its end (a secret, a key: never taken from the command line). */
  input(): Promise<string>;
}

/** A line's leading level word (`error`, `warning`), coloured at the terminal only. */
const LEVEL = /^(error|warning)\b/;

/** The line with its level coloured when `stream` is a terminal and `NO_COLOR` is unset. */
function coloured(line: string, stream: NodeJS.WriteStream): string {
  return line.replace(
    LEVEL,
    (level) => styleText(level === "error" ? "red" : "yellow", level, { stream }),
  );
}

/** The process's standard output and standard error. */
export const consoleIo: CliIo = {
  out: (line) => console.log(coloured(line, process.stdout)),
  err: (line) => console.error(coloured(line, process.stderr)),
  input: async () => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Uint8Array);
    return new TextDecoder().decode(Buffer.concat(chunks));
  },
};

/** How a verb ended, for people (lines) and for machines (`--json`: one object). */
export interface VerbOutcome {
  /** Whether the verb did what it was asked. */
  readonly ok: boolean;
  /** What was done, or why nothing was (lines for people; one string in JSON). */
  readonly message: string;
  /** Problem lines shown to people before the message. */
  readonly lines?: readonly string[];
  /** The JSON object's other fields (`plugin`, `path`, `problems`, …). */
  readonly data?: Readonly<Record<string, unknown>>;
}

/**
 * Writes a verb's outcome and gives its exit code: with `json`, one JSON object on standard output
 * (`{ ok, message, … }`); otherwise the problem lines and the message, on standard error when the
 * verb failed (as `error: …`).
 *
 * @param io Where to write.
 * @param json Whether machine-readable output was asked for.
 * @param outcome The outcome.
 * @returns 0 when it went well, 1 otherwise.
 * @example
 * ```ts
 * report(consoleIo, false, { ok: true, message: "created plugins/crm" }); // 0
 * ```
 */
export function report(io: CliIo, json: boolean, outcome: VerbOutcome): number {
  if (json) {
    io.out(JSON.stringify({ ok: outcome.ok, message: outcome.message, ...outcome.data }, null, 2));
  } else {
    for (const line of outcome.lines ?? []) io.err(line);
    for (const line of outcome.message.split("\n")) {
      if (outcome.ok) io.out(line);
      else io.err(`error: ${line}`);
    }
  }
  return outcome.ok ? 0 : 1;
}
