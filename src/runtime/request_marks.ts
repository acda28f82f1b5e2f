/**
 * Facts the host records on a request it serves (its id, the plugin serving it), kept on the
 * request object itself under a symbol only the host holds, fixed once set (a plugin can read but
 * never change them). A `WeakMap` keyed by requests would do the same, but V8's young-generation
 * collector keeps young `WeakMap` keys alive: measured under load, every in-flight request then
 * survived each scavenge and the young generation doubled in size.
 *
 * @module
 */

/** One fact about requests. */
export interface RequestMark<T> {
  /** The fact recorded on a request, if any. */
  get(request: Request): T | undefined;
  /** Records it (once; recording the same value again is allowed, another one throws). */
  set(request: Request, value: T): void;
}

/**
 * A new kind of fact about requests.
 *
 * @param description What it is (the symbol's description).
 * @returns Its reader and writer.
 * @example
 * ```ts
 * const servedBy = requestMark<string>("servedBy");
 * const request = new Request("http://h/");
 * servedBy.set(request, "crm");
 * servedBy.get(request); // "crm"
 * ```
 */
export function requestMark<T>(description: string): RequestMark<T> {
  const key = Symbol(description);
  return {
    get: (request) => (request as unknown as Record<symbol, T | undefined>)[key],
    // Not writable, not configurable, not enumerable.
    set: (request, value) => void Object.defineProperty(request, key, { value }),
  };
}
