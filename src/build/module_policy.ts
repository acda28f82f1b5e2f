/**
 * The module policy: what a plugin's code may import, decided at build time before any of it is
 * imported or bundled. A plugin's module graph (routers, frontend entry, client entry, and for a
 * package plugin its dependencies) may reach only
 * - files inside the plugin folder (a package plugin: its package and the packages it depends on),
 *   links resolved;
 * - `hono`, `hono/*` and `@honeyframe/edge` (and its subpaths), from the host;
 * - the npm packages the plugin declares (a package plugin's `dependencies`);
 * - `node:` built-ins.
 *
 * Anything else is an error with file, line and column: a file outside (`module.outside_plugin`),
 * a URL that is not a file (`module.remote`), an undeclared package or `npm:`/`jsr:` specifier
 * (`module.undeclared_dependency`), an `import()` whose specifier is not a literal
 * (`module.dynamic_specifier`). Nothing outside the plugin is read: a specifier is judged on its
 * text and its path before the file it names is opened. Code is parsed by `deno lint` with the
 * {@link MODULE_REFERENCE_RULE} plugin, on copies whose lint directives are defused (a plugin
 * cannot switch the rule off with `// deno-lint-ignore-file`).
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { type Problem, problem, type ProblemCode } from "../manifest/mod.ts";
import { folderAndRealPath } from "./inside_plugin.ts";
import { FILE_READ, MODULE_REFERENCE_RULE } from "./module_policy_rule.ts";
import { toolEnvironment } from "./tool_environment.ts";
import { isRuntimeUse, type RuntimeUse } from "./runtime_targets.ts";

/** One plugin's code, as the policy sees it. */
export interface PolicyScope {
  /** The plugin folder (problems name files relative to it). */
  readonly dir: string;
  /** The server modules its manifest names (routers, frontend entry), absolute. */
  readonly entries: readonly string[];
  /** The browser modules it names (its client entry), absolute: checked, but no runtime's to load. */
  readonly clientEntries?: readonly string[];
  /** The folders its code may reach (the plugin folder, a package plugin's dependencies). */
  readonly roots: readonly string[];
  /** The npm packages it declares, by name. */
  readonly packages: ReadonlySet<string>;
  /** Further files to check whatever imports them (a package plugin's dependencies' code). */
  readonly alsoCheck?: readonly string[];
}

/** What the policy found in one plugin's code. */
export interface PolicyFindings {
  /** Where it breaks the policy (empty when it keeps to it). */
  readonly problems: readonly Problem[];
  /** What its server code needs of its runtime, in the order it was read. */
  readonly uses: readonly RuntimeUse[];
}

/** The extensions of the files the policy parses (other files in the plugin are data). */
const CODE_EXTENSIONS = new Set([".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"]);

/**
 * The host's packages a plugin may import, by name (subpaths included): they resolve to the host's
 * own copies, whatever a package plugin installed beside it.
 */
export const HOST_PACKAGES: ReadonlySet<string> = new Set(["hono", "@honeyframe/edge"]);

/** How many files one `deno lint` run parses (their copies have short names: `<tmp>/123.ts`). */
const FILES_PER_RUN = 4_000;

/** The lint plugin's URL. */
const RULE_URL = new URL("./module_policy_rule.ts", import.meta.url).href;

/**
 * Checks each plugin's module graph against the policy.
 *
 * @param scopes The plugins' code.
 * @returns What was found in each scope, in order.
 * @throws {Error} When `deno lint` cannot run (not a plugin's fault).
 * @example
 * ```ts ignore
 * const [{ problems, uses }] = checkModulePolicy([{
 *   dir: "/srv/plugins/crm",
 *   entries: ["/srv/plugins/crm/backend/routers/customers.ts"],
 *   roots: ["/srv/plugins/crm"],
 *   packages: new Set(),
 * }]);
 * ```
 */
