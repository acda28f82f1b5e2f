/**
 * The plugin modules a runtime's bundle must leave out: those of each plugin that cannot load on it
 * (`runtime.unsupported`). The build writes them beside the registry (`registry.unloadable.json`,
 * paths relative to the registry's folder); `deno task bundle` reads them for the Worker bundle,
 * where a `node:` import anywhere in the bundle would stop the whole Worker from loading.
 *
 * @module
 */
import { readFileSync, rmSync } from "node:fs";
import { dirname, relative, resolve, sep } from "node:path";
import type { RuntimeName } from "../runtime/plugins/runtimes.ts";
import { pluginModules } from "./loaded_source.ts";
import type { VerifiedPlugin } from "./verify.ts";
import { writeFileAtomically } from "./write_atomically.ts";

/** For each runtime, the absolute module files of the plugins that cannot load on it. */
export type UnloadableModules = Readonly<Partial<Record<RuntimeName, readonly string[]>>>;

/**
 * The modules of the mounted plugins that cannot load somewhere, by runtime.
 *
 * @param plugins The built plugins.
 * @returns Their module files, by runtime (runtimes every plugin loads on left out).
 */
export function unloadableModules(plugins: readonly VerifiedPlugin[]): UnloadableModules {
  const found: Partial<Record<RuntimeName, string[]>> = {};
  for (const plugin of plugins) {
    if (plugin.status !== "mounted" || !plugin.unsupported) continue;
    const files = pluginModules(plugin).modules.map((module) => module.file);
    for (const runtime of Object.keys(plugin.unsupported) as RuntimeName[]) {
      (found[runtime] ??= []).push(...files);
    }
  }
  return found;
}

/**
 * The file beside the registry that lists them: `.gen/registry.unloadable.json` for
 * `.gen/registry.ts`.
 *
 * @param outFile The registry path.
 * @returns The file's path.
 */
export function unloadableModulesFile(outFile: string): string {
  return resolve(outFile).replace(/\.[^./]*$/, "") + ".unloadable.json";
}

/**
 * Writes the list beside the registry (atomically), or removes it when every plugin loads
 * everywhere.
 *
 * @param outFile The registry path.
 * @param modules What {@link unloadableModules} found.
 */
export function writeUnloadableModules(outFile: string, modules: UnloadableModules): void {
  const file = unloadableModulesFile(outFile);
  if (Object.keys(modules).length === 0) {
    rmSync(file, { force: true });
    return;
  }
  const from = dirname(resolve(outFile));
  const relativeTo = (path: string) => relative(from, path).split(sep).join("/");
  writeFileAtomically(
    file,
    JSON.stringify(
      Object.fromEntries(
        Object.entries(modules).map(([runtime, files]) => [runtime, files.map(relativeTo)]),
      ),
      null,
      2,
    ) + "\n",
  );
}

/**
 * The modules a runtime's bundle of this registry must leave out.
 *
 * @param outFile The registry path.
 * @param runtime The runtime the bundle is for.
 * @returns Absolute module files (none when the build wrote no list).
 * @example
 * ```ts
 * readUnloadableModules(".gen/registry.ts", "workerd"); // ["/srv/plugins/pathy/router.ts"]
 * ```
 */
export function readUnloadableModules(outFile: string, runtime: RuntimeName): string[] {
  let text: string;
  try {
    text = readFileSync(unloadableModulesFile(outFile), "utf8");
  } catch {
    return [];
  }
  const from = dirname(resolve(outFile));
  const files = (JSON.parse(text) as Record<string, string[]>)[runtime] ?? [];
  return files.map((file) => resolve(from, file));
}
