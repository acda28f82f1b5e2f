/**
 * What a Node server gives up before it imports any plugin code. Node cannot revoke permissions at
 * run time, so the host removes its own variables (the tokens, the JWT secret, the database URL)
 * from `process.env` once it has read them; files, subprocesses and workers are limited only when
 * Node runs with its permission model (`--experimental-permission` with `--allow-fs-read=…`), and
 * the network not at all.
 *
 * @module
 */
import process from "node:process";
import { serverVariables } from "../../env/mod.ts";

/** Node's permission model, when the process runs under it (`process.permission`). */
type PermissionModel = { has(scope: string, reference?: string): boolean };

/**
 * Removes the host's variables from `process.env` and says what else limits plugins.
 *
 * @returns The start-up note.
 * @example
 * ```ts ignore
 * console.log(await dropPrivileges());
 * ```
 */
export function dropPrivileges(): Promise<string> {
  for (const name of serverVariables()) delete process.env[name];
  const model = (process as unknown as { permission?: PermissionModel }).permission;
  const limits = model
    ? `Node's permission model limits them (file writes ${
      model.has("fs.write") ? "allowed" : "denied"
    }, subprocesses ${model.has("child") ? "allowed" : "denied"}); the network is open`
    : "nothing else limits them: run Node with --experimental-permission to deny files and " +
      "subprocesses";
  return Promise.resolve(
    `Plugins cannot read the host's variables (removed from process.env); ${limits}.`,
  );
}
