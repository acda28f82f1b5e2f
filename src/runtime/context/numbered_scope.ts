/**
 * A request scope that stores a small integer where it would store each call: the plugin's index
 * and the call's number, whose call is looked up in a fixed table while the work runs.
 *
 * Why: measured on Deno 2.9 under load, every value given to `AsyncLocalStorage.run` survives the
 * young generation's next collection (the runtime keeps it in a weak map keyed by a fresh object),
 * so a per-request value (a string or an object) made V8 double the young generation (16 → 32 MiB
 * semi-spaces, ~25 MiB of resident memory) at a few thousand requests a second. A small integer is
 * not an object: nothing survives. The table is an array allocated once (a `Map` that is added to
 * and deleted from reallocates its table in the old generation every few calls). The call is kept
 * until the work settles (a handler's promise, or its return); after that — a timer the work left
 * behind, a stream it is still writing — the scope still names the plugin, without the request id.
 *
 * @module
 */
import type { PluginCall, RequestScope } from "./console_attribution.ts";

/** Where the number is kept across `await`s (the shape of `AsyncLocalStorage`). */
export type NumberStorage = RequestScope<number | PluginCall>;

/** How many plugins the number can name (2^12); work of more is stored as it is. */
const PLUGIN_BITS = 12;
/** How many calls the number tells apart (2^18), of which {@link SLOTS} can run at once. */
const CALL_BITS = 18;
/** How many calls can run at once before more are stored as they are. */
const SLOTS = 4096;

/** A running call and its number. */
interface Slot {
  readonly number: number;
  readonly call: PluginCall;
}

/**
 * A request scope over `storage` whose stored values are small integers.
 *
 * @param storage Where the number is kept (`new AsyncLocalStorage()`).
 * @returns The scope.
 */
export function numberedScope(storage: NumberStorage): RequestScope<PluginCall> {
  const plugins: string[] = [];
  const indexes = new Map<string, number>();
  const slots = new Array<Slot | undefined>(SLOTS).fill(undefined);
  let calls = 0;

  /** The call's number, or nothing when the table is full or the plugin has no index. */
  function numberFor(plugin: string): number | undefined {
    let index = indexes.get(plugin);
    if (index === undefined) {
      if (plugins.length === 2 ** PLUGIN_BITS) return undefined;
      index = plugins.push(plugin) - 1;
      indexes.set(plugin, index);
    }
    for (let tries = 0; tries < SLOTS; tries++) {
      calls = (calls + 1) % 2 ** CALL_BITS;
      if (slots[calls % SLOTS] === undefined) return calls * 2 ** PLUGIN_BITS + index;
    }
    return undefined;
  }

  return {
    run(call, callback) {
      const number = numberFor(call.plugin);
      if (number === undefined) return storage.run(call, callback);
      const slot = (number >> PLUGIN_BITS) % SLOTS;
      slots[slot] = { number, call };
      const release = () => void (slots[slot] = undefined);
      let result;
      try {
        result = storage.run(number, callback);
      } catch (thrown) {
        release();
        throw thrown;
      }
      if (result instanceof Promise) result.then(release, release);
      else release();
      return result;
    },
    getStore() {
      const stored = storage.getStore();
      if (typeof stored !== "number") return stored;
      const running = slots[(stored >> PLUGIN_BITS) % SLOTS];
      return running?.number === stored
        ? running.call
        : { plugin: plugins[stored % 2 ** PLUGIN_BITS]! };
    },
  };
}
