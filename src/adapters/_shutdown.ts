/**
 * Graceful shutdown, the same on every server runtime: on `SIGTERM` or `SIGINT` the server stops
 * accepting connections, in-flight requests get up to `HONEYFRAME_SHUTDOWN_TIMEOUT_S` to finish,
 * then what is still open is closed, the state store is closed, and the process exits 0.
 *
 * @module
 */
import type { Logger } from "../log/mod.ts";
import type { StateStore } from "../state/mod.ts";

/** The signals that stop a server. */
export const SHUTDOWN_SIGNALS = ["SIGTERM", "SIGINT"] as const;

/** One of {@link SHUTDOWN_SIGNALS}. */
export type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];

/** How a runtime's server stops. */
export interface StoppableServer {
  /** Stops accepting; resolves once every in-flight request has been answered. */
  drain(): Promise<void>;
  /** Closes every connection still open. */
  closeAll(): PromiseLike<void> | void;
}

/** What a shutdown needs besides the server. */
export interface ShutdownContext {
  /** The state store, closed last. */
  readonly store: StateStore;
  /** Where the shutdown is reported. */
  readonly log: Logger;
  /** How long in-flight requests may take to finish. */
  readonly timeoutMs: number;
  /** Ends the process. */
  readonly exit: (code: number) => never;
}

/**
 * Listens for the shutdown signals; the first one shuts the server down, a second one while it
 * drains is ignored (the timeout bounds the wait).
 *
 * @param listen Registers a signal handler (`Deno.addSignalListener`, `process.on`).
 * @param server The server.
 * @param context Store, log, timeout and exit.
 */
export function shutDownOnSignal(
  listen: (signal: ShutdownSignal, handler: () => void) => void,
  server: StoppableServer,
  context: ShutdownContext,
): void {
  let stopping = false;
  for (const signal of SHUTDOWN_SIGNALS) {
    listen(signal, () => {
      if (stopping) return;
      stopping = true;
      void shutDown(signal, server, context);
    });
  }
}

async function shutDown(
  signal: ShutdownSignal,
  server: StoppableServer,
  context: ShutdownContext,
): Promise<never> {
  const { log, timeoutMs } = context;
  log.info(
    `Honeyframe Edge received ${signal}: no new connections; in-flight requests have ${
      timeoutMs / 1000
    } s to finish`,
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const drained = await Promise.race([
    server.drain().then(() => true, () => true),
    new Promise<false>((resolve) => timer = setTimeout(resolve, timeoutMs, false)),
  ]);
  clearTimeout(timer);
  if (!drained) {
    log.warn(`requests still running after ${timeoutMs / 1000} s were cut off`);
    await server.closeAll();
  }
  try {
    await context.store.close();
  } catch (error) {
    log.warn("the state store did not close cleanly", { error });
  }
  log.info("Honeyframe Edge stopped");
  return context.exit(0);
}
