/**
 * Build-time module inspection: imports plugin modules inside a worker, bounded in time, and
 * reports each module's exports by kind. A module that hangs or kills the worker costs that worker
 * only; the next module gets a fresh one (as does every {@link IMPORTS_PER_WORKER}th).
 *
 * @module
 */
import { pathToFileURL } from "node:url";
import type { ExportInfo } from "./export_kind.ts";

/** How long one module import may take before it is reported as hanging, in milliseconds. */
export const DEFAULT_IMPORT_TIMEOUT_MS = 10_000;

/**
 * How many modules one worker imports before it is replaced by a fresh one: each dynamic import
 * costs Deno time in proportion to the modules already loaded, so a long-lived worker makes a
 * build of many plugins quadratic.
 */
export const IMPORTS_PER_WORKER = 100;

/** What importing a module gave: what each export is, or why the import failed. */
export type ModuleReport =
  | { readonly ok: true; readonly exports: Readonly<Record<string, ExportInfo>> }
  | { readonly ok: false; readonly message: string };

type WorkerReply = { id: number } & ModuleReport;

/**
 * Imports modules one at a time in a worker. Call {@link ModuleInspector.close} when done.
 *
 * @example
 * ```ts
 * using inspector = new ModuleInspector(10_000);
 * const report = await inspector.inspect("/data/plugins/crm/backend/routers/customers.ts");
 * ```
 */
export class ModuleInspector implements Disposable {
  #worker: Promise<Worker> | undefined;
  #nextId = 0;
  #imports = 0;

  /** @param timeoutMs Time limit for one import. */
  constructor(readonly timeoutMs: number = DEFAULT_IMPORT_TIMEOUT_MS) {}

  /**
   * Imports a module and reports its exports. Never rejects.
   *
   * @param file The absolute path of the module.
   * @returns The exports by kind, or the failure message.
   */
  async inspect(file: string): Promise<ModuleReport> {
    if (++this.#imports > IMPORTS_PER_WORKER) {
      this.close();
      this.#imports = 1;
    }
    const started = this.#worker ??= startWorker();
    let worker: Worker;
    try {
      worker = await started;
    } catch (error) {
      this.#worker = undefined;
      return { ok: false, message: `the import worker failed to start: ${String(error)}` };
    }
    const id = this.#nextId++;
    return new Promise<ModuleReport>((resolve) => {
      const finish = (report: ModuleReport, healthy: boolean) => {
        clearTimeout(timer);
        worker.removeEventListener("message", onMessage);
        worker.removeEventListener("error", onError);
        if (!healthy) this.#discard(worker);
        resolve(report);
      };
      const onMessage = ({ data }: MessageEvent<WorkerReply>) => {
        if (data.id !== id) return;
        finish(
          data.ok ? { ok: true, exports: data.exports } : { ok: false, message: data.message },
          true,
        );
      };
      const onError = (event: ErrorEvent) => {
        event.preventDefault();
        finish(
          { ok: false, message: event.message || "the module crashed the import worker" },
          false,
        );
      };
      const timer = setTimeout(() => {
        finish({
          ok: false,
          message:
            `the import did not finish within ${this.timeoutMs} ms (a top-level await that never settles?)`,
        }, false);
      }, this.timeoutMs);
      worker.addEventListener("message", onMessage);
      worker.addEventListener("error", onError);
      worker.postMessage({ id, url: pathToFileURL(file).href });
    });
  }

  /** Stops the worker. */
  close(): void {
    this.#worker?.then((worker) => worker.terminate(), () => {});
    this.#worker = undefined;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  #discard(worker: Worker): void {
    worker.terminate();
    this.#worker = undefined;
  }
}

/** Starts an import worker and waits until it is ready to take modules. */
function startWorker(): Promise<Worker> {
  const worker = new Worker(new URL("./inspect_worker.ts", import.meta.url), { type: "module" });
  return new Promise((resolve, reject) => {
    worker.addEventListener("message", () => resolve(worker), { once: true });
    worker.addEventListener("error", (event) => {
      event.preventDefault();
      worker.terminate();
      reject(new Error(event.message));
    }, { once: true });
  });
}
