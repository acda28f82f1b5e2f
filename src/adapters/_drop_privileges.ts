/**
 * What a server gives up before it imports any plugin code: the host reads its configuration and
 * opens its state store first, then takes from the process what plugins must not have.
 *
 * - **Deno** removes the host's own variables from the process environment (children inherit none)
 *   and revokes every permission but the network: no environment variable, no file read or
 *   write, no subprocess, no native library, no system information, no remote module. An open
 *   SQLite database keeps working through the handle it already has. The network is narrowed at
 *   start by `--allow-net` when `HONEYFRAME_PLUGIN_NET` lists hosts; a process started with all of
 *   it while the list is set refuses to start. With the dbt `command` runner, the one program it
 *   was started with `--allow-run=` for stays allowed (any program: the server refuses to start).
 * - **Node and Bun** cannot revoke at run time: the host removes its own variables (the tokens, the
 *   JWT secret, the database URL) from `process.env` once it has read them; files and subprocesses
 *   are limited only by Node's permission model (`--experimental-permission`).
 * - **Workers** have no process to narrow: plugins get the bindings without the host's (see
 *   {@link withoutHostBindings}).
 *
 * @module
 */
import {
  ConfigError,
  envOrDefault,
  type EnvSource,
  pluginNetHosts,
  readEnv,
  serverVariables,
} from "../env/mod.ts";
import { D1_BINDING } from "../state/mod.ts";
import { SERVICE_BINDING_PREFIX } from "../runtime/mod.ts";

/**
 * The Deno permissions revoked, in the words the start-up note uses (`import`, the permission for
 * remote modules, is not in Deno's type of permission names yet).
 */
const REVOKED: readonly [string, string][] = [
  ["env", "environment"],
  ["read", "file reads"],
  ["write", "file writes"],
  ["run", "subprocesses"],
  ["ffi", "native libraries"],
  ["sys", "system information"],
  ["import", "remote modules"],
];

/** A host that no list names: reachable only when the network was not narrowed at start. */
const UNLISTED_HOST = "honeyframe-unlisted-host.invalid";

/** A program that no list names: allowed only when subprocesses were not narrowed at start. */
const UNLISTED_PROGRAM = "honeyframe-unlisted-program";

/** Node's permission model, when the process runs under it (`process.permission`). */
type PermissionModel = { has(scope: string): boolean };

/**
 * Takes from the process what plugins must not have, on whichever runtime this is.
 *
 * @param env The server's environment (already read).
 * @returns The start-up note saying what plugins can do.
 * @throws {ConfigError} When `HONEYFRAME_PLUGIN_NET` is set but a Deno process may reach any host.
 * @example
 * ```ts ignore
 * console.log(await dropPrivileges(Deno.env));
 * ```
 */
export async function dropPrivileges(env: EnvSource): Promise<string> {
  const runtime = globalThis as {
    Deno?: typeof Deno;
    process?: { env: Record<string, string | undefined>; permission?: PermissionModel };
  };
  if (runtime.Deno?.permissions) return await revokeDenoPermissions(env, runtime.Deno);
  if (runtime.process?.env) {
    for (const name of serverVariables()) delete runtime.process.env[name];
    const model = runtime.process.permission;
    const limits = model
      ? `Node's permission model limits them (file writes ${
        model.has("fs.write") ? "allowed" : "denied"
      }, subprocesses ${model.has("child") ? "allowed" : "denied"}); the network is open`
      : "nothing else limits them: run Node with --experimental-permission to deny files and " +
        "subprocesses";
    return `Plugins cannot read the host's variables (removed from process.env); ${limits}.`;
  }
  return "Plugins see the bindings without the host's.";
}

/**
 * A Worker's bindings as plugins see them: without the host's variables (tokens, secrets, the
 * database URL), its D1 database and its service bindings to isolated plugins' Workers (which
 * trust what the host sends them), the same object for the same bindings.
 *
 * @param bindings The bindings the platform passed.
 * @returns The bindings plugins get.
 */
export function withoutHostBindings(bindings: unknown): unknown {
  if (typeof bindings !== "object" || bindings === null) return bindings;
  let filtered = FILTERED.get(bindings);
  if (!filtered) {
    const host = new Set<string>([...serverVariables(), D1_BINDING]);
    filtered = Object.fromEntries(
      Object.entries(bindings).filter(([name]) =>
        !host.has(name) && !name.startsWith(SERVICE_BINDING_PREFIX)
      ),
    );
    FILTERED.set(bindings, filtered);
  }
  return filtered;
}

const FILTERED = new WeakMap<object, object>();

async function revokeDenoPermissions(env: EnvSource, deno: typeof Deno): Promise<string> {
  const listed = pluginNetHosts(env);
  if (
    listed !== undefined &&
    deno.permissions.querySync({ name: "net", host: UNLISTED_HOST }).state === "granted"
  ) {
    throw new ConfigError(
      "HONEYFRAME_PLUGIN_NET is set, but this process may connect to any host: start it with " +
        '--allow-net=<the value `npm start` computes> (see docs/operations.md, "Security")',
    );
  }
  const dbt = readEnv(env, "HONEYFRAME_DBT_RUNNER") === "command"
    ? envOrDefault(env, "HONEYFRAME_DBT_COMMAND")
    : undefined;
  if (
    dbt !== undefined &&
    deno.permissions.querySync({ name: "run", command: UNLISTED_PROGRAM }).state === "granted"
  ) {
    throw new ConfigError(
      "HONEYFRAME_DBT_RUNNER=command, but this process may start any program: start it with " +
        `--allow-run=${dbt} (npm start does)`,
    );
  }
  // The host's variables leave the process environment too: a program a plugin starts (the dbt
  // executable, the one it may) inherits none of them.
  for (const name of serverVariables()) deno.env.delete(name);
  const revoked = REVOKED.filter(([name]) => dbt === undefined || name !== "run");
  for (const [name] of revoked) {
    await deno.permissions.revoke({ name } as Deno.PermissionDescriptor);
  }
  const network = listed === undefined ? "any host" : listed.join(", ");
  const programs = dbt === undefined ? "" : `; programs: only ${dbt} (the dbt runner)`;
  return `Plugins run without ${
    revoked.map(([, words]) => words).join(", ")
  }; network: ${network}${programs}.`;
}
