/**
 * The Deno adapter: serves a registry with `Deno.serve`. The state lives in PostgreSQL when
 * `HONEYFRAME_DATABASE_URL` is set, else in SQLite at `$DATA_DIR/honeyframe.db` when the process
 * may write there (as under `deno task start`), else in memory.
 *
 * @example
 * ```ts ignore
 * import { registry } from "../../../.gen/registry.ts";
 * await serveDeno(registry);
 * ```
 *
 * @module
 */
import { envOrDefault, type EnvSource } from "../../env/mod.ts";
import { exitProcess, type GeneratedRegistry, startupMessage } from "../../runtime/mod.ts";
import { prepareHost } from "../_prepare_host.ts";
import { dropPrivileges } from "../_drop_privileges.ts";
import { portInUse } from "../../env/mod.ts";
import { shutDownOnSignal } from "../_shutdown.ts";
import { denoLaunch, denoListenLoopback, denoSpawn } from "./spawn.ts";
import { isolationWith } from "../_isolation.ts";
import { type ConnectionGuard, guardConnections } from "./connection_guard.ts";
import type { Hono } from "hono";
import type { HostConfig } from "../../runtime/mod.ts";
import type { ServerLimits } from "../_server_limits.ts";

/** A running host on Deno. */
export interface DenoHost extends AsyncDisposable {
  /** Where clients connect. */
  readonly addr: Deno.NetAddr;
  /** Stops accepting, closes connections and the server. */
  shutdown(): Promise<void>;
}

/**
 * Starts the host on Deno and prints where it listens; exits with a clear message when the
 * configuration is invalid, the port is in use or the state store cannot be opened. Clients reach
 * the app through a {@link guardConnections connection guard} that enforces the header and idle
 * timeouts and the connection cap that `Deno.serve` lacks. `SIGTERM` and `SIGINT` shut it down
 * gracefully.
 *
 * @param registry The generated registry.
 * @param env The environment (`PORT`, `HOST`, `HONEYFRAME_ADMIN_TOKEN`, …); `Deno.env` by default.
 * @returns The running host.
 * @example
 * ```ts ignore
 * import { registry } from "../../../.gen/registry.ts";
 * await using host = await serveDeno(registry, { PORT: "0" });
 * ```
 */
export async function serveDeno(
  generated: GeneratedRegistry,
  env: EnvSource = Deno.env,
): Promise<DenoHost> {
  const dataDir = envOrDefault(env, "DATA_DIR");
  const writable = Deno.permissions.querySync({ name: "write", path: dataDir }).state === "granted";
  const {
    registry,
    config,
    limits,
    app,
    store,
    log,
    notes,
    stopPlugins,
    attributePluginConsole,
  } = await prepareHost(
    generated,
    env,
    writable ? "sqlite" : "memory",
    () => dropPrivileges(env),
    denoSpawn,
    isolationWith(() => Deno.execPath(), denoLaunch, denoListenLoopback),
  );
  let front: Front;
  try {
    front = limits.connectionGuard ? guardedFront(app, config, limits) : directFront(app, config);
  } catch (error) {
    const reason = error instanceof Deno.errors.AddrInUse
      ? portInUse(config.port)
      : (error as Error).message;
    log.error(`Honeyframe Edge cannot start: ${reason}`);
    return exitProcess(1);
  }
  const guardNote = limits.connectionGuard ? [] : [
    "Connection guard off (HONEYFRAME_CONNECTION_GUARD=0): the proxy in front must limit header " +
    "and idle times and connections.",
  ];
  for (
    const line of [...startupMessage(registry, config, front.addr.port), ...notes, ...guardNote]
  ) {
    log.info(line);
  }
  void attributePluginConsole();
  const shutdown = async () => {
    await front.closeAll();
    await stopPlugins();
  };
  shutDownOnSignal((signal, handler) => Deno.addSignalListener(signal, handler), {
    drain: () => front.drain(),
    closeAll: shutdown,
  }, { store, log, timeoutMs: limits.shutdownTimeoutMs, exit: exitProcess });
  return { addr: front.addr, shutdown, [Symbol.asyncDispose]: shutdown };
}

/** Where clients connect, and how it stops. */
interface Front {
  /** The address clients connect to. */
  readonly addr: Deno.NetAddr;
  /** Stops accepting and resolves once every in-flight response has reached its client. */
  drain(): Promise<void>;
  /** Closes every connection and the server. */
  closeAll(): Promise<void>;
}

/**
 * The app behind the connection guard: `Deno.serve` on 127.0.0.1, the guard on the configured
 * address (header and idle timeouts, the connection cap), the client's address passed on.
 */
function guardedFront(app: Hono, config: HostConfig, limits: ServerLimits): Front {
  let guard: ConnectionGuard | undefined;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request, info) => {
      const client = guard?.clientOf(info.remoteAddr.port) ?? info.remoteAddr;
      return app.fetch(request, { ...info, remoteAddr: client });
    },
  );
  try {
    guard = guardConnections(
      { hostname: config.hostname, port: config.port },
      server.addr.port,
      limits,
    );
  } catch (error) {
    server.shutdown();
    throw error;
  }
  const listening = guard;
  return {
    addr: listening.addr,
    drain: async () => {
      listening.stopAccepting();
      await server.shutdown();
      await listening.idle();
    },
    closeAll: async () => {
      await listening[Symbol.asyncDispose]();
      await server.shutdown();
    },
  };
}

/** The app served by `Deno.serve` on the configured address, for a proxy that guards it. */
function directFront(app: Hono, config: HostConfig): Front {
  const abort = new AbortController();
  const server = Deno.serve(
    { hostname: config.hostname, port: config.port, signal: abort.signal, onListen: () => {} },
    (request, info) => app.fetch(request, info),
  );
  return {
    addr: server.addr,
    drain: () => server.shutdown(),
    closeAll: async () => {
      abort.abort();
      await server.finished;
    },
  };
}
