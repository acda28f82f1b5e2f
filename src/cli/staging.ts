/**
 * Hidden staging folders of `install` and `uninstall` beside `$DATA_DIR/plugins/<name>`: named
 * after the process that made them, so that the next command (`build`, `install`, `uninstall`, any
 * verb) can remove those of a process that died (killed mid-copy) without touching one another
 * command is still using. A folder older than an hour is removed whatever its process: no command
 * stages that long, and the process id may have been reused. Discovery ignores hidden folders, so
 * a staging folder is never taken for a plugin.
 *
 * @module
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";

const STAGING = /^\.(install|uninstall)-.+-p(\d+)-[^-]+$/;

/** How old a staging folder may get before it counts as abandoned, in milliseconds. */
export const STAGING_MAX_AGE_MS = 60 * 60 * 1000;

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
 * Removes the staging folders in `root` whose process is no longer running, or that are older than
 * {@link STAGING_MAX_AGE_MS}.
 *
 * @param root The data plugins folder.
 * @returns The names of the folders removed.
 * @example
 * ```ts
 * removeAbandonedStaging("data/plugins"); // [".install-crm-p4242-AbC123"] after a crash
 * ```
 */
export function removeAbandonedStaging(root: string): string[] {
  const now = Date.now();
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const abandoned = names.filter((name) => {
    const pid = STAGING.exec(name)?.[2];
    if (pid === undefined || Number(pid) === process.pid) return false;
    return !isRunning(Number(pid)) || now - modified(join(root, name)) > STAGING_MAX_AGE_MS;
  });
  for (const name of abandoned) rmSync(join(root, name), { recursive: true, force: true });
  return abandoned;
}

function modified(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
