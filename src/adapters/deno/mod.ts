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
import { type Registry, startupMessage } from "../../runtime/mod.ts";
import { prepareHost } from "../_prepare_host.ts";

/**
 * Starts the host on Deno and prints where it listens; exits with a clear message when the
 * configuration is invalid or the state store cannot be opened.
 *
 * @param registry The generated registry.
 * @param env The environment (`PORT`, `HOST`, `HONEYFRAME_ADMIN_TOKEN`, …); `Deno.env` by default.
 * @returns The running server.
 * @example
 * ```ts ignore
 * import { registry } from "../../../.gen/registry.ts";
 * const server = await serveDeno(registry, { PORT: "0" });
 * await server.shutdown();
 * ```
 */
export async function serveDeno(
  registry: Registry,
  env: EnvSource = Deno.env,
): Promise<Deno.HttpServer> {
  const dataDir = envOrDefault(env, "DATA_DIR");
  const writable = Deno.permissions.querySync({ name: "write", path: dataDir }).state === "granted";
  const { config, app, notes } = await prepareHost(
    registry,
    env,
    writable ? "sqlite" : "memory",
    Deno.exit,
  );
  return Deno.serve({
    port: config.port,
    hostname: config.hostname,
    onListen: ({ port }) =>
      [...startupMessage(registry, config, port), ...notes].forEach((line) => console.log(line)),
  }, app.fetch);
}
