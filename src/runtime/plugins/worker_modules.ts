/**
 * How an isolated plugin's worker code is laid out. The build bundles every isolated plugin's
 * worker in one code-splitting run: each plugin gets a small entry module of its own code, and what
 * plugins share (the worker bootstrap, the serving loop, hono, libraries more than one plugin
 * imports) is in shared modules the registry holds once (`workerModules`), which the entries import
 * as `./<file>`. A worker starts from a main module that imports the bootstrap first and the
 * plugin's entry second, so that the bootstrap's whole module graph has run before any of the
 * plugin's code does, whatever order the bundler gave the shared modules.
 *
 * @module
 */

/** The shared module every isolated plugin's worker runs first (`worker_bootstrap.ts`). */
export const WORKER_BOOTSTRAP = "__bootstrap.js";

/**
 * The source of the module a plugin's worker starts from.
 *
 * @param bootstrap Where the bootstrap module is (a specifier the worker can import).
 * @param entry Where the plugin's entry module is.
 * @returns A module that runs the bootstrap, then the entry, and re-exports the entry's default
 * export (a Cloudflare Worker's handler).
 * @example
 * ```ts
 * workerMainSource("./__bootstrap.js", "./crm.plugin.js");
 * // 'import "./__bootstrap.js";\nexport { default } from "./crm.plugin.js";\n'
 * ```
 */
export function workerMainSource(bootstrap: string, entry: string): string {
  return `import ${JSON.stringify(bootstrap)};\nexport { default } from ${
    JSON.stringify(entry)
  };\n`;
}
