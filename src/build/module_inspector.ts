/**
 * Build-time module inspection: imports plugin modules inside a worker, bounded in time, and
 * reports each module's exports by kind. A module that hangs or kills the worker costs that worker
 * only; the next module gets a fresh one (as does every {@link IMPORTS_PER_WORKER}th).
 *
 * The worker is a sandbox: it may read only the plugin folders being verified and the host's
 * dependencies, and has no environment, no writes, no network, no subprocesses and no FFI, so
 * plugin code run at build, verify or install time cannot read a secret or change a file. What a
 * plugin attempted anyway becomes its import problem.
 *
 * @module
 */
import { fileURLToPath, pathToFileURL } from "node:url";
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

  /**
   * @param timeoutMs Time limit for one import.
   * @param readable Folders plugin code may read (the plugin folders); the host's `node_modules`
   * and `src` are added.
   */
  constructor(
    readonly timeoutMs: number = DEFAULT_IMPORT_TIMEOUT_MS,
    readonly readable: readonly string[] = [],
  ) {}

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
    const started = this.#worker ??= startWorker([...HOST_READABLE, ...this.readable]);
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
          data.ok
            ? { ok: true, exports: data.exports }
            : { ok: false, message: explainRefusal(data.message) },
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

/** What every import worker may read: the host's dependencies and its own sources. */
const HOST_READABLE = ["../../node_modules", "../../src"].map((path) =>
  fileURLToPath(new URL(path, import.meta.url))
);

/** Starts a sandboxed import worker and waits until it is ready to take modules. */
function startWorker(readable: readonly string[]): Promise<Worker> {
  const worker = new Worker(new URL("./inspect_worker.ts", import.meta.url), {
    type: "module",
    deno: {
      permissions: {
        read: [...readable],
        write: false,
        env: false,
        net: false,
        run: false,
        ffi: false,
        sys: false,
      },
    },
  } as WorkerOptions);
  return new Promise((resolve, reject) => {
    worker.addEventListener("message", () => resolve(worker), { once: true });
    worker.addEventListener("error", (event) => {
      event.preventDefault();
      worker.terminate();
      reject(new Error(event.message));
    }, { once: true });
  });
}

/**
 * A sandbox refusal (`NotCapable: Requires env access to "X", run again with …`) in words that say
 * what the plugin tried and why it was refused.
 */
function explainRefusal(message: string): string {
  const refused = /^NotCapable: Requires (\w+) access(?: to "?([^",]*)"?)?/.exec(message);
  if (!refused) return message;
  const [, kind, target] = refused;
  const what = {
    env: `read the environment variable ${target}`,
    write: `write ${target}`,
    read: `read ${target}`,
    net: `open a network connection to ${target}`,
    run: `run ${target}`,
    ffi: "load a native library",
    sys: "read system information",
  }[kind!] ?? `use ${kind} access`;
  return `the module tried to ${what} while it was imported; plugin code is imported at build ` +
    "time without environment, writes, network or subprocesses (the plugin's own folder is readable)";
}
