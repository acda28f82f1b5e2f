/**
 * Links in a plugin folder that lead out of it: the build refuses them (`plugin.link_outside`)
 * before anything of the plugin is read or imported, so no plugin reaches a file of the server
 * through a link it ships (`ln -s /etc plugins/x/etc`). Links whose target stays inside are fine.
 *
 * @module
 */
import { readdirSync, readlinkSync, realpathSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

/**
 * The links under a plugin folder that resolve outside it (dangling ones by where they point).
 * Linked folders are not entered.
 *
 * @param dir The plugin folder.
 * @returns Each such link's path relative to the folder, `/`-separated, sorted.
 * @example
 * ```ts ignore
 * linksOutside("plugins/crm"); // ["etc"] after `ln -s /etc plugins/crm/etc`
 * ```
 */
export function linksOutside(dir: string): string[] {
  let root: string;
  try {
    root = realpathSync(dir);
  } catch {
    return [];
  }
  const inside = (path: string) => path === root || path.startsWith(root + sep);
  const found: string[] = [];
  const walk = (folder: string) => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isSymbolicLink() && !inside(target(path))) {
        found.push(relative(dir, path).split(sep).join("/"));
      }
    }
  };
  walk(dir);
  return found.sort();
}

/** Where a link leads: its real path, or for a dangling one the path it names. */
function target(link: string): string {
  try {
    return realpathSync(link);
  } catch {
    try {
      return resolve(realpathSync(dirname(link)), readlinkSync(link));
    } catch {
      return link;
    }
  }
}
