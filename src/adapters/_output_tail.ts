/**
 * The end of a subprocess's output, kept in bounded memory however much it prints.
 *
 * @module
 */

/**
 * How long output is still read once the subprocess ended: a program it started (and that outlived
 * it, as after a time limit) may hold its pipes open.
 */
export const PIPE_GRACE_MS = 1_000;

/** How many characters of output a subprocess keeps (the run history keeps fewer). */
const KEPT_CHARS = 64 * 1024;

/** Collects text chunks, keeping only the last {@link KEPT_CHARS} characters. */
export class OutputTail {
  #text = "";

  /** Adds a chunk. */
  push(chunk: string): void {
    this.#text += chunk;
    if (this.#text.length > 2 * KEPT_CHARS) this.#text = this.#text.slice(-KEPT_CHARS);
  }

  /** What was kept. */
  get text(): string {
    return this.#text.slice(-KEPT_CHARS);
  }
}
