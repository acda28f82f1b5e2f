/**
 * A plugin's own `console.*` output, attributed as `ctx.log`'s is: while the host runs a plugin's
 * handler, page or block, what it prints becomes a line of the host's log with the plugin's name and
 * the request id. Which plugin is running is carried across `await`s by a request scope (an
 * `AsyncLocalStorage` where the runtime has one: the server adapters and the plugin's worker supply
 * it); outside a plugin's work, the console prints as it always does.
 *
 * @module
 */
import type { Logger } from "../../log/mod.ts";

/** What a request scope carries: the plugin at work, and the request it serves. */
export interface PluginCall {
  /** The plugin's name. */
  readonly plugin: string;
  /** The request's id, when there is one. */
  readonly requestId?: string | undefined;
}

/**
 * Carries a value across the `await`s of the work started within {@link RequestScope.run} (the shape
 * of `AsyncLocalStorage`).
 */
export interface RequestScope<T> {
  /** Runs `callback` with `store` as the scope's value, for it and all it starts. */
  run<R>(store: T, callback: () => R): R;
  /** The value of the work running now, if any. */
  getStore(): T | undefined;
}

/** The console methods that print, and the level each becomes. */
const METHODS = {
  log: "info",
  info: "info",
  debug: "info",
  warn: "warn",
  error: "error",
} as const;

/** The most characters one console line keeps. */
const MAX_LINE = 8 * 1024;

/**
 * Makes `console`'s printing methods attribute what a plugin prints while it works.
 *
 * @param target The console to change (`globalThis.console`).
 * @param scope Where the plugin at work is found.
 * @param write Writes an attributed line: the level, the text, the plugin at work.
 * @returns A function that puts the console back.
 */
export function attributeConsole(
  target: Console,
  scope: RequestScope<PluginCall>,
  write: (level: "info" | "warn" | "error", text: string, call: PluginCall) => void,
): () => void {
  const originals = new Map<keyof typeof METHODS, (...args: unknown[]) => void>();
  let writing = false;
  for (const [method, level] of Object.entries(METHODS) as [keyof typeof METHODS, "info"][]) {
    const original = target[method];
    originals.set(method, original);
    target[method] = (...args: unknown[]) => {
      const call = writing ? undefined : scope.getStore();
      if (!call) return original.apply(target, args);
      // The logger writes through the console too: its own line is printed as it is.
      writing = true;
      try {
        write(level, formatArguments(args), call);
      } finally {
        writing = false;
      }
    };
  }
  return () => {
    for (const [method, original] of originals) target[method] = original;
  };
}

/**
 * Writes an attributed console line with the host's logger, as `ctx.log` does.
 *
 * @param log The host's logger.
 * @returns The writer for {@link attributeConsole}.
 */
export function consoleToLog(
  log: Logger,
): (level: "info" | "warn" | "error", text: string, call: PluginCall) => void {
  return (level, text, call) =>
    log[level](`plugin ${call.plugin}: ${text}`, {
      plugin: call.plugin,
      ...(call.requestId === undefined ? {} : { request_id: call.requestId }),
      source: "console",
    });
}

/**
 * What `console.log(…args)` would print, on one line (objects as JSON where they are), cut at
 * {@link MAX_LINE} characters.
 *
 * @param args The arguments.
 * @returns The text.
 */
export function formatArguments(args: readonly unknown[]): string {
  const text = args.map((arg) => {
    if (typeof arg === "string") return arg;
    if (arg instanceof Error) return arg.stack ?? `${arg.name}: ${arg.message}`;
    try {
      return JSON.stringify(arg) ?? String(arg);
    } catch {
      return String(arg);
    }
  }).join(" ");
  return text.length > MAX_LINE ? `${text.slice(0, MAX_LINE)}…` : text;
}
