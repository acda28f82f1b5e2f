/**
 * How the CLI shows plugins and their problems to people and to machines.
 *
 * @module
 */
import { isAbsolute, join, relative } from "node:path";
import type { VerifiedPlugin } from "../build/mod.ts";
import { registryRecord } from "../build/registry_record.ts";
import type { Problem } from "../manifest/mod.ts";
import { pluginsReport, type PluginSummary } from "../runtime/plugins_report.ts";

/**
 * One problem on one line: `<level> <plugin> <file>[:<line>:<column>]: <field>: <message> [<code>]`
 * (the `file:line:col` form editors and CI problem matchers read).
 *
 * @param plugin The plugin the problem belongs to: its folder, and its name when it has one.
 * @param item The problem.
 * @param level `error` or `warning`.
 * @returns The line, with the file shown relative to the working directory when it is below it.
 * @example
 * ```ts
 * import type { VerifiedPlugin } from "../build/mod.ts";
 * declare const plugin: VerifiedPlugin;
 * formatProblem(plugin, plugin.errors[0]!, "error");
 * // "error   crm data/plugins/crm/plugin.yaml:1:1: version: is required [manifest.missing_field]"
 * ```
 */
export function formatProblem(
  plugin: { readonly name?: string; readonly dir: string },
  item: Problem,
  level: "error" | "warning",
): string {
  const file = displayPath(item.file ? join(plugin.dir, item.file) : plugin.dir);
  const position = item.line === undefined ? "" : `:${item.line}:${item.column ?? 1}`;
  const field = item.path ? ` ${item.path}:` : "";
  const name = plugin.name ? `${plugin.name} ` : "";
  const line = `${
    level.padEnd(7)
  } ${name}${file}${position}:${field} ${item.message} [${item.code}]`;
  // A problem in code shows its source line under it, indented past the level.
  return item.frame ? `${line}\n${item.frame.replace(/^/gm, " ".repeat(8))}` : line;
}

/**
 * Every problem of every plugin, errors first within each plugin.
 *
 * @param plugins The verified plugins.
 * @returns One line per problem.
 */
export function formatProblems(plugins: readonly VerifiedPlugin[]): string[] {
  return plugins.flatMap((plugin) => [
    ...plugin.errors.map((item) => formatProblem(plugin, item, "error")),
    ...plugin.warnings.map((item) => formatProblem(plugin, item, "warning")),
  ]);
}

/** A plugin as `list --json` and `build --json` show it: the admin API's summary plus its folder. */
export type PluginListing = PluginSummary & { readonly dir: string };

/**
 * The machine-readable listing of plugins.
 *
 * @param plugins The verified plugins.
 * @param fingerprint The build's fingerprint.
 * @returns The same records as `GET /api/plugins`, each with the plugin folder added.
 */
export function pluginListing(
  plugins: readonly VerifiedPlugin[],
  fingerprint: string,
): { plugins: PluginListing[]; registry: { fingerprint: string } } {
  const report = pluginsReport({
    fingerprint,
    permissions: [],
    plugins: plugins.map((plugin) => ({
      ...registryRecord(plugin),
      routers: [],
      pages: {},
      health: [],
    })),
  });
  return {
    plugins: report.plugins.map((summary, index) => ({ ...summary, dir: plugins[index]!.dir })),
    registry: report.registry,
  };
}

/**
 * A plain-text table of plugins.
 *
 * @param listing The plugin records.
 * @returns The table, one line per plugin after a header.
 */
export function formatTable(listing: readonly PluginListing[]): string[] {
  const rows = [
    [
      "NAME",
      "VERSION",
      "SOURCE",
      "STATUS",
      "ROUTERS",
      "CLIENT",
      "PACKAGE",
      "ERRORS",
      "WARNINGS",
      "DISPLAY NAME",
    ],
    ...listing.map((plugin) => [
      plugin.name,
      plugin.version ?? "-",
      plugin.source === "install" ? "bundled" : "customer",
      plugin.status,
      String(plugin.router_count),
      plugin.client ? `${(plugin.client.bytes / 1024).toFixed(1)} KiB` : "-",
      plugin.package ? `${plugin.package.name}@${plugin.package.version}` : "-",
      String(plugin.errors.length),
      String(plugin.warnings.length),
      plugin.display_name,
    ]),
  ];
  return alignColumns(rows);
}

/**
 * Rows of cells as aligned text lines, two spaces between columns.
 *
 * @param rows The header row, then the data rows.
 * @returns One line per row.
 * @example
 * ```ts
 * alignColumns([["NAME", "STATUS"], ["crm", "mounted"]]); // ["NAME  STATUS", "crm   mounted"]
 * ```
 */
export function alignColumns(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd()
  );
}

/** Shows a path relative to the working directory when it lies below it, absolute otherwise. */
export function displayPath(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere.startsWith("..") || isAbsolute(fromHere) ? path : fromHere;
}
