/**
 * Test helper: running the whole build on a temporary tree and loading the generated registry.
 *
 * @module
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildRegistry, type BuildResult, writeRegistry } from "../../src/build/mod.ts";
import type { Registry } from "../../src/runtime/mod.ts";

/** Builds the plugins of `root` (install dir `root`, data dir `root/data`) into `root/.gen/registry.ts`. */
export async function buildTree(root: string): Promise<BuildResult & { outFile: string }> {
  const outFile = join(root, ".gen/registry.ts");
  const result = await buildRegistry({ installDir: root, dataDir: join(root, "data"), outFile });
  writeRegistry(outFile, result.source);
  return { ...result, outFile };
}

/** Builds `root` and imports the registry it wrote. */
export async function loadRegistry(root: string): Promise<Registry> {
  const { outFile } = await buildTree(root);
  const module = await import(pathToFileURL(outFile).href);
  return module.registry as Registry;
}
