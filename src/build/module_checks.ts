/**
 * Module references of a manifest (`routers`, `frontend_entry`): the file is inside the plugin, it
 * imports in the sandboxed import worker, and the named export has the kind the field needs.
 *
 * @module
 */
import { realpathSync } from "node:fs";
import { join } from "node:path";
import { MANIFEST_FILE, type Problem, problem, type RouterSpec } from "../manifest/mod.ts";
import { BLOCK_MAP, type ExportInfo, HONO_APP, PAGE_MAP } from "./export_kind.ts";
import { resolveInsidePlugin } from "./inside_plugin.ts";
import type { ModuleInspector } from "./module_inspector.ts";
import { codeLocation, failureSummary } from "./code_location.ts";
import { redactPaths } from "./redact_paths.ts";
import { hasDotSegment } from "../runtime/dot_segments.ts";
import type { VerifiedFrontend, VerifiedRouter } from "./verify.ts";

/** What each kind of module reference is checked for, and the codes of its problems. */
const MODULE_REFERENCES = {
  router: {
    kind: HONO_APP,
    expected: "a Hono app (an object with `fetch` and `routes`)",
    wrongKind: "router.not_hono_app",
  },
  frontend_entry: {
    kind: PAGE_MAP,
    expected: 'a map of pages (`{ "/": Home, "/customers": Customers }`)',
    wrongKind: "frontend_entry.invalid_pages",
  },
} as const;

type ModuleField = keyof typeof MODULE_REFERENCES;

/**
 * Checks that a module a manifest field names is a file inside the plugin.
 *
 * @param dir The plugin folder.
 * @param module The module path, relative to the plugin.
 * @param field The field naming it (its problem codes start with it).
 * @param path The field path in the manifest.
 * @returns Its problem, if any.
 */
export function checkModuleFile(
  dir: string,
  module: string,
  field: ModuleField | "client_entry" | "stylesheet",
  path: string,
): Problem[] {
  const at = { file: MANIFEST_FILE, path };
  const where = resolveInsidePlugin(dir, module);
  if (where.kind === "outside") {
    return [
      problem(`${field}.outside_plugin`, `\`${module}\` resolves outside the plugin folder`, at),
    ];
  }
  if (where.kind === "not_found" || where.isDirectory) {
    return [problem(`${field}.not_found`, `\`${module}\` is not a file in the plugin`, at)];
  }
  return [];
}

/**
 * Checks that `module` is a file inside the plugin, imports it, and checks that `exportName` is
 * of the kind the field needs.
 */
async function checkModuleExport(
  dir: string,
  module: string,
  exportName: string,
  field: ModuleField,
  path: string,
  context: ModuleCheckContext,
): Promise<
  { file: string; found: ExportInfo; exports: Readonly<Record<string, ExportInfo>> } | Problem
> {
  const at = { file: MANIFEST_FILE, path };
  const [fileProblem] = checkModuleFile(dir, module, field, path);
  if (fileProblem) return fileProblem;

  const file = join(dir, module);
  const report = await context.inspector.inspect(realpathSync(file));
  if (!report.ok) {
    const dirs = [dir, realpathSync(dir)];
    // Where Deno names the place (a syntax error, a missing import), the problem is there.
    const place = codeLocation(report.message, dirs);
    if (place) {
      const summary = redactPaths(failureSummary(report.message), dirs, context.hostDir);
      const { frame, ...location } = place;
      return {
        ...problem(
          `${field}.import_failed`,
          `importing \`${module}\` failed: ${summary}`,
          location,
        ),
        ...(frame ? { frame } : {}),
      };
    }
    const reason = redactPaths(report.message, dirs, context.hostDir);
    return problem(`${field}.import_failed`, `importing \`${module}\` failed: ${reason}`, at);
  }
  const found = report.exports[exportName];
  if (found === undefined) {
    const names = Object.keys(report.exports).sort().map((name) => `\`${name}\``).join(", ") ||
      "none";
    return problem(
      `${field}.export_not_found`,
      `\`${module}\` has no export \`${exportName}\` (it exports: ${names})`,
      at,
    );
  }
  const reference = MODULE_REFERENCES[field];
  if (found.kind !== reference.kind) {
    return problem(
      reference.wrongKind,
      `export \`${exportName}\` of \`${module}\` is ${found.kind}, not ${reference.expected}`,
      at,
    );
  }
  return { file, found, exports: report.exports };
}

