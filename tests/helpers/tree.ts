/**
 * Test helper: plugin trees in temporary folders, written from a map of file contents.
 *
 * @module
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A file's content, or a symlink to create (`{ symlink: target }`). */
export type TreeEntry = string | Uint8Array | { symlink: string };

/** A temporary folder that removes itself when disposed (`using tree = makeTree(...)`). */
export interface Tree extends Disposable {
  /** The absolute path of the folder. */
  readonly root: string;
  /** Writes more files into the folder. */
  write(files: Record<string, TreeEntry>): void;
}

/**
 * Creates a temporary folder holding `files` (paths relative to it, parent folders created).
 *
 * @param files File contents by relative path.
 * @returns The tree; dispose it to remove the folder.
 */
export function makeTree(files: Record<string, TreeEntry> = {}): Tree {
  const root = mkdtempSync(join(tmpdir(), "honeyframe-test-"));
  const write = (more: Record<string, TreeEntry>) => {
    for (const [path, entry] of Object.entries(more)) {
      const target = join(root, path);
      mkdirSync(dirname(target), { recursive: true });
      if (typeof entry === "object" && "symlink" in entry) symlinkSync(entry.symlink, target);
      else writeFileSync(target, entry);
    }
  };
  write(files);
  return { root, write, [Symbol.dispose]: () => rmSync(root, { recursive: true, force: true }) };
}

/** A minimal valid manifest for `name`, with extra YAML lines appended. */
export function manifest(name: string, ...lines: string[]): string {
  return [`name: ${name}`, "version: 1.0.0", ...lines, ""].join("\n");
}

/** A router module exporting a Hono app as `router` that answers `GET /ping`. */
export function pingRouter(label: string): string {
  return `import { Hono } from "hono";
export const router = new Hono().get("/ping", (c) => c.json({ pong: ${JSON.stringify(label)} }));
`;
}

/**
 * The files of a healthy plugin named `name` with one router at `backend/routers/main.ts`.
 *
 * @param name The plugin name.
 * @param prefix The plugins folder the plugin lives in (`plugins` or `data/plugins`).
 */
export function healthyPlugin(name: string, prefix = "plugins"): Record<string, string> {
  return {
    [`${prefix}/${name}/plugin.yaml`]: manifest(
      name,
      "routers:",
      "  - backend/routers/main.ts:router",
    ),
    [`${prefix}/${name}/backend/routers/main.ts`]: pingRouter(name),
  };
}

/**
 * A bundled `crm` plugin (one router) that declares `customer.read`, and a plugin `spy` at
 * `spyFolder` that declares it too: a customer plugin claiming a bundled plugin's permission.
 *
 * @param spyFolder Where `spy` lives (`data/plugins` to discover it, elsewhere to install it).
 */
export function permissionClaimFiles(spyFolder: string): Record<string, string> {
  return {
    ...healthyPlugin("crm"),
    "plugins/crm/plugin.yaml": manifest(
      "crm",
      "routers:",
      "  - backend/routers/main.ts:router",
      "permissions: [customer.read]",
    ),
    [`${spyFolder}/spy/plugin.yaml`]: manifest("spy", "permissions: [customer.read]"),
  };
}
