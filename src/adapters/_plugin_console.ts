/**
 * A plugin's console output attributed to it and the request, set up once the server listens: the
 * scope that follows a plugin's work across `await`s is Node's `AsyncLocalStorage`, and loading
 * `node:async_hooks` costs a Deno server's cold start (its Node compatibility layer), so it is
 * imported after the first line is printed. Until then, the scope runs work as it is and the
 * console prints as it always does.
 *
 * The storage holds small integers ({@link numberedScope}): a per-request value given to
 * `AsyncLocalStorage.run` survives the young generation's collections.
 *
 * @module
 */
import type { AsyncLocalStorage } from "node:async_hooks";
import type { Logger } from "../log/mod.ts";
import {
  attributeConsole,
  consoleToLog,
  numberedScope,
  type PluginCall,
  type RequestScope,
} from "../runtime/mod.ts";

/** The scope to give `createApp`, and what starts attributing the console. */
export interface PluginConsole {
  /** Follows a plugin's work across `await`s, once {@link PluginConsole.start} has run. */
  readonly scope: RequestScope<PluginCall>;
  /** Loads `AsyncLocalStorage` and makes the console attribute what plugins print (once). */
  start(): Promise<void>;
}

/**
 * A plugin console for the server's process.
 *
 * @param log The host's logger, which writes the attributed lines.
 * @returns The scope and its start.
 */
export function pluginConsole(log: Logger): PluginConsole {
  let storage: AsyncLocalStorage<number | PluginCall> | undefined;
  let starting: Promise<void> | undefined;
  const numbered = numberedScope({
    run: (value, callback) => storage!.run(value, callback),
    getStore: () => storage?.getStore(),
  });
  const scope: RequestScope<PluginCall> = {
    run: (call, callback) => storage ? numbered.run(call, callback) : callback(),
    getStore: () => numbered.getStore(),
  };
  return {
    scope,
    start: () =>
      starting ??= import("node:async_hooks").then((hooks) => {
        storage = new hooks.AsyncLocalStorage();
        attributeConsole(console, scope, consoleToLog(log));
      }),
  };
}
