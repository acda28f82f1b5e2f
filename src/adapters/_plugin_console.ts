/**
 * A plugin's console output attributed to it and the request, set up once the server listens: the
 * scope that follows a plugin's work across `await`s is Node's `AsyncLocalStorage`, and loading
 * `node:async_hooks` costs a Deno server's cold start (its Node compatibility layer), so it is
 * imported after the first line is printed. Until then, the scope runs work as it is and the
 * console prints as it always does.
 *
 * The storage holds each call as a string (`<plugin> <request id>`), not an object: measured on
 * Deno 2.9 under load, a fresh object per `run` kept every request's objects alive past the young
 * generation's collections (about 160 KB promoted per collection at 32 concurrent clients, old
 * space growing by 2 MB/s until a full collection), and a string does not.
 *
 * @module
 */
import type { AsyncLocalStorage } from "node:async_hooks";
import type { Logger } from "../log/mod.ts";
import {
  attributeConsole,
  consoleToLog,
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
  let storage: AsyncLocalStorage<string> | undefined;
  let starting: Promise<void> | undefined;
  const scope: RequestScope<PluginCall> = {
    run: (call, callback) => storage ? storage.run(encodeCall(call), callback) : callback(),
    getStore: () => decodeCall(storage?.getStore()),
  };
  return {
    scope,
    start: () =>
      starting ??= import("node:async_hooks").then((hooks) => {
        storage = new hooks.AsyncLocalStorage<string>();
        attributeConsole(console, scope, consoleToLog(log));
      }),
  };
}

/** A call as one string: plugin names and request ids have no spaces. */
function encodeCall(call: PluginCall): string {
  return call.requestId === undefined ? call.plugin : `${call.plugin} ${call.requestId}`;
}

function decodeCall(encoded: string | undefined): PluginCall | undefined {
  if (encoded === undefined) return undefined;
  const space = encoded.indexOf(" ");
  return space < 0
    ? { plugin: encoded }
    : { plugin: encoded.slice(0, space), requestId: encoded.slice(space + 1) };
}
