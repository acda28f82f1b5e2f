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
import { envOrDefault, type EnvSource, readEnv } from "../../env/mod.ts";
import { exitProcess, type GeneratedRegistry, startupMessage, withUrl } from "../../runtime/mod.ts";
import { prepareHost } from "../_prepare_host.ts";
import { dropPrivileges } from "../_drop_privileges.ts";
import { portInUse } from "../../env/mod.ts";
import { shutDownOnSignal } from "../_shutdown.ts";
import { denoLaunch, denoListenLoopback, denoSpawn } from "./spawn.ts";
import { isolationWith } from "../_isolation.ts";
import type { Hono } from "hono";
import type { HostConfig } from "../../runtime/mod.ts";

/** A running host on Deno. */
export interface DenoHost extends AsyncDisposable {
  /** Where clients (or the front) connect. */
  readonly addr: Deno.Addr;
  /** Stops accepting, closes connections and the server. */
  shutdown(): Promise<void>;
}

/**
 * Starts the host on Deno and prints where it listens; exits with a clear message when the
 * configuration is invalid, the port is in use or the state store cannot be opened. Behind the
 * front (`HONEYFRAME_SOCKET`, set by `npm run start:prod` and the container) it listens on that Unix
 * socket before it drops its permissions (answering 503 until the plugins are loaded), and takes
 * the client's address from the `X-Forwarded-For` the front sets; otherwise `Deno.serve` listens on
 * `HOST:PORT` itself, with no header or idle limits (a development server: it says so when `HOST`
 * is not loopback). `SIGTERM` and `SIGINT` shut it down gracefully.
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
  const socket = readEnv(env, "HONEYFRAME_SOCKET");
  // The socket is made while the process may still write it; the app takes over once loaded.
  let serve: (
    request: Request,
    info: Deno.ServeHandlerInfo<Deno.Addr>,
  ) => Response | Promise<Response> = () =>
    new Response("starting", { status: 503, headers: { "Retry-After": "1" } });
  const early = socket === undefined
    ? undefined
    : socketFront(socket, (request, info) => serve(request, info));
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
    importInBackground,
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
    front = early ?? directFront(app, config);
  } catch (error) {
    const reason = error instanceof Deno.errors.AddrInUse
      ? portInUse(config.port)
      : (error as Error).message;
    log.error(`Honeyframe Edge cannot start: ${reason}`);
    return exitProcess(1);
  }
  serve = (request, info) =>
    info.remoteAddr.transport === "unix"
      ? app.fetch(fromFront(request), { ...info, remoteAddr: clientOf(request) })
      : app.fetch(request, info);
  for (const line of [...startupMessage(registry, config, front.where), ...notes]) log.info(line);
  void attributePluginConsole();
  importInBackground();
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
  readonly addr: Deno.Addr;
  /** Where it listens, for the start-up message: a port, or the front's socket. */
  readonly where: number | { readonly socket: string };
  /** Stops accepting and resolves once every in-flight response has reached its client. */
  drain(): Promise<void>;
  /** Closes every connection and the server. */
  closeAll(): Promise<void>;
}

/**
 * The client's address behind the front (a Unix socket, which only the front reaches): the one in
 * the `X-Forwarded-For` it sets. (Elsewhere the connection's, whatever the request says.)
 */
function clientOf(request: Request): Deno.Addr {
  const forwarded = request.headers.get("X-Forwarded-For")?.split(",").at(-1)?.trim();
  return { transport: "tcp", hostname: forwarded || "unknown", port: 0 };
}

/**
 * A request the front passed on, as the client made it: Deno names a Unix socket's requests
 * `http+unix://<Host>/…`; the app sees `http://<Host>/…` (`X-Forwarded-Proto` says when it was https).
 */
function fromFront(request: Request): Request {
  return withUrl(request, request.url.replace(/^http\+unix:/, "http:"));
}

/** `Deno.serve` on the front's Unix socket. */
function socketFront(
  path: string,
  handler: (
    request: Request,
    info: Deno.ServeHandlerInfo<Deno.Addr>,
  ) => Response | Promise<Response>,
): Front {
  const abort = new AbortController();
  const server = Deno.serve({ path, signal: abort.signal, onListen: () => {} }, handler);
  return serverFront(server, abort, { socket: path });
}

/** `Deno.serve` on `HOST:PORT`, for development (or a proxy of the operator's own). */
function directFront(app: Hono, config: HostConfig): Front {
  const abort = new AbortController();
  const server = Deno.serve(
    { hostname: config.hostname, port: config.port, signal: abort.signal, onListen: () => {} },
    (request, info) => app.fetch(request, info),
  );
  return serverFront(server, abort, server.addr.port);
}

/** How long closing waits for Deno's server to report it has finished, in milliseconds. */
const CLOSE_WAIT_MS = 500;

/** A `Deno.serve` server as a front: draining waits for in-flight responses, closing does not. */
function serverFront(
  server: Deno.HttpServer<Deno.Addr>,
  abort: AbortController,
  where: Front["where"],
): Front {
  let draining = false;
  return {
    addr: server.addr,
    where,
    drain: () => {
      draining = true;
      return server.shutdown();
    },
    closeAll: async () => {
      // Once draining, the listener is gone and aborting throws inside Deno: the process's exit
      // closes what is left. Otherwise abort, and wait a little for Deno to finish (a handler that
      // never settles keeps `finished` pending).
      if (!draining) abort.abort();
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        server.finished,
        new Promise((resolve) => timer = setTimeout(resolve, CLOSE_WAIT_MS)),
      ]);
      clearTimeout(timer);
    },
  };
}
