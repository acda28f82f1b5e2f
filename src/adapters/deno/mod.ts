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
import { denoSpawn } from "./spawn.ts";
import { type ConnectionGuard, guardConnections } from "./connection_guard.ts";

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
  const { registry, config, limits, app, store, log, notes } = await prepareHost(
    generated,
    env,
    writable ? "sqlite" : "memory",
    () => dropPrivileges(env),
    denoSpawn,
  );
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
    const reason = error instanceof Deno.errors.AddrInUse
      ? portInUse(config.port)
      : (error as Error).message;
    log.error(`Honeyframe Edge cannot start: ${reason}`);
    return exitProcess(1);
  }
  for (const line of [...startupMessage(registry, config, guard.addr.port), ...notes]) {
    log.info(line);
  }
  const listening = guard;
  const shutdown = async () => {
    await listening[Symbol.asyncDispose]();
    await server.shutdown();
  };
  shutDownOnSignal((signal, handler) => Deno.addSignalListener(signal, handler), {
    drain: async () => {
      listening.stopAccepting();
      await server.shutdown();
      await listening.idle();
    },
    closeAll: () => listening[Symbol.asyncDispose](),
  }, { store, log, timeoutMs: limits.shutdownTimeoutMs, exit: exitProcess });
  return { addr: guard.addr, shutdown, [Symbol.asyncDispose]: shutdown };
}
