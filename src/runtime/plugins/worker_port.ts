/**
 * An isolated plugin's worker's line to its plugin process: the worker's own `postMessage` and
 * `addEventListener`, taken when this module loads, which is before any plugin code runs (the
 * worker's entry imports it ahead of the plugin's modules), so a plugin that replaces them does not
 * see or forge the worker's messages.
 *
 * @module
 */
/** What the plugin process and the worker say to each other. */
export interface WorkerMessage {
  /** The message type and its fields. */
  readonly header: { readonly t: string; readonly [field: string]: unknown };
  /** Bytes it carries (a body chunk). */
  readonly bytes?: Uint8Array;
}

const scope = globalThis as unknown as {
  postMessage?(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
};

/**
 * Whether this module runs in a dedicated worker (a worker of the plugin process); not in a
 * Worker of its own, which has no `postMessage`.
 */
export const inDedicatedWorker: boolean = typeof scope.postMessage === "function";

const post = inDedicatedWorker ? scope.postMessage!.bind(scope) : () => {};
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
