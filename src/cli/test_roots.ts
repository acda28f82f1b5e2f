/**
 * What `deno task test` (and so `npm test`) runs: the host's tests, the bundled plugins', the
 * examples', and the tests of the plugins in the data root (`$DATA_DIR/plugins/<name>/tests/`),
 * so a customer plugin made with `plugins new --data` is tested like a bundled one.
 *
 * @module
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { envOrDefault, type EnvSource } from "../env/mod.ts";

/** The folders every run tests, relative to the project. */
const PROJECT_ROOTS = ["tests/", "plugins/", "examples/"];

/**
 * The folders to test: the project's, then each data-root plugin's `tests/` that exists.
 *
 * @param env The environment (`DATA_DIR`, default `./data`).
 * @returns The paths to pass to `deno test`.
 * @example
 * ```ts
 * testRoots({ DATA_DIR: "/nowhere" }); // ["tests/", "plugins/", "examples/"]
 * ```
 */
export function testRoots(env: EnvSource): string[] {
  const plugins = join(envOrDefault(env, "DATA_DIR"), "plugins");
  const data = existsSync(plugins)
    ? readdirSync(plugins, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
      .map((entry) => join(plugins, entry.name, "tests"))
      .filter((folder) => existsSync(folder))
      .sort()
    : [];
  return [...PROJECT_ROOTS, ...data];
}
