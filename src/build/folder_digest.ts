/**
 * Content digests of folders: every file's relative path and bytes, every link's target, in a
 * fixed order. Two folders with the same digest hold the same inputs; a folder that cannot be read
 * whole has no digest (and is never served from a cache).
 *
 * @module
 */
import { createHash, type Hash } from "node:crypto";
import { readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";

/** Folders that are not inputs of a plugin: version control, and npm packages (the host resolves its own). */
const NOT_INPUTS = new Set([".git", "node_modules"]);

/**
 * Hashes a folder's contents: relative paths, file bytes and link targets. Linked folders are
 * followed once (a link back into the folder is hashed by its target only).
 *
 * @param dir The folder.
 * @returns `sha256` hex, or `undefined` when anything in it cannot be read.
 * @example
 * ```ts
 * const digest = folderDigest("plugins/_demo");
 * ```
 */
export function folderDigest(dir: string): string | undefined {
  const hash = createHash("sha256");
  try {
    hashFolder(dir, "", hash, new Set([realpathSync(dir)]));
  } catch {
    return undefined;
  }
  return hash.digest("hex");
}

/**
 * Hashes several files and folders under one root in order; missing ones hash as absent.
 *
 * @param root The folder the paths are relative to.
 * @param paths Files or folders inside it.
 * @returns `sha256` hex.
 */
export function treeDigest(root: string, paths: readonly string[]): string {
  const hash = createHash("sha256");
  for (const path of paths) {
    const full = join(root, path);
    hash.update(`entry\0${path}\n`);
    try {
      if (statSync(full).isDirectory()) hashFolder(full, path, hash, new Set([realpathSync(full)]));
      else hash.update(readFileSync(full));
    } catch {
      hash.update("absent\n");
    }
  }
  return hash.digest("hex");
}

function hashFolder(dir: string, relative: string, hash: Hash, visited: Set<string>): void {
  const entries = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !NOT_INPUTS.has(entry.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const name = `${relative}/${entry.name}`;
    let isDirectory = entry.isDirectory();
    if (entry.isSymbolicLink()) {
      hash.update(`link\0${name}\0${readlinkSync(path)}\n`);
      isDirectory = statSync(path).isDirectory();
      if (isDirectory) {
        const real = realpathSync(path);
        if (visited.has(real)) continue;
        visited.add(real);
      }
    }
    if (isDirectory) {
      hash.update(`folder\0${name}\n`);
      hashFolder(path, name, hash, visited);
    } else {
      const bytes = readFileSync(path);
      hash.update(`file\0${name}\0${bytes.length}\n`);
      hash.update(bytes);
    }
  }
}
