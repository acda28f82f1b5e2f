/**
 * Client entries bundled for the browser: one `deno bundle` run (esbuild inside) for every plugin
 * that needs it, each entry an ES module, minified, with an external source map, named by the hash
 * of its bytes. Client code's JSX is compiled for `hono/jsx/dom` (the server's is precompiled to
 * strings), and its bare imports resolve to the host's own dependencies through an import map
 * made from their `package.json` `exports`. The source map names files relative to their plugin (or to the host, for the host's
 * dependencies), so the same inputs give the same bytes on any machine. When the batch fails, each
 * entry is bundled alone so that every failure is the failing plugin's.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { batchOrAlone } from "./batch_or_alone.ts";
import { toolEnvironment } from "./tool_environment.ts";

/** A client bundle, as the registry carries it. */
export interface ClientAsset {
  /** The first 16 hex digits of the SHA-256 of `js` (the file is `<hash>.js`). */
  readonly hash: string;
  /** The module, ending with its `sourceMappingURL` comment. */
  readonly js: string;
  /** The source map (JSON). */
  readonly map: string;
}

/** A client bundle over this many bytes is a warning (`client_entry.large`). */
export const LARGE_CLIENT_BYTES = 256 * 1024;

/** One client entry to bundle. */
export interface ClientEntry {
  /** The plugin folder. */
  readonly dir: string;
  /** The entry module's absolute path. */
  readonly file: string;
}

/**
 * Bundles client entries for the browser.
 *
 * @param entries The entries, each inside its plugin folder.
 * @param hostDir The host project (its `deno.json` resolves the imports).
 * @returns For each entry, in order, its asset or the bundler's message.
 * @example
 * ```ts ignore
 * const [asset] = bundleClients([{ dir: "plugins/_demo", file: "plugins/_demo/frontend/client.tsx" }], ".");
 * ```
 */
export function bundleClients(
  entries: readonly ClientEntry[],
  hostDir: string,
): (ClientAsset | { readonly failure: string })[] {
  return batchOrAlone(entries, (batch) => bundleBatch(batch, hostDir));
}

function bundleBatch(
  entries: readonly ClientEntry[],
  hostDir: string,
): ClientAsset[] | { failure: string } {
  const outDir = mkdtempSync(join(tmpdir(), "honeyframe-client-"));
  const config = join(outDir, "deno.json");
  writeFileSync(
    config,
    JSON.stringify({
      imports: clientImportMap(hostDir),
      compilerOptions: { jsx: "react-jsx", jsxImportSource: "hono/jsx/dom" },
    }),
  );
  try {
    const result = spawnSync(
      process.execPath,
      [
        "bundle",
        "--quiet",
        "--config",
        config,
        "--platform",
        "browser",
        "--minify",
        "--sourcemap=external",
        "--outdir",
        join(outDir, "out"),
        ...entries.map((entry) => entry.file),
      ],
      { cwd: hostDir, encoding: "utf8", env: toolEnvironment() },
    );
    if (result.status !== 0) {
      const message = result.stderr || result.error?.message || "the bundler could not run";
      return { failure: message.trim().split("\n").slice(0, 12).join("\n") };
    }
    const base = commonFolder(entries.map((entry) => dirname(entry.file)));
    return entries.map((entry) => {
      const out = join(outDir, "out", relative(base, entry.file)).replace(/\.(tsx?|mjs)$/, ".js");
      return asset(out, entry.dir, hostDir);
    });
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** Reads one bundled file and its map, names it by its hash and makes its map's paths portable. */
function asset(out: string, pluginDir: string, hostDir: string): ClientAsset {
  const code = readFileSync(out, "utf8").replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "").trimEnd();
  const hash = createHash("sha256").update(code).digest("hex").slice(0, 16);
  const map = JSON.parse(readFileSync(`${out}.map`, "utf8")) as {
    sources?: string[];
    sourcesContent?: (string | null)[];
    file?: string;
  };
  map.file = `${hash}.js`;
  const sources = (map.sources ?? []).map((source) => {
    const file = resolve(dirname(out), source);
    const inPlugin = relative(pluginDir, file);
    return inPlugin.startsWith("..")
      ? { path: hostSourcePath(file, hostDir), own: false }
      : { path: inPlugin, own: true };
  });
  map.sources = sources.map((source) => source.path.split(sep).join("/"));
  // The plugin's own sources travel with the map; the host's dependencies are known by name only
  // (they would double the registry's size for every plugin).
  map.sourcesContent = (map.sourcesContent ?? []).map((content, index) =>
    sources[index]?.own ? content : null
  );
  return { hash, js: `${code}\n//# sourceMappingURL=${hash}.js.map\n`, map: JSON.stringify(map) };
}

/**
 * How a source map names a file of the host's: `host/<path in the project>`, and a package the
 * bundler read from Deno's npm cache as `host/node_modules/<package>/<path>`, so that no path of
 * the build machine (`/root/.cache/deno/npm/…`) is in a map.
 */
function hostSourcePath(file: string, hostDir: string): string {
  const inHost = relative(hostDir, file).split(sep).join("/");
  if (!inHost.startsWith("..")) return `host/${inHost}`;
  const posix = file.split(sep).join("/");
  const cached = /\/npm\/[^/]+\/((?:@[^/]+\/)?[^/]+)\/[^/]+\/(.+)$/.exec(posix);
  if (cached) return `host/node_modules/${cached[1]}/${cached[2]}`;
  const modules = posix.lastIndexOf("/node_modules/");
  return modules < 0 ? `host/${posix.split("/").at(-1)}` : `host${posix.slice(modules)}`;
}

/**
 * Bare specifiers of the host's dependencies (`hono/jsx/dom`, …) mapped to their files, from each
 * dependency's `exports` (the `import` or `default` condition), and `@honeyframe/edge/client`.
 */
function clientImportMap(hostDir: string): Record<string, string> {
  const modules = join(hostDir, "node_modules");
  const host = JSON.parse(readFileSync(join(hostDir, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  const imports: Record<string, string> = {
    // The host's own module for plugin frames (tokens for the plugin's API).
    "@honeyframe/edge/client": pathToFileURL(join(hostDir, "src/client/mod.ts")).href,
  };
  for (const name of Object.keys(host.dependencies ?? {})) {
    let exports: unknown;
    try {
      exports = JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8")).exports;
    } catch {
      continue;
    }
    if (typeof exports !== "object" || exports === null) continue;
    for (const [key, target] of Object.entries(exports)) {
      const file = conditionTarget(target);
      if (!key.startsWith(".") || key.includes("*") || file === undefined) continue;
      imports[`${name}${key.slice(1)}`] = pathToFileURL(join(modules, name, file)).href;
    }
  }
  return imports;
}

/** The file an `exports` entry names for `import` (or `default`), following nested conditions. */
function conditionTarget(target: unknown): string | undefined {
  if (typeof target === "string") return target;
  if (typeof target !== "object" || target === null) return undefined;
  const conditions = target as Record<string, unknown>;
  return conditionTarget(conditions.import ?? conditions.default);
}

/**
 * The deepest folder containing all of `folders` (esbuild's `outbase`).
 *
 * @param folders Absolute folders.
 * @returns Their common folder.
 */
export function commonFolder(folders: readonly string[]): string {
  const split = folders.map((folder) => resolve(folder).split(sep));
  const first = split[0]!;
  let length = first.length;
  for (const parts of split) {
    let index = 0;
    while (index < length && parts[index] === first[index]) index++;
    length = index;
  }
  return first.slice(0, length).join(sep) || sep;
}
