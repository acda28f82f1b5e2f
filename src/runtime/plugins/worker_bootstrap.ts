/**
 * What runs first in an isolated plugin's worker, before any of the plugin's code: it takes away
 * what would reach the plugin process (`Deno.exit`, `Deno.kill`, `close`, and `node:process`'s
 * `exit`, `kill`, `abort`, `reallyExit`), each replaced by a function that throws and cannot be put
 * back. A plugin that finds another way out ends only its plugin process, which the host restarts.
 *
 * The worker's `postMessage` is taken here too, before plugin code could replace it: the worker's
 * answers go through {@link postToProcess}.
 *
 * @module
 */
import process from "node:process";

/** What the plugin process and the worker say to each other. */
export interface WorkerMessage {
  /** The message type and its fields. */
  readonly header: { readonly t: string; readonly [field: string]: unknown };
  /** Bytes it carries (a body chunk). */
  readonly bytes?: Uint8Array;
}

const scope = globalThis as unknown as {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
};
const post = scope.postMessage.bind(scope);
const listen = scope.addEventListener.bind(scope);

/**
 * Sends a message to the plugin process (the worker's own `postMessage`, as it was before plugin
 * code ran).
 *
 * @param message The message.
 */
export function postToProcess(message: WorkerMessage): void {
  const bytes = message.bytes;
  post(
    message,
    bytes && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? [bytes.buffer as ArrayBuffer]
      : [],
  );
}

/**
 * Calls `handle` with every message the plugin process sends.
 *
 * @param handle The handler.
 */
export function onProcessMessage(handle: (message: WorkerMessage) => void): void {
  listen("message", (event) => handle(event.data as WorkerMessage));
}

function takeAway(owner: object | undefined, key: string, label: string): void {
  if (!owner) return;
  try {
    Object.defineProperty(owner, key, {
      value: () => {
        throw new Error(`${label} is not available to plugins`);
      },
      writable: false,
      configurable: false,
      enumerable: false,
    });
  } catch {
    // not configurable on this runtime: the plugin process is still the box
  }
}

const deno = (globalThis as { Deno?: object }).Deno;
takeAway(deno, "exit", "Deno.exit");
takeAway(deno, "kill", "Deno.kill");
takeAway(globalThis, "close", "close()");
for (const key of ["exit", "kill", "abort", "reallyExit"]) {
  takeAway(process, key, `process.${key}`);
}
