/**
 * Only the host ends the process. The runtime's exit functions are kept here when the host loads,
 * before any plugin code runs; once plugins are imported, `Deno.exit` and `process.exit` throw for
 * everyone else, so a plugin cannot stop the server at import or in a handler.
 *
 * @module
 */

type ExitFunction = (code?: number) => never;

const runtime = globalThis as {
  Deno?: { exit?: ExitFunction };
  process?: { exit?: ExitFunction };
};

const hostExit: ExitFunction | undefined = runtime.Deno?.exit?.bind(runtime.Deno) ??
  runtime.process?.exit?.bind(runtime.process);

/** What a plugin that calls `Deno.exit` or `process.exit` gets. */
export class ExitRefused extends Error {
  /** The error's name. */
  override name = "ExitRefused";
}

/**
 * Ends the process: the host's own exit (configuration errors, shutdown).
 *
 * @param code The exit status.
 * @returns Never.
 * @example
 * ```ts ignore
 * exitProcess(1);
 * ```
 */
export function exitProcess(code: number): never {
  if (!hostExit) throw new Error(`exit(${code}) is not available on this runtime`);
  return hostExit(code);
}

/**
 * Makes `Deno.exit` and `process.exit` throw {@link ExitRefused} from now on (the host keeps
 * {@link exitProcess}). Idempotent; a runtime without them is left alone.
 *
 * @example
 * ```ts
 * refuseExitToPlugins();
 * ```
 */
export function refuseExitToPlugins(): void {
  const refuse = (() => {
    throw new ExitRefused("plugins may not end the server process");
  }) as ExitFunction;
  // On Deno, `process.exit` ends the process through `Deno.exit`, so refusing that refuses both,
  // and `globalThis.process` stays untouched: reading it loads Deno's Node compatibility layer,
  // about 30 ms of every start (bench/README.md).
  for (const holder of runtime.Deno ? [runtime.Deno] : [runtime.process]) {
    if (!holder || typeof holder.exit !== "function") continue;
    try {
      Object.defineProperty(holder, "exit", {
        value: refuse,
        writable: false,
        configurable: false,
      });
    } catch {
      // already refused (not configurable)
    }
  }
}
