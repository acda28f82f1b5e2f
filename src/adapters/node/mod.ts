/**
 * The Node adapter: serves a registry with `@hono/node-server`, on Node and on Bun. The state lives
 * in PostgreSQL when `HONEYFRAME_DATABASE_URL` is set, else in memory (Node 20 has no SQLite).
 * Isolated plugins run in the plugin process, which Deno runs: the `deno` package beside the server
 * (`npm ci` installs it).
 *
 * @example
 * ```ts ignore
 * import { registry } from "../../../.gen/registry.ts";
 * await serveNode(registry);
 * ```
 *
 * @module
 */
import { serve, type ServerType } from "@hono/node-server";
import { createRequire } from "node:module";
import process from "node:process";
import type { EnvSource } from "../../env/mod.ts";
import { exitProcess, type GeneratedRegistry, startupMessage } from "../../runtime/mod.ts";
import { prepareHost } from "../_prepare_host.ts";
import { dropPrivileges } from "../_drop_privileges.ts";
import { portInUse } from "../../env/mod.ts";
import { shutDownOnSignal } from "../_shutdown.ts";
import { nodeLaunch, nodeListenLoopback, nodeSpawn } from "./spawn.ts";
import { isolationWith } from "../_isolation.ts";

/**
 * Starts the host on Node and prints where it listens; exits with a clear message when the
 * configuration is invalid, the port is in use or the state store cannot be opened. `SIGTERM` and
 * `SIGINT` shut it down gracefully.
 *
 * @param registry The generated registry.
 * @param env The environment; `process.env` by default.
 * @returns The running server.
 * @example
 * ```ts ignore
 * import { registry } from "../../../.gen/registry.ts";
 * const server = await serveNode(registry, { PORT: "0" });
 * server.close();
 * ```
 */
export async function serveNode(
  generated: GeneratedRegistry,
  env: EnvSource = process.env,
): Promise<ServerType> {
  const prepared = await prepareHost(
    generated,
    env,
    "memory",
    () => dropPrivileges(env),
    nodeSpawn,
    isolationWith(installedDeno, nodeLaunch, nodeListenLoopback),
  );
  const { registry, config, limits, app, store, log, notes, stopPlugins } = prepared;
  const server = serve(
    {
      fetch: app.fetch,
      port: config.port,
      hostname: config.hostname,
      serverOptions: {
        headersTimeout: limits.headerTimeoutMs,
        // A whole request (headers and body) gets the header time plus the plugin time limit.
        requestTimeout: limits.headerTimeoutMs + (config.pluginTimeoutMs ?? 0),
        keepAliveTimeout: limits.idleTimeoutMs,
        // Node checks the header and request deadlines on this interval (30 s by default).
        connectionsCheckingInterval: Math.min(1000, limits.headerTimeoutMs),
      },
    },
    ({ port }) => {
      [...startupMessage(registry, config, port), ...notes].forEach((line) => log.info(line));
      void prepared.attributePluginConsole();
      prepared.importInBackground();
    },
  );
  server.on("error", (error: Error & { code?: string }) => {
    const reason = error.code === "EADDRINUSE" ? portInUse(config.port) : error.message;
    log.error(`Honeyframe Edge cannot start: ${reason}`);
    exitProcess(1);
  });
  server.maxConnections = limits.maxConnections;
  shutDownOnSignal((signal, handler) => process.on(signal, handler), {
    drain: () =>
      new Promise<void>((resolve) => {
        // Kept-alive connections go as soon as they are idle; busy ones once they have answered.
        const idle = setInterval(() => closeIdle(server), 50);
        server.close(() => {
          clearInterval(idle);
          resolve();
        });
        closeIdle(server);
      }),
    closeAll: async () => {
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await stopPlugins();
    },
  }, { store, log, timeoutMs: limits.shutdownTimeoutMs, exit: exitProcess });
  return server;
}

/**
 * The Deno executable of the `deno` package, found as Node finds packages: from the server's
 * bundle, else from the working directory.
 */
function installedDeno(): string {
  for (const from of [import.meta.url, `${process.cwd()}/server.mjs`]) {
    try {
      return createRequire(from).resolve("deno/deno");
    } catch {
      // not installed there
    }
  }
  throw new Error(
    "Deno, which runs it, is not installed beside the server or in the working directory " +
      "(npm ci installs it)",
  );
}

function closeIdle(server: ServerType): void {
  (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
}
