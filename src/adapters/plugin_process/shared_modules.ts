/**
 * The shared worker modules inside the plugin process (see `runtime/plugins/worker_modules.ts`):
 * the host sends each once per connection; each becomes a `blob:` URL the first time a worker needs
 * it, its own imports of other shared modules relinked to their URLs (a worker cannot read files,
 * and a `blob:` URL has no folder to resolve `./` against).
 *
 * @module
 */
import { WORKER_BOOTSTRAP, workerMainSource } from "../../runtime/plugins/mod.ts";

/** A relative import of a shared module in a bundled module (`"./chunk-X.js"`, either quote). */
const SHARED_IMPORT = /(["'])\.\/([\w.-]+\.js)\1/g;

/** The shared modules the host sent, by file name. */
export class SharedModules {
  readonly #code = new Map<string, string>();
  readonly #urls = new Map<string, string>();

  /**
   * Keeps a shared module the host sent (the first copy of a name wins).
   *
   * @param file Its file name.
   * @param code Its source.
   */
  add(file: string, code: string): void {
    if (!this.#code.has(file)) this.#code.set(file, code);
  }

  /**
   * The URL of the module a plugin's worker starts from: the bootstrap, then the plugin's entry.
   *
   * @param entry The plugin's entry module (its imports of shared modules are relinked).
   * @returns A `blob:` URL.
   * @throws {Error} When a module it imports was never sent, or shared modules import in a cycle.
   */
  mainUrl(entry: string): string {
    return blobUrl(workerMainSource(this.#urlOf(WORKER_BOOTSTRAP, []), this.#linked(entry, [])));
  }

  #linked(code: string, importers: readonly string[]): string {
    const relinked = code.replace(
      SHARED_IMPORT,
      (whole, _quote: string, file: string) =>
        this.#code.has(file) ? JSON.stringify(this.#urlOf(file, importers)) : whole,
    );
    return blobUrl(relinked);
  }

  #urlOf(file: string, importers: readonly string[]): string {
    const known = this.#urls.get(file);
    if (known !== undefined) return known;
    const code = this.#code.get(file);
    if (code === undefined) throw new Error(`the shared worker module ${file} was never sent`);
    if (importers.includes(file)) {
      throw new Error(
        `the shared worker modules import in a cycle: ${[...importers, file].join(" → ")}`,
      );
    }
    const url = this.#linked(code, [...importers, file]);
    this.#urls.set(file, url);
    return url;
  }
}

function blobUrl(code: string): string {
  return URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
}
