/**
 * The network a server may use when `HONEYFRAME_PLUGIN_NET` narrows what plugins reach: its own
 * listening address, the loopback its plugin process talks over, the PostgreSQL hosts (the
 * state store's and the warehouse's), and the listed hosts. Deno can only narrow the network when a process starts, so the launchers
 * (`deno task start`, the image's entry point) pass this to `--allow-net`.
 *
 * @module
 */
import { envOrDefault, type EnvSource, readEnv } from "./read_env.ts";

/**
 * The value for `--allow-net`, or `undefined` when every host is allowed (no
 * `HONEYFRAME_PLUGIN_NET`).
 *
 * @param env The server's environment.
 * @returns A comma-separated host list, or `undefined`.
 * @example
 * ```ts
 * serverNetAllowList({ HONEYFRAME_PLUGIN_NET: "api.example.com" });
 * // "127.0.0.1,api.example.com"
 * ```
 */
export function serverNetAllowList(env: EnvSource): string | undefined {
  const listed = pluginNetHosts(env);
  if (listed === undefined) return undefined;
  const databases = (
    [
      "HONEYFRAME_DATABASE_URL",
      "HONEYFRAME_WAREHOUSE_URL",
      "HONEYFRAME_WAREHOUSE_ADMIN_URL",
    ] as const
  ).map((name) => hostOf(readEnv(env, name)));
  const hosts = [envOrDefault(env, "HOST"), "127.0.0.1", ...databases, ...listed];
  return [...new Set(hosts.filter((host) => host !== undefined))].join(",");
}

/** The `host:port` of a database URL, if it is one. */
function hostOf(url: string | undefined): string | undefined {
  return url !== undefined && URL.canParse(url) ? new URL(url).host || undefined : undefined;
}

/**
 * The permissions a Deno server is launched with, whoever launches it (`deno task start`, the dev
 * loop, the front): the network (narrowed by `HONEYFRAME_PLUGIN_NET`), the environment it reads at
 * start, the data directory its SQLite store lives in, the folder of its socket behind the front
 * (`HONEYFRAME_SOCKET`) and, for the dbt `command` runner, the dbt executable.
 * The server drops all but the network (and that executable) itself before plugin code runs.
 *
 * @param env The server's environment.
 * @returns The `deno run` flags.
 * @example
 * ```ts
 * serverLaunchFlags({ DATA_DIR: "/data" });
 * // ["--no-prompt", "--no-remote", "--allow-net", "--allow-env", "--allow-read=/data", "--allow-write=/data"]
 * ```
 */
export function serverLaunchFlags(env: EnvSource): string[] {
  const net = serverNetAllowList(env);
  const dataDir = envOrDefault(env, "DATA_DIR");
  // Behind the front, the server makes its socket (before it drops its permissions).
  const socket = readEnv(env, "HONEYFRAME_SOCKET");
  const files = socket === undefined
    ? dataDir
    : `${dataDir},${socket.slice(0, socket.lastIndexOf("/")) || "/"}`;
  const run = serverRunFlag(env);
  return [
    // A revoked permission never becomes a question on the operator's terminal, and nothing is
    // fetched from the network at start.
    "--no-prompt",
    "--no-remote",
    net === undefined ? "--allow-net" : `--allow-net=${net}`,
    "--allow-env",
    `--allow-read=${files}`,
    `--allow-write=${files}`,
    ...(run === undefined ? [] : [run]),
  ];
}

/**
 * The program the server starts its plugin process with (Deno itself), unless
 * `HONEYFRAME_ISOLATION=none`: the server starts the plugin process's supervisor before it drops
 * its permissions, and runs no program afterwards (but the dbt executable, when configured).
 */
function pluginProcessProgram(env: EnvSource): string[] {
  const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;
  return readEnv(env, "HONEYFRAME_ISOLATION") === "none" || !deno ? [] : [deno.execPath()];
}

/**
 * The `--allow-run=` flag a Deno server needs: Deno itself for the plugin process (unless
 * `HONEYFRAME_ISOLATION=none`), and the dbt executable for the dbt `command` runner.
 *
 * @param env The server's environment.
 * @returns The flag, or `undefined` when the server starts no program.
 * @example
 * ```ts
 * serverRunFlag({ HONEYFRAME_ISOLATION: "none", HONEYFRAME_DBT_RUNNER: "command" }); // "--allow-run=dbt"
 * ```
 */
export function serverRunFlag(env: EnvSource): string | undefined {
  const programs = [
    ...pluginProcessProgram(env),
    ...(readEnv(env, "HONEYFRAME_DBT_RUNNER") === "command"
      ? [envOrDefault(env, "HONEYFRAME_DBT_COMMAND")]
      : []),
  ];
  return programs.length === 0 ? undefined : `--allow-run=${programs.join(",")}`;
}

/**
 * The hosts `HONEYFRAME_PLUGIN_NET` lists, or `undefined` when it is unset.
 *
 * @param env The server's environment.
 * @returns The hosts (`name` or `name:port`).
 */
export function pluginNetHosts(env: EnvSource): string[] | undefined {
  const text = readEnv(env, "HONEYFRAME_PLUGIN_NET");
  if (text === undefined) return undefined;
  return text.split(",").map((host) => host.trim()).filter((host) => host !== "");
}
