/**
 * The code of isolated plugins as the registry carries it: JSON, gzip-compressed, in base64,
 * inside a function the host calls only when it isolates some plugin. Packed, it is about a
 * seventh of its size in the registry's source text, which V8 keeps in the heap of every host
 * (150 KB instead of 1.1 MB at 1,000 plugins); a host that isolates unpacks it once.
 *
 * @module
 */
import type { GeneratedRegistry, WorkerCode } from "../registry.ts";

/**
 * Unpacks the registry's packed worker code (Web standards only: it runs on every runtime).
 *
 * @param packed The packed code, as the build wrote it.
 * @returns The worker code.
 * @example
 * ```ts
 * declare const packed: string;
 * const { entries } = await unpackWorkerCode(packed);
 * ```
 */
export async function unpackWorkerCode(packed: string): Promise<WorkerCode> {
  const bytes = Uint8Array.from(atob(packed), (char) => char.charCodeAt(0));
  const json = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return await new Response(json).json() as WorkerCode;
}

const unpacked = new WeakMap<GeneratedRegistry, Promise<WorkerCode | undefined>>();

/**
 * A generated registry's worker code, unpacked once per registry however many parts of the host
 * ask for it.
 *
 * @param generated The generated registry.
 * @returns Its worker code, or `undefined` when the build made no worker.
 * @example
 * ```ts
 * import type { GeneratedRegistry } from "../registry.ts";
 * declare const generated: GeneratedRegistry;
 * const entry = (await workerCodeOf(generated))?.entries["crm"];
 * ```
 */
export function workerCodeOf(generated: GeneratedRegistry): Promise<WorkerCode | undefined> {
  let code = unpacked.get(generated);
  if (code === undefined) {
    code = generated.workerCode ? generated.workerCode() : Promise.resolve(undefined);
    unpacked.set(generated, code);
  }
  return code;
}
