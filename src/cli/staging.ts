/**
 * Hidden staging folders of `install` and `uninstall` beside `$DATA_DIR/plugins/<name>`: named
 * after the process that made them, so that the next command can remove those of a process that
 * died (killed mid-copy) without touching one another command is still using. Discovery ignores
 * hidden folders, so a staging folder is never taken for a plugin.
 *
 * @module
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";

const STAGING = /^\.(install|uninstall)-.+-p(\d+)-[^-]+$/;

/**
 * Makes a staging folder in `root` for `verb` on plugin `name`.
 *
 * @param root The data plugins folder.
 * @param verb `install` or `uninstall`.
 * @param name The plugin.
 * @returns The folder's path.
 * @example
 * ```ts
 * const staging = makeStaging("data/plugins", "install", "crm"); // data/plugins/.install-crm-p4242-AbC123
 * ```
 */
export function makeStaging(root: string, verb: "install" | "uninstall", name: string): string {
  mkdirSync(root, { recursive: true });
  return mkdtempSync(join(root, `.${verb}-${name}-p${process.pid}-`));
}

/**
 * Removes the staging folders in `root` whose process is no longer running.
 *
 * @param root The data plugins folder.
 * @returns The names of the folders removed.
 * @example
 * ```ts
 * removeAbandonedStaging("data/plugins"); // [".install-crm-p4242-AbC123"] after a crash
 * ```
 */
export function removeAbandonedStaging(root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const abandoned = names.filter((name) => {
    const pid = STAGING.exec(name)?.[2];
    return pid !== undefined && Number(pid) !== process.pid && !isRunning(Number(pid));
  });
  for (const name of abandoned) rmSync(join(root, name), { recursive: true, force: true });
  return abandoned;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
