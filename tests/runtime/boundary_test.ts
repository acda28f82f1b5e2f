import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";

const RUNTIME = resolve("src/runtime");
const ALLOWED_PACKAGES = /^hono(\/|$)/;
/** Runtime adapters may also use their runtime's server package. */
const ADAPTER_PACKAGES = /^(@hono\/node-server|node:process)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith("_test.ts") ? [path] : [];
  });
}

function importSpecifiers(source: string): string[] {
  const pattern =
    /(?:^|\n)\s*(?:import|export)\b[^"'`]*?from\s*["']([^"']+)["']|import\(\s*["'`]([^"'`]+)/g;
  return [...source.matchAll(pattern)].map((match) => match[1] ?? match[2]!);
}

Deno.test("runtime code imports only runtime code and hono", () => {
  const files = sourceFiles(RUNTIME);
  assert.ok(files.length >= 5, "the runtime folder was found");
  const offenders = files.flatMap((file) =>
    importSpecifiers(readFileSync(file, "utf8")).filter((specifier) => {
      if (specifier.startsWith(".")) {
        return relative(RUNTIME, resolve(file, "..", specifier)).startsWith("..");
      }
      const isAdapter = relative(RUNTIME, file).startsWith("adapters/");
      return !ALLOWED_PACKAGES.test(specifier) && !(isAdapter && ADAPTER_PACKAGES.test(specifier));
    }).map((specifier) => `${relative(RUNTIME, file)} imports ${specifier}`)
  );
  assert.deepEqual(offenders, []);
});

Deno.test("runtime code never touches the file system or parses YAML", () => {
  const forbidden =
    /\bnode:fs\b|Deno\.(read|open|stat|lstat|readDir|realPath|mkdir|remove|writeFile|writeTextFile)|\bimport\(/;
  const offenders = sourceFiles(RUNTIME).filter((file) =>
    forbidden.test(readFileSync(file, "utf8"))
  );
  assert.deepEqual(offenders.map((file) => relative(RUNTIME, file)), []);
});