export function checkModulePolicy(scopes: readonly PolicyScope[]): PolicyFindings[] {
  const problems = scopes.map((): Problem[] => []);
  const uses = scopes.map((): RuntimeUse[] => []);
  const realRoots = scopes.map((scope) => scope.roots.flatMap(folderAndRealPath));
  const seen = scopes.map(() => new Set<string>());
  // The files reached from server code: what they need of the runtime counts.
  const seenByServer = scopes.map(() => new Set<string>());
  // One deno lint run for every code file of every plugin folder (each run costs about 0.3 s
  // before it reads a file); a file reached that is not among them is read in a later run.
  const references = new Map<string, FileReference[] | undefined>();
  const read = (files: readonly string[]) => {
    const unread = [...new Set(files)].filter((file) => !references.has(file));
    for (const file of unread) references.set(file, []);
    const found = moduleReferences(unread);
    for (const reference of found.references) {
      references.get(unread[reference.fileIndex]!)!.push(reference);
    }
    for (const index of found.unread) references.set(unread[index]!, undefined);
  };
  const readable = (index: number, file: string) =>
    CODE_EXTENSIONS.has(extname(file)) && isFile(file) &&
    within(realpathSync(file), realRoots[index]!);
  read(
    scopes.flatMap((scope, index) =>
      [...codeFilesIn(scope.dir), ...(scope.alsoCheck ?? [])].filter((file) =>
        readable(index, file)
      )
    ),
  );
  let frontier = scopes.flatMap((scope, index) => [
    ...scope.entries.map((file) => ({ index, file, server: true })),
    // A package plugin's dependencies are checked whole, what their code needs of the runtime not
    // (many packages carry code for several runtimes and pick one when they run).
    ...[...(scope.clientEntries ?? []), ...(scope.alsoCheck ?? [])].map((file) => ({
      index,
      file,
      server: false,
    })),
  ]);
  while (frontier.length > 0) {
    // Only code files, once each (again when server code reaches a file browser code reached
    // first), and never one whose real location is outside (an entry that is a link out is the
    // manifest check's to report).
    const wanted = frontier.map((item) => ({
      ...item,
      first: !seen[item.index]!.has(item.file) && !!seen[item.index]!.add(item.file),
      server: item.server && !seenByServer[item.index]!.has(item.file) &&
        !!seenByServer[item.index]!.add(item.file),
    })).filter((item) => (item.first || item.server) && readable(item.index, item.file));
    read(wanted.map(({ file }) => file));
    const next: typeof frontier = [];
    for (const { index, file, first, server } of wanted) {
      const scope = scopes[index]!;
      const named = references.get(file);
      // A file the linter passed over (no syntax error either) would be a file nobody checked.
      if (!named) {
        throw new Error(`the module policy could not read ${file} (deno lint skipped it)`);
      }
      for (const reference of named) {
        const name = reference.global ?? reference.specifier;
        if (server && name !== undefined && isRuntimeUse(name)) {
          const { line, column } = reference;
          uses[index]!.push({ name, file: displayFile(scope.dir, file), line, column });
        }
        if (reference.global !== undefined) continue;
        const verdict = judge(reference.specifier, file, scope, realRoots[index]!);
        if (verdict.follow !== undefined) next.push({ index, file: verdict.follow, server });
        if (verdict.refused && first) {
          problems[index]!.push(
            problem(verdict.refused.code, verdict.refused.message, {
              file: displayFile(scope.dir, file),
              line: reference.line,
              column: reference.column,
            }),
          );
        }
      }
    }
    frontier = next;
  }
  return problems.map((found, index) => ({ problems: found, uses: uses[index]! }));
}

/**
 * The code files under a folder, its `node_modules` (packages of their own) and `.git` left out.
 *
 * @param dir A plugin folder, or a package's.
 * @returns The files' paths.
 * @example
 * ```ts ignore
 * codeFilesIn("/srv/plugins/crm"); // ["/srv/plugins/crm/backend/routers/customers.ts", …]
 * ```
 */
export function codeFilesIn(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === "node_modules" || entry.name === ".git" ? [] : codeFilesIn(path);
    }
    return entry.isFile() && CODE_EXTENSIONS.has(extname(entry.name)) ? [path] : [];
  });
}