/**
 * Checks one router spec: the module is a file inside the plugin and its export is a Hono app.
 *
 * @param dir The plugin folder.
 * @param parsed The router spec.
 * @param path The field path in the manifest (`routers[0]`).
 * @param context The import worker and host folder.
 * @returns The verified router, or its problem.
 */
export async function checkRouter(
  dir: string,
  parsed: RouterSpec,
  path: string,
  context: ModuleCheckContext,
): Promise<VerifiedRouter | Problem> {
  const result = await checkModuleExport(
    dir,
    parsed.module,
    parsed.exportName,
    "router",
    path,
    context,
  );
  if ("code" in result) return result;
  const dotted = (result.found.routes ?? []).find((route) => hasDotSegment(route.path));
  if (dotted) {
    return problem(
      "router.dot_segment",
      `\`${parsed.module}\` routes \`${dotted.method} ${dotted.path}\`: a path with a \`.\` or \`..\` ` +
        "segment would answer for another path (browsers and proxies remove such segments)",
      { file: MANIFEST_FILE, path },
    );
  }
  const health = result.exports.health;
  if (health !== undefined && health.kind !== "a function") {
    return problem(
      "router.invalid_health",
      `export \`health\` of \`${parsed.module}\` is ${health.kind}, not a function returning \`{ ok, detail? }\``,
      { file: MANIFEST_FILE, path },
    );
  }
  return {
    ...parsed,
    file: result.file,
    routes: result.found.routes ?? [],
    health: health !== undefined,
  };
}

/**
 * Checks `frontend_entry`: a module inside the plugin whose `pages` export maps paths to pages.
 *
 * @param dir The plugin folder.
 * @param entry The field's value.
 * @param context The import worker and host folder.
 * @returns The verified frontend, or its problem.
 */
export async function checkFrontend(
  dir: string,
  entry: string,
  declared: readonly string[],
  context: ModuleCheckContext,
): Promise<VerifiedFrontend | Problem> {
  const result = await checkModuleExport(
    dir,
    entry,
    "pages",
    "frontend_entry",
    "frontend_entry",
    context,
  );
  if ("code" in result) return result;
  const blocks = result.exports.blocks;
  if (blocks !== undefined && blocks.kind !== BLOCK_MAP) {
    return problem(
      "frontend_entry.invalid_blocks",
      `export \`blocks\` of \`${entry}\` is ${blocks.kind}, not a map of \`{ title, component, size? }\``,
      { file: MANIFEST_FILE, path: "frontend_entry" },
    );
  }
  const pagePermissions = result.found.pagePermissions ?? {};
  const undeclared = Object.entries(pagePermissions)
    .filter(([, permission]) => !declared.includes(permission));
  if (undeclared.length > 0) {
    return problem(
      "frontend_entry.undeclared_permission",
      `${
        undeclared.map(([path, permission]) =>
          `page \`${path}\` needs undeclared \`${permission}\``
        )
          .join("; ")
      } in \`${entry}\`; pages may only need the plugin's own \`permissions\``,
      { file: MANIFEST_FILE, path: "frontend_entry" },
    );
  }
  return {
    module: entry,
    file: result.file,
    pages: result.found.pages ?? [],
    pagePermissions,
    blocks: blocks?.blocks ?? [],
  };
}

/** What module checks share within one verification lane. */
export interface ModuleCheckContext {
  readonly inspector: ModuleInspector;
  readonly hostDir: string;
}
