/**
 * Server entries for registries written elsewhere than `.gen/` (`build --out`): `main.ts` itself,
 * pointed at another registry file, so that such a registry is served exactly as `deno task start`
 * serves the project's.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { dirname, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const MAIN = new URL("../../main.ts", import.meta.url);

/**
 * The source of `main.ts` with its registry import pointing at `registryFile` and its host imports
 * made absolute, for a module written at `entryFile`.
 *
 * @param registryFile The registry module.
 * @param entryFile Where the entry will be written.
 * @returns The entry's source.
 * @example
 * ```ts
 * writeFileSync("/tmp/x/server.ts", serverEntrySource("/tmp/x/registry.ts", "/tmp/x/server.ts"));
 * ```
 */
export function serverEntrySource(registryFile: string, entryFile: string): string {
  const registry = relative(dirname(entryFile), registryFile).split(sep).join("/");
  const root = pathToFileURL(dirname(fileURLToPath(MAIN))).href;
  return readFileSync(MAIN, "utf8")
    .replace(
      '"./.gen/registry.ts"',
      JSON.stringify(registry.startsWith(".") ? registry : `./${registry}`),
    )
    .replaceAll('"./src/', `"${root}/src/`);
}
