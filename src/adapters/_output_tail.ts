/**
 * The end of a subprocess's output, kept in bounded memory however much it prints.
 *
 * @module
 */

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
