/**
 * Where the CLI writes: injectable so that tests can read what a verb printed.
 *
 * @module
 */

/** The CLI's output streams, line by line. */
export interface CliIo {
  /** Writes one line of normal output. */
  out(line: string): void;
  /** Writes one line of diagnostics. */
  err(line: string): void;
}

/** The process's standard output and standard error. */
export const consoleIo: CliIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};
