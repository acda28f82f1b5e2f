/**
 * The worker that imports plugin modules at build time, so that a module that hangs, throws or
 * pollutes globals cannot take the build down: the build terminates the worker and moves on.
 * Protocol: posts `{ ready: true }` once loaded; then receives `{ id, url }` and answers
 * `{ id, ok: true, exports }` (export name → kind and routes) or `{ id, ok: false, message }`.
 *
 * @module
 */
import { describeExport } from "./export_kind.ts";

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<{ id: number; url: string }>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = async ({ data: { id, url } }) => {
  try {
    const namespace: Record<string, unknown> = await import(url);
    const exports = Object.fromEntries(
      Object.entries(namespace).map(([name, value]) => [name, describeExport(value)]),
    );
    scope.postMessage({ id, ok: true, exports });
  } catch (error) {
    const message = error instanceof Error
      ? `${error.name}: ${error.message}`
      : `thrown value ${String(error)}`;
    scope.postMessage({ id, ok: false, message });
  }
};

scope.postMessage({ ready: true });
