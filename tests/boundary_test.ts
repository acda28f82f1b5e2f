/**
 * The architecture, enforced: which folder of `src/` may import which, through which face, and
 * which packages each may use. The runtime side (env, state contract, runtime, adapters) never
 * imports the build side, and only `src/state/` knows how a store is implemented.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";

const SRC = resolve("src");

/** What one top-level folder of `src/` may import. */
interface Layer {
  /** Other folders' modules it may import (paths relative to `src/`). */
  readonly modules: RegExp;
  /** Packages and built-ins it may import. */
  readonly packages: RegExp;
}

const LAYERS: Record<string, Layer> = {
  env: { modules: /^$/, packages: /^$/ },
  log: { modules: /^$/, packages: /^$/ },
  // The browser's side of plugin frames (`@honeyframe/edge/client`): Web APIs only.
  client: { modules: /^$/, packages: /^$/ },
  state: { modules: /^(env|log)\/mod\.ts$/, packages: /^(postgres|node:(fs|path|sqlite))$/ },
  // Plugins' reads of the warehouse: PostgreSQL through the same driver as the state store.
  warehouse: { modules: /^(env|log|runtime|state)\/mod\.ts$/, packages: /^postgres$/ },
  // croner (dbt schedules) is plain JavaScript with no runtime APIs, and openid-client (sign-in)
  // uses Web APIs only: both edge-safe.
  runtime: {
    modules: /^(env|log|state)\/mod\.ts$/,
    packages: /^(hono(\/|$)|croner$|openid-client$)/,
  },
  adapters: {
    modules: /^(env|log|runtime|runtime\/plugins|state|warehouse)\/mod\.ts$/,
    packages:
      /^(hono(\/|$)|@hono\/node-server$|node:(process|child_process|stream|module|net|async_hooks)$)/,
  },
  manifest: {
    modules: /^runtime\/(registry|reserved_names|context\/settings)\.ts$/,
    packages: /^(valibot|yaml|semver)$/,
  },
  build: {
    modules: /^((env|log|manifest)\/mod\.ts|runtime\/[a-z_/]+\.tsx?)$/,
    packages: /^(node:[a-z_/]+|valibot|@valibot\/to-json-schema|yaml|semver|ignore)$|^hono(\/|$)/,
  },
  cli: {
    modules: /^(env|build|log|manifest|runtime|state|warehouse)\//,
    packages: /^node:[a-z_/]+$|^hono$/,
  },
  dev: { modules: /^(env\/mod|build\/mod|cli\/format)\.ts$/, packages: /^node:[a-z_/]+$/ },
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

function importSpecifiers(source: string): string[] {
  const pattern =
    /(?:^|\n)\s*(?:import|export)\b[^"'`]*?from\s*["']([^"']+)["']|import\(\s*["'`]([^"'`]+)/g;
  return [...source.matchAll(pattern)].map((match) => match[1] ?? match[2]!);
}

/** `layer/file imports X` for every import the layer table does not allow. */
function offenders(): string[] {
  return sourceFiles(SRC).flatMap((file) => {
    const inside = relative(SRC, file);
    const layerName = inside.split("/")[0]!;
    const layer = LAYERS[layerName];
    if (!layer) return [`${inside} is in a folder the layer table does not know`];
    return importSpecifiers(readFileSync(file, "utf8")).filter((specifier) => {
      if (!specifier.startsWith(".")) return !layer.packages.test(specifier);
      const target = relative(SRC, resolve(file, "..", specifier));
      if (target.startsWith("..")) return true;
      return target.split("/")[0] !== layerName && !layer.modules.test(target);
    }).map((specifier) => `${inside} imports ${specifier}`);
  });
}

Deno.test("each folder of src/ imports only what the layer table allows", () => {
  assert.ok(sourceFiles(SRC).length > 50, "the sources were found");
  assert.deepEqual(offenders(), []);
});

Deno.test("the layer table bites: a runtime import of the build side is reported", () => {
  const pattern = LAYERS.runtime!;
  assert.ok(!pattern.modules.test("build/mod.ts"));
  assert.ok(!pattern.modules.test("state/sql_store.ts"), "store internals stay in src/state/");
  assert.ok(!pattern.packages.test("node:fs"));
  assert.ok(!pattern.packages.test("yaml"));
});

// (`import("node:…")` of a built-in reads no file: the adapters load one after listening.)
Deno.test("runtime-side code never touches the file system or parses YAML", () => {
  const forbidden =
    /\bnode:fs\b|Deno\.(read|open|stat|lstat|readDir|realPath|mkdir|remove|writeFile|writeTextFile)|\bimport\((?!"node:[a-z_]+"\))/;
  const files = ["env", "runtime", "adapters"].flatMap((dir) => sourceFiles(join(SRC, dir)))
    // The plugin process's own programs are not the host: its supervisor makes its socket folder.
    .filter((file) => !file.includes("/adapters/plugin_process/"));
  assert.deepEqual(
    files.filter((file) => forbidden.test(readFileSync(file, "utf8"))).map((f) => relative(SRC, f)),
    [],
  );
});

Deno.test("the server entries only hand the registry to an adapter", () => {
  for (const entry of ["main.ts", "main_node.ts", "main_worker.ts"]) {
    const imports = importSpecifiers(readFileSync(entry, "utf8"));
    assert.deepEqual(
      imports.filter((s) => !/^\.\/(\.gen\/registry\.ts|src\/adapters\/[a-z]+\/mod\.ts)$/.test(s)),
      [],
      entry,
    );
  }
});
