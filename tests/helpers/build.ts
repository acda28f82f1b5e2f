/**
 * Test helper: running the whole build on a temporary tree and loading the generated registry.
 *
 * @module
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildRegistry, type BuildResult, writeRegistry } from "../../src/build/mod.ts";
import { serverEntrySource } from "../../src/build/server_entry.ts";
import { type GeneratedRegistry, importPlugins, type Registry } from "../../src/runtime/mod.ts";

/** Where a test build looks and writes; every field defaults to a place inside the tree. */
export interface TreeBuildOptions {
  /** Default: the tree itself. */
  readonly installDir?: string;
  /** Default: `<tree>/.gen/registry.ts`. */
  readonly outFile?: string;
}

/** Builds the plugins of `root` (data dir `root/data`) and writes the registry. */
export async function buildTree(
  root: string,
  options: TreeBuildOptions = {},
): Promise<BuildResult & { outFile: string }> {
  const outFile = options.outFile ?? join(root, ".gen/registry.ts");
  const result = await buildRegistry({
    installDir: options.installDir ?? root,
    dataDir: join(root, "data"),
    outFile,
  });
  writeRegistry(outFile, result);
  return { ...result, outFile };
}

/** Builds `root` and imports the registry it wrote. */
export async function loadRegistry(
  root: string,
  options: TreeBuildOptions = {},
): Promise<Registry> {
  const { outFile } = await buildTree(root, options);
  const module = await import(pathToFileURL(outFile).href);
  return await importPlugins(module.registry as GeneratedRegistry);
}

/**
 * Builds `root` into `<root>/gen/registry.ts` (bundled plugins from the project unless told) and
 * writes `<root>/gen/server.ts`, the project's `main.ts` pointed at that registry.
 *
 * @returns The entry module's path.
 */
export async function buildServerEntry(
  root: string,
  options: TreeBuildOptions = {},
): Promise<string> {
  const outFile = join(root, "gen/registry.ts");
  await buildTree(root, { installDir: Deno.cwd(), outFile, ...options });
  const entry = join(root, "gen/server.ts");
  writeFileSync(entry, serverEntrySource(outFile, entry));
  return entry;
}

/**
 * Rebuilds the project's own registry from the defaults, as `deno task build` would: tests that run
 * `deno task start` on a temporary data directory call it when done.
 */
export async function rebuildProjectRegistry(): Promise<void> {
  const env = { ...Deno.env.toObject() };
  delete env.DATA_DIR;
  delete env.INSTALL_DIR;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "build"],
    env,
    clearEnv: true,
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
}
