/**
 * Bundling: each server entry becomes one self-contained JavaScript file with `deno bundle`
 * (esbuild inside), beside it the state-store drivers that need Node's networking or file modules,
 * imported only when their store is chosen; a runtime needs nothing but that folder.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import type { RuntimeName } from "../runtime/plugins/runtimes.ts";
import { toolEnvironment } from "./tool_environment.ts";

/**
 * The drivers bundled apart (the state store's, and the warehouse's client): the PostgreSQL client brings `node:net`, `node:tls`, `node:crypto`,
 * `node:stream`, … and the SQLite driver `node:fs`. A bundle imports those built-ins at its top,
 * so inlined they would load on every start, whatever the store (13 ms of a 91 ms cold start at
 * 10 plugins, bench/README.md). Apart, `openStore` imports them when their store is chosen.
 */
const LAZY_DRIVERS = [
  { module: "src/state/postgres_driver.ts", specifier: "./postgres_driver.ts" },
  { module: "src/state/sqlite_driver.ts", specifier: "./sqlite_driver.ts" },
  // The warehouse plugins read is PostgreSQL too, through the same client.
  { module: "src/warehouse/postgres_client.ts", specifier: "./postgres_client.ts" },
] as const;

/** One bundle to write: an entry module and the file it becomes. */
export interface BundleTarget {
  /** The entry module, e.g. `main_node.ts`. */
  readonly entry: string;
  /** The output file, e.g. `dist/server.mjs`. */
  readonly output: string;
  /** The runtime whose unloadable plugins it leaves out, when it must (a Worker's). */
  readonly leavesOutFor?: RuntimeName;
}

/** The three bundles of `deno task bundle`. */
export const BUNDLE_TARGETS: readonly BundleTarget[] = [
  { entry: "main.ts", output: "dist/server.js" },
  { entry: "main_node.ts", output: "dist/server.mjs" },
  // A `node:` import anywhere in a Worker's bundle stops the whole Worker from loading.
  { entry: "main_worker.ts", output: "dist/worker.js", leavesOutFor: "workerd" },
];

/**
 * Bundles one entry with the running Deno binary (every dependency inlined, `node:` built-ins kept
 * as imports, minified), and beside it each lazily imported store driver the bundle refers to.
 *
 * @param target The entry and output file.
 * @param cwd The project folder whose `deno.json` resolves the imports.
 * @param leaveOut Plugin modules to leave out: each is replaced by a module that throws when
 * imported (the registry marks their plugins `error` on the runtime the bundle is for).
 * @throws {Error} With `deno bundle`'s output when bundling fails.
 * @example
 * ```ts
 * bundle({ entry: "main_node.ts", output: "dist/server.mjs" });
 * ```
 */
export function bundle(
  target: BundleTarget,
  cwd: string = process.cwd(),
  leaveOut: readonly string[] = [],
): void {
  const externals = LAZY_DRIVERS.flatMap((driver) => ["--external", driver.specifier]);
  using leftOut = leavingOut(leaveOut, cwd, target.output);
  run(
    ["--minify", ...externals, ...leftOut.args, "--output", target.output, target.entry],
    target.entry,
    cwd,
  );
  const output = resolve(cwd, target.output);
  let text = readFileSync(output, "utf8");
  for (const driver of LAZY_DRIVERS) {
    const imported = `"${driver.specifier}"`;
    if (!text.includes(imported)) continue;
    const file = driver.specifier.replace(/\.ts$/, ".js");
    run(["--minify", "--output", join(dirname(output), file), driver.module], driver.module, cwd);
    text = text.replaceAll(imported, `"${file}"`);
  }
  writeFileSync(output, text);
}

/**
 * The bundler's arguments that replace modules by one that throws: an import map (the project's
 * imports, and each module mapped to the stand-in) in a folder removed on dispose.
 */
function leavingOut(
  modules: readonly string[],
  cwd: string,
  output: string,
): { args: string[] } & Disposable {
  if (modules.length === 0) return { args: [], [Symbol.dispose]: () => {} };
  const folder = mkdtempSync(join(tmpdir(), "honeyframe-left-out-"));
  const standIn = join(folder, "left_out.ts");
  writeFileSync(
    standIn,
    `throw new Error(${
      JSON.stringify(
        `this plugin's code is not in ${output}: it cannot load on the runtime that bundle is for`,
      )
    });
export {};
`,
  );
  // The project's own imports, made absolute (the map is read from the temporary folder).
  const config = JSON.parse(readFileSync(join(cwd, "deno.json"), "utf8")) as {
    imports?: Record<string, string>;
  };
  const base = pathToFileURL(join(resolve(cwd), "/")).href;
  const imports = Object.fromEntries(
    Object.entries(config.imports ?? {}).map((
      [key, value],
    ) => [key, value.startsWith(".") ? new URL(value, base).href : value]),
  );
  for (const module of modules) imports[pathToFileURL(module).href] = pathToFileURL(standIn).href;
  const map = join(folder, "import_map.json");
  writeFileSync(map, JSON.stringify({ imports }));
  return {
    args: ["--import-map", map],
    [Symbol.dispose]: () => rmSync(folder, { recursive: true, force: true }),
  };
}

function run(args: readonly string[], entry: string, cwd: string): void {
  const failure = denoBundle(args, cwd);
  if (failure !== undefined) throw new Error(`deno bundle ${entry} failed:\n${failure}`);
}

/**
 * Runs `deno bundle --quiet --platform deno` with the running Deno binary.
 *
 * @param args The rest of the arguments (output, entry, externals…).
 * @param cwd The project folder whose `deno.json` resolves the imports.
 * @returns The bundler's message when it failed, else `undefined`.
 * @example
 * ```ts
 * denoBundle(["--output", "dist/server.js", "main.ts"], "."); // undefined
 * ```
 */
export function denoBundle(args: readonly string[], cwd: string): string | undefined {
  const result = spawnSync(
    process.execPath,
    ["bundle", "--quiet", "--platform", "deno", ...args],
    { cwd, encoding: "utf8", env: toolEnvironment() },
  );
  if (result.status === 0) return undefined;
  return result.stderr || result.error?.message || "the bundler could not run";
}
