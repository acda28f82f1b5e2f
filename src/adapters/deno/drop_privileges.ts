/**
 * What a Deno server gives up before it imports any plugin code: the host reads its configuration
 * and opens its state store first, then revokes every permission plugins must not have. From then
 * on the process (host and plugins alike) reads no environment variable and no file, writes no
 * file, runs no subprocess, loads no native library or remote module and reads no system
 * information; an open SQLite database keeps working through the handle it already has. Only the
 * network stays, narrowed at start by `--allow-net` when `HONEYFRAME_PLUGIN_NET` lists hosts.
 *
 * @module
 */
import { type EnvSource, pluginNetHosts } from "../../env/mod.ts";

/**
 * The permissions revoked, in the words the start-up note uses (`import`, the permission for
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

/**
 * Revokes the permissions plugins must not have, and checks that the network is narrowed when
 * `HONEYFRAME_PLUGIN_NET` asks for it.
 *
 * @param env The server's environment (read before anything is revoked).
 * @returns The start-up note saying what plugins can do.
 * @throws {Error} When `HONEYFRAME_PLUGIN_NET` is set but the process may reach any host.
 * @example
 * ```ts ignore
 * console.log(await dropPrivileges(Deno.env));
 * ```
 */
export async function dropPrivileges(env: EnvSource): Promise<string> {
  const listed = pluginNetHosts(env);
  if (
    listed !== undefined &&
    Deno.permissions.querySync({ name: "net", host: UNLISTED_HOST }).state === "granted"
  ) {
    throw new Error(
      "HONEYFRAME_PLUGIN_NET is set, but this process may connect to any host: start it with " +
        '--allow-net=<the value `deno task start` computes> (see docs/operations.md, "Security")',
    );
  }
  for (const [name] of REVOKED) {
    await Deno.permissions.revoke({ name } as Deno.PermissionDescriptor);
  }
  const network = listed === undefined ? "any host" : listed.join(", ");
  return `Plugins run without ${
    REVOKED.map(([, words]) => words).join(", ")
  }; network: ${network}.`;
}