/** What the policy says of one specifier: a refusal, and/or a file of the plugin to check next. */
interface Verdict {
  readonly refused?: { readonly code: ProblemCode; readonly message: string };
  readonly follow?: string;
}

function judge(
  specifier: string | undefined,
  from: string,
  scope: PolicyScope,
  realRoots: readonly string[],
): Verdict {
  if (specifier === undefined) {
    return refuse(
      "module.dynamic_specifier",
      "`import()` of a computed specifier: the build cannot check what it loads; import a " +
        "literal path inside the plugin, or pick from a map of literal imports",
    );
  }
  const quoted = `\`${specifier}\``;
  if (specifier.startsWith("node:")) return {};
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(specifier)?.[1]?.toLowerCase();
  if (scheme === "npm" || scheme === "jsr") {
    return refuse(
      "module.undeclared_dependency",
      `${quoted} is not a dependency the plugin declares; plugins import hono, hono/*, ` +
        "@honeyframe/edge, node: built-ins and their own files",
    );
  }
  if (scheme !== undefined && scheme !== "file") {
    return refuse(
      "module.remote",
      `${quoted} is not a file of the plugin; plugin code is never fetched from the network ` +
        "or a URL",
    );
  }
  if (scheme === undefined && !specifier.startsWith(".") && !isAbsolute(specifier)) {
    return judgeBare(specifier, scope, inDependency(from, scope));
  }
  let target: string;
  try {
    target = scheme === "file"
      ? fileURLToPath(specifier)
      : resolve(dirname(from), decodeURIComponent(specifier.replace(/[?#].*$/, "")));
  } catch {
    return refuse("module.outside_plugin", `${quoted} is not a path inside the plugin folder`);
  }
  const outside = refuse(
    "module.outside_plugin",
    `${quoted} is outside the plugin folder; plugin code may import only its own files`,
  );
  if (!within(target, scope.roots)) return outside;
  if (!existsSync(target)) return {};
  // Inside by its path, but a link may lead elsewhere.
  if (!within(realpathSync(target), realRoots)) return outside;
  return { follow: target };
}

/**
 * Whether a file is a dependency's (under a `node_modules`, or outside the plugin's package): its
 * bare imports are its own dependencies' business (npm installed what it needs; a test file of it
 * that imports a package nobody installed is never bundled), not the plugin's declarations.
 */
function inDependency(file: string, scope: PolicyScope): boolean {
  const inside = relative(scope.roots[0]!, file);
  return inside.startsWith("..") || isAbsolute(inside) ||
    inside.split(sep).includes("node_modules");
}

function judgeBare(specifier: string, scope: PolicyScope, fromDependency: boolean): Verdict {
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
  const subpath = parts.slice(name.split("/").length);
  if (subpath.some((part) => part === ".." || part === "." || part.includes("\\"))) {
    return refuse(
      "module.outside_plugin",
      `\`${specifier}\` leaves its package with a \`.\` or \`..\` segment`,
    );
  }
  if (HOST_PACKAGES.has(name) || scope.packages.has(name) || fromDependency) return {};
  return refuse(
    "module.undeclared_dependency",
    `\`${specifier}\` is not a dependency the plugin declares; plugins import hono, hono/*, ` +
      "@honeyframe/edge, node: built-ins, their own files and (package plugins) the packages " +
      "their package.json lists",
  );
}

function refuse(code: ProblemCode, message: string): Verdict {
  return { refused: { code, message } };
}

/** Whether `path` is a file, links followed. */
function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Whether `path` is one of `roots` or inside one. */
function within(path: string, roots: readonly string[]): boolean {
  return roots.some((root) => path === root || path.startsWith(root + sep));
}

/** A file as problems name it: relative to the plugin, or from `node_modules/` for a dependency. */
function displayFile(dir: string, file: string): string {
  const inside = relative(dir, file);
  if (!inside.startsWith("..")) return inside.split(sep).join("/");
  const modules = file.lastIndexOf(`${sep}node_modules${sep}`);
  return (modules < 0 ? file : file.slice(modules + 1)).split(sep).join("/");
}

/** One specifier a file names, where it names it. */
interface FileReference {
  /** The specifier, or `undefined` for a computed `import()` (or a global). */
  readonly specifier: string | undefined;
  /** The runtime global used (`Deno`, `Bun`), for a use of one rather than an import. */
  readonly global?: string;
  /** From 1. */
  readonly line: number;
  /** From 1. */
  readonly column: number;
}

/** A {@link FileReference} of one of the files given to {@link moduleReferences}. */
interface ModuleReference extends FileReference {
  /** The index of the file in that list. */
  readonly fileIndex: number;
}

/** What reading files found: each specifier they name, and the files the linter passed over. */
interface ReadFiles {
  readonly references: ModuleReference[];
  /** Indexes of the files deno lint did not read (and are no syntax error). */
  readonly unread: number[];
}

/** Every specifier the files name, parsed by `deno lint` with the policy's rule. */
function moduleReferences(files: readonly string[]): ReadFiles {
  const found: ReadFiles = { references: [], unread: [] };
  for (let start = 0; start < files.length; start += FILES_PER_RUN) {
    const batch = lintBatch(files.slice(start, start + FILES_PER_RUN));
    found.references.push(
      ...batch.references.map((reference) => ({
        ...reference,
        fileIndex: reference.fileIndex + start,
      })),
    );
    found.unread.push(...batch.unread.map((index) => index + start));
  }
  return found;
}

interface LintReport {
  readonly diagnostics: {
    readonly filename: string;
    readonly range: { readonly start: { readonly line: number; readonly col: number } };
    readonly message: string;
    readonly code: string;
  }[];
  readonly errors: readonly { readonly file_path: string }[];
}

function lintBatch(files: readonly string[]): ReadFiles {
  if (files.length === 0) return { references: [], unread: [] };
  const folder = mkdtempSync(join(tmpdir(), "honeyframe-policy-"));
  try {
    const config = join(folder, "deno.json");
    writeFileSync(
      config,
      JSON.stringify({
        lint: {
          plugins: [RULE_URL],
          rules: { tags: [], include: [MODULE_REFERENCE_RULE] },
        },
      }),
    );
    // Copies under names of our own (the index), lint directives defused at the same length, so
    // positions stay those of the plugin's file.
    const copies = files.map((file, index) => {
      const copy = join(folder, `${index}${extname(file)}`);
      writeFileSync(copy, readFileSync(file, "utf8").replaceAll("deno-lint-", "deno_lint_"));
      return copy;
    });
    const result = spawnSync(
      process.execPath,
      ["lint", "--json", "--config", config, ...copies],
      { cwd: folder, encoding: "utf8", env: toolEnvironment(), maxBuffer: 256 * 1024 * 1024 },
    );
    let report: LintReport;
    try {
      report = JSON.parse(result.stdout) as LintReport;
    } catch {
      throw new Error(
        `the module policy could not parse plugin code: deno lint said ${
          (result.stderr || result.error?.message || "nothing").slice(0, 500)
        }`,
      );
    }
    // Every file the rule read says so (a syntax error is importing's to report).
    const read = new Set(report.errors.map((error) => error.file_path));
    const ours = report.diagnostics.filter((item) => item.code === MODULE_REFERENCE_RULE);
    for (const item of ours) read.add(fileURLToPath(item.filename));
    const unread = copies.flatMap((copy, index) => read.has(copy) ? [] : [index]);
    const references = ours.filter((item) => item.message !== FILE_READ).map(
      (item) => {
        const name = fileURLToPath(item.filename).slice(folder.length + 1);
        const found = JSON.parse(item.message) as { specifier?: string; global?: string };
        return {
          fileIndex: Number.parseInt(name, 10),
          specifier: found.specifier,
          ...(found.global === undefined ? {} : { global: found.global }),
          line: item.range.start.line,
          column: item.range.start.col + 1,
        };
      },
    );
    return { references, unread };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
