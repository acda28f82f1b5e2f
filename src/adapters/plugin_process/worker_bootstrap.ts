/**
 * What runs first in an isolated plugin's worker, before any of the plugin's code: it takes away
 * what would reach the plugin process (`Deno.exit`, `Deno.kill`, `close`, and `node:process`'s
 * `exit`, `kill`, `abort`, `reallyExit`), each replaced by a function that throws and cannot be put
 * back. A plugin that finds another way out ends only its plugin process, which the host restarts.
 * It also gives the serving loop the scope that follows a request across `await`s, so that what the
 * plugin prints is attributed to the request.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import process from "node:process";
import { numberedScope, type PluginCall, type RequestScope } from "../../runtime/mod.ts";

/** The request a plugin's work serves, across its `await`s. */
export const requestScope: RequestScope<PluginCall> = numberedScope(new AsyncLocalStorage());

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
