/**
 * Plugin stylesheets (`stylesheet:` in the manifest) bundled for the browser: one `deno bundle` run
 * (esbuild inside) for every plugin that has one, each file with the files it `@import`s inlined,
 * minified, then kept to the plugin's part of the page (`@scope`, see
 * `runtime/plugin_ui/plugin_styles.ts`) and named by the hash of its bytes. A stylesheet that imports
 * a URL, or whose braces do not balance (a `}` that would close the scope), is refused at the line
 * and column where the source says so. When the batch fails, each is bundled alone.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import process from "node:process";
import { scopedCss, unbalancedAt } from "../runtime/plugin_ui/plugin_styles.ts";
import { batchOrAlone } from "./batch_or_alone.ts";
import { commonFolder } from "./client_bundle.ts";
import { toolEnvironment } from "./tool_environment.ts";

/** A plugin's stylesheet, as the registry carries it. */
export interface StylesheetAsset {
  /** The first 16 hex digits of the SHA-256 of `css` (the file is `<hash>.css`). */
  readonly hash: string;
  /** The scoped CSS. */
  readonly css: string;
}

/** Why a stylesheet was refused, and where in its source when that is known. */
export interface StylesheetFailure {
  readonly failure: string;
  readonly line?: number;
  readonly column?: number;
}

/** One stylesheet to bundle. */
export interface StylesheetEntry {
  /** The plugin's name (its scope). */
  readonly plugin: string;
  /** The stylesheet's absolute path. */
  readonly file: string;
}

/**
 * Bundles plugins' stylesheets.
 *
 * @param entries The stylesheets.
 * @param hostDir The folder the bundler runs in.
 * @returns For each, in order, its asset or why it was refused.
 */
export function bundleStylesheets(
  entries: readonly StylesheetEntry[],
  hostDir: string,
): (StylesheetAsset | StylesheetFailure)[] {
  const refused = entries.map(remoteImport);
  const rest = entries.filter((_, index) => refused[index] === undefined);
  const bundled = batchOrAlone(rest, (batch) => bundleBatch(batch, hostDir));
  return refused.map((failure) => failure ?? bundled.shift()!);
}

/** An `@import` of a URL (`https:`, `data:`, …), refused before the bundler could try to fetch it. */
const REMOTE_IMPORT = /@import\s+(?:url\(\s*)?["']?([a-z][a-z0-9+.-]*:[^"')\s;]*)/i;

function remoteImport(entry: StylesheetEntry): StylesheetFailure | undefined {
  const found = REMOTE_IMPORT.exec(readFileSync(entry.file, "utf8"));
  if (!found) return undefined;
  return {
    failure: `it imports \`${found[1]}\`, which is not a file of the plugin; a plugin's styles ` +
      "are served from the host, never fetched from elsewhere",
    ...sourcePlace(entry.file, (source) => source.search(REMOTE_IMPORT)),
  };
}

function bundleBatch(
  entries: readonly StylesheetEntry[],
  hostDir: string,
): (StylesheetAsset | StylesheetFailure)[] | StylesheetFailure {
  const outDir = mkdtempSync(join(tmpdir(), "honeyframe-styles-"));
  try {
    const result = spawnSync(
      process.execPath,
      [
        "bundle",
        "--quiet",
        "--no-config",
        "--no-remote",
        "--platform",
        "browser",
        "--minify",
        "--outdir",
        outDir,
        ...entries.map((entry) => entry.file),
      ],
      { cwd: hostDir, encoding: "utf8", env: toolEnvironment() },
    );
    if (result.status !== 0) {
      const message = result.stderr || result.error?.message || "the bundler could not run";
      return { failure: message.trim().split("\n").slice(0, 12).join("\n") };
    }
    const base = commonFolder(entries.map((entry) => entry.file.replace(/[/\\][^/\\]*$/, "")));
    return entries.map((entry) =>
      stylesheet(entry, readFileSync(join(outDir, relative(base, entry.file)), "utf8"))
    );
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** A bundled stylesheet checked, scoped and named. */
function stylesheet(entry: StylesheetEntry, bundled: string): StylesheetAsset | StylesheetFailure {
  const css = bundled.trim();
  const scoped = scopedCss(entry.plugin, css);
  if (scoped === undefined) {
    return {
      failure: "its braces do not balance: a `}` closes nothing (or a `{` is never closed), " +
        "which would let its rules out of the plugin's part of the page",
      ...sourcePlace(entry.file, unbalancedAt),
    };
  }
  const hash = createHash("sha256").update(scoped).digest("hex").slice(0, 16);
  return { hash, css: scoped };
}

/** The line and column of the offset `find` gives in the source file, when it finds one. */
function sourcePlace(
  file: string,
  find: (source: string) => number | undefined,
): { line?: number; column?: number } {
  const source = readFileSync(file, "utf8");
  const offset = find(source);
  if (offset === undefined || offset < 0) return {};
  const before = source.slice(0, offset).split("\n");
  return { line: before.length, column: before.at(-1)!.length + 1 };
}
