/**
 * `new <slug>`: scaffolds a plugin with the `_demo` shape (manifest, one router, one page with its
 * nav entry, a client module, a dashboard block, a permission, a seed group, and a test file), written atomically from the templates in
 * `scaffold/` (`{{slug}}`, `{{title}}`, `{{resource}}` and `{{schema}}` filled in).
 *
 * @module
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { MANIFEST_JSON_SCHEMA_FILE } from "../build/manifest_json_schema.ts";
import { MAX_NAME_LENGTH, PLUGIN_NAME } from "../manifest/schema.ts";
import { nameRefusal } from "../runtime/reserved_names.ts";
import type { CliArgs } from "./args.ts";
import { displayPath } from "./format.ts";
import { type CliIo, report } from "./io.ts";

/**
 * The files of a new plugin, by path relative to its folder.
 *
 * @param slug The plugin name.
 * @param schema Where the manifest's JSON Schema is, relative to the plugin folder (for editors).
 * @returns File contents keyed by relative path.
 * @example
 * ```ts
 * Object.keys(scaffoldFiles("crm"));
 * // ["plugin.yaml", "backend/routers/crm.ts", "frontend/pages.tsx", "frontend/client.tsx",
 * //  "frontend/styles.css", "tests/crm_test.ts"]
 * ```
 */
export function scaffoldFiles(
  slug: string,
  schema = `../../${MANIFEST_JSON_SCHEMA_FILE}`,
): Record<string, string> {
  const values: Record<string, string> = {
    slug,
    title: titleCase(slug),
    resource: slug.replace(/^_/, "").replaceAll("-", "_").replace(/^(\d)/, "p$1"),
    schema,
  };
  const fill = (template: string) =>
    readFileSync(new URL(`./scaffold/${template}.tmpl`, import.meta.url), "utf8")
      .replaceAll(/\{\{(\w+)\}\}/g, (_, name: string) => values[name]!);
  return {
    "plugin.yaml": fill("plugin.yaml"),
    [`backend/routers/${slug}.ts`]: fill("router.ts"),
    "frontend/pages.tsx": fill("pages.tsx"),
    "frontend/client.tsx": fill("client.tsx"),
    "frontend/styles.css": fill("styles.css"),
    [`tests/${slug}_test.ts`]: fill("plugin_test.ts"),
  };
}

/**
 * Runs `new <slug>`: refuses an invalid slug or an existing folder (exit 1), otherwise writes the
 * plugin into `<install-dir>/plugins/` (or `<data-dir>/plugins/` with `--data`).
 *
 * @param args The parsed command line.
 * @param io Where to write.
 * @returns The exit code.
 */
export function newVerb(args: CliArgs, io: CliIo): number {
  const slug = args.positionals[0]!;
  if (!PLUGIN_NAME.test(slug) || slug.length > MAX_NAME_LENGTH) {
    return report(io, args.json, {
      ok: false,
      message: `\`${slug}\` is not a plugin name: lowercase letters, digits and single hyphens, ` +
        `at most ${MAX_NAME_LENGTH} characters, optionally one leading \`_\``,
      data: { plugin: slug },
    });
  }
  // The build would refuse it: say so before writing anything.
  const refusal = nameRefusal(slug, args.data);
  if (refusal) {
    return report(io, args.json, { ok: false, message: refusal, data: { plugin: slug } });
  }
  const target = resolve(args.data ? args.dataDir : args.installDir, "plugins", slug);
  if (existsSync(target)) {
    return report(io, args.json, {
      ok: false,
      message: `${displayPath(target)} already exists; choose another name or remove it first`,
      data: { plugin: slug, path: target },
    });
  }
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(join(dirname(target), `.${slug}.new-`));
  try {
    const schema = relative(target, resolve(MANIFEST_JSON_SCHEMA_FILE)).split(sep).join("/");
    for (const [file, content] of Object.entries(scaffoldFiles(slug, schema))) {
      mkdirSync(dirname(join(staging, file)), { recursive: true });
      writeFileSync(join(staging, file), content);
    }
    renameSync(staging, target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return report(io, args.json, {
    ok: true,
    message: `created ${displayPath(target)}\n` +
      `next: \`npm run dev\`, then open /plugins/${slug}/ and GET /api/${slug}/ping; ` +
      `\`npx deno test -A ${displayPath(join(target, "tests"))}\` runs its tests`,
    data: { plugin: slug, path: target, files: Object.keys(scaffoldFiles(slug)) },
  });
}

/** `sales-eu` → `Sales Eu`: the scaffold's display name and menu label. */
function titleCase(slug: string): string {
  return slug.replace(/^_/, "").split("-").map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(" ");
}
