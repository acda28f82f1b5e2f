/**
 * A plugin's dbt workspace: the `dbt_workspace` folder and its `dbt_project.yml`, read with the
 * same safe YAML rules as `plugin.yaml`, the models listed from its model paths, and the
 * `dbt_schedule` checked. What it finds becomes the registry's inventory; nothing is read at run
 * time.
 *
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";
import {
  locateProblems,
  type Manifest,
  MANIFEST_FILE,
  parseYamlSafely,
  pathProblem,
  type Problem,
  problem,
} from "../manifest/mod.ts";
import type { DbtModel, DbtWorkspaceInfo } from "../runtime/registry.ts";
import { scheduleProblem } from "../runtime/dbt/schedule.ts";
import { derivedSchema, pluginSchema, schemaRefusal } from "../runtime/dbt/schema.ts";
import { renderDbtJinja } from "./dbt_jinja.ts";
import { disabledModels, modelSchemas } from "./dbt_enabled.ts";
import ignore from "ignore";
import { resolveInsidePlugin } from "./inside_plugin.ts";

/** The most models listed for one workspace; more are a warning and are left out. */
export const MAX_DBT_MODELS = 10_000;

/**
 * The most aliases `dbt_project.yml` may use, and the bound on their expansion (`plugin.yaml`
 * allows 50; dbt projects use anchors for shared configs).
 */
export const DBT_MAX_ALIASES = 1_000;

/** dbt's rule for a project name: letters, digits and underscores, not starting with a digit. */
const PROJECT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** What checking a plugin's dbt fields found. */
export interface DbtCheck {
  /** Problems that keep the plugin from being mounted. */
  readonly errors: readonly Problem[];
  /** Problems that do not. */
  readonly warnings: readonly Problem[];
  /** The workspace's inventory, when `dbt_project.yml` was read. */
  readonly dbt?: DbtWorkspaceInfo;
}

/**
 * Checks a plugin's `dbt_workspace` and `dbt_schedule` and reads the project.
 *
 * @param dir The plugin folder.
 * @param manifest Its valid manifest.
 * @returns The problems, and the inventory when the project was read.
 * @example
 * ```ts ignore
 * const { errors, dbt } = checkDbt("plugins/finance", manifest);
 * dbt?.models.map((model) => model.name); // ["customers", "orders"]
 * ```
 */
export function checkDbt(dir: string, manifest: Manifest): DbtCheck {
  const schedule = manifest.dbt_schedule;
  const scheduleErrors: Problem[] = [];
  const at = { file: MANIFEST_FILE, path: "dbt_schedule" };
  if (schedule !== undefined && manifest.dbt_workspace === undefined) {
    scheduleErrors.push(problem(
      "dbt_schedule.no_workspace",
      "`dbt_schedule` needs a `dbt_workspace` to run",
      at,
    ));
  }
  const reason = schedule === undefined ? undefined : scheduleProblem(schedule);
  if (reason !== undefined) {
    scheduleErrors.push(problem(
      "dbt_schedule.invalid",
      `\`${schedule}\` is not a five-field cron expression (UTC): ${reason}`,
      at,
    ));
  }
  if (manifest.dbt_workspace === undefined) return { errors: scheduleErrors, warnings: [] };
  const refusal = schemaRefusal(pluginSchema(manifest.name));
  if (refusal !== undefined) {
    scheduleErrors.push(problem(
      "dbt_workspace.invalid_schema",
      `the plugin's warehouse schema is named after it, and ${refusal}: rename the plugin`,
      { file: MANIFEST_FILE, path: "name" },
    ));
  }
  const found = readWorkspace(dir, manifest.dbt_workspace, schedule ?? null, manifest.name);
  return { ...found, errors: [...scheduleErrors, ...found.errors] };
}

function readWorkspace(
  dir: string,
  workspace: string,
  schedule: string | null,
  plugin: string,
): DbtCheck {
  const at = { file: MANIFEST_FILE, path: "dbt_workspace" };
  const where = resolveInsidePlugin(dir, workspace);
  if (where.kind === "outside") {
    return failed(problem(
      "dbt_workspace.outside_plugin",
      `\`${workspace}\` resolves outside the plugin folder`,
      at,
    ));
  }
  if (where.kind === "not_found" || !where.isDirectory) {
    return failed(
      problem("dbt_workspace.not_found", `\`${workspace}\` is not a folder in the plugin`, at),
    );
  }
  const projectFile = posix.join(workspace, "dbt_project.yml");
  const project = resolveInsidePlugin(dir, projectFile);
  if (project.kind === "outside") {
    return failed(problem(
      "dbt_workspace.outside_plugin",
      `\`${projectFile}\` is a link that resolves outside the plugin folder`,
      at,
    ));
  }
  if (project.kind === "not_found" || project.isDirectory) {
    return failed(
      problem("dbt_workspace.no_project", `\`${workspace}\` has no dbt_project.yml`, at),
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(project.realPath);
  } catch (error) {
    return failed(problem(
      "dbt_workspace.invalid_project",
      `dbt_project.yml could not be read: ${(error as Error).message}`,
      { file: projectFile },
    ));
  }
  // As dbt reads it: a repeated key is the last one (a warning), and aliases as real projects use
  // them, their expansion still bounded.
  const parsed = parseYamlSafely(bytes, projectFile, {
    duplicateKeys: "last",
    maxAliases: DBT_MAX_ALIASES,
  });
  if (!parsed.ok) {
    return {
      errors: parsed.errors.map((error) => ({
        ...error,
        code: "dbt_workspace.invalid_project",
        message: `dbt_project.yml ${error.message}`,
      })),
      warnings: [],
    };
  }
  const fields = projectFields(
    parsed.value as Record<string, unknown>,
    projectFile,
    parsed.written,
    workspace,
  );
  if ("errors" in fields) {
    return { errors: locateProblems(fields.errors, bytes, projectFile), warnings: [] };
  }
  const workspaceDir = join(dir, workspace);
  const warnings: Problem[] = [...parsed.warnings, ...fields.warnings];
  const models: DbtModel[] = [];
  for (const [index, modelPath] of fields.modelPaths.entries()) {
    const folder = resolveInsidePlugin(dir, posix.join(workspace, modelPath));
    if (folder.kind !== "inside" || !folder.isDirectory) {
      // dbt's default folder may be absent (a project without models yet); a listed one may not.
      if (!fields.modelPathsListed) continue;
      warnings.push(problem(
        "dbt_workspace.model_path_missing",
        `the model path \`${modelPath}\` is not a folder in the workspace`,
        { file: projectFile, path: `${fields.modelPathsField}[${index}]` },
      ));
      continue;
    }
    listModels(workspaceDir, modelPath, models);
  }
  if (models.length > MAX_DBT_MODELS) {
    warnings.push(problem(
      "dbt_workspace.many_models",
      `the workspace has more than ${MAX_DBT_MODELS} models; only the first ${MAX_DBT_MODELS} are listed`,
      { file: projectFile },
    ));
  }
  const ignored = dbtIgnore(dir, workspace);
  const listed = models
    .filter((model) => !ignored?.(model.path))
    .sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
    .slice(0, MAX_DBT_MODELS);
  const sources = new Map<string, string | undefined>();
  const source = (path: string) => {
    if (!sources.has(path)) {
      try {
        sources.set(path, readFileSync(join(workspaceDir, path), "utf8"));
      } catch {
        sources.set(path, undefined);
      }
    }
    return sources.get(path);
  };
  const config = parsed.value as Record<string, unknown>;
  const disabled = disabledModels(listed, config, fields.name, fields.modelPaths, source);
  const schema = pluginSchema(plugin);
  const built = listed.filter((model) => !disabled.has(model.path));
  const derived = [...customSchemas(config), ...modelSchemas(built, source)]
    .map((custom) => derivedSchema(schema, custom));
  // PostgreSQL would cut a long one, and two plugins could then share it.
  const refused = derived.flatMap((name) => {
    const reason = schemaRefusal(name);
    return reason === undefined ? [] : [problem(
      "dbt_workspace.invalid_schema",
      `a custom schema gives ${reason}: shorten the custom schema or the plugin's name`,
      { file: projectFile },
    )];
  });
  return {
    errors: refused.slice(0, 1),
    warnings: locateProblems(warnings, bytes, projectFile),
    dbt: {
      project: fields.name,
      version: fields.version,
      profile: fields.profile,
      path: posix.normalize(workspace).replace(/\/$/, ""),
      model_paths: fields.modelPaths,
      seed_paths: fields.seedPaths,
      models: listed.map((model) =>
        disabled.has(model.path) ? { ...model, enabled: false as const } : model
      ),
      schedule,
      schema,
      schemas: [...new Set([schema, ...derived.sort()])],
      vars: fields.vars,
    },
  };
}

function failed(error: Problem): DbtCheck {
  return { errors: [error], warnings: [] };
}

/** The fields of `dbt_project.yml` the host uses. */
interface ProjectFields {
  readonly name: string;
  readonly version: string | null;
  readonly profile: string | null;
  readonly modelPaths: string[];
  /** Whether `model-paths` was written (else dbt's default, `models`, is used). */
  readonly modelPathsListed: boolean;
  /** The field that lists them: `model-paths`, or the legacy `source-paths`. */
  readonly modelPathsField: string;
  /** The project's `vars` (`{}` when it has none). */
  readonly vars: Record<string, unknown>;
  /** What was read but not as dbt would read it (Jinja left as written). */
  readonly warnings: Problem[];
  readonly seedPaths: string[];
}

/** Reads and checks the fields the host uses; other fields are dbt's business. */
function projectFields(
  value: Record<string, unknown>,
  file: string,
  written: Readonly<Record<string, string>>,
  workspace: string,
): ProjectFields | { errors: Problem[] } {
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  const invalid = (path: string, message: string) =>
    errors.push(problem("dbt_workspace.invalid_project", message, { file, path }));
  const vars = isPlainMapping(value.vars) ? value.vars : {};
  /** The field rendered as dbt would; an expression it cannot render is left, with a warning. */
  const rendered = (path: string, item: string) => {
    const result = renderDbtJinja(item, vars);
    if (result.unrendered !== undefined) {
      warnings.push(problem(
        "dbt_workspace.unrendered_jinja",
        `\`${result.unrendered}\` is shown as written: only env_var() with a default (never the ` +
          "build's environment) and var() of the project's vars are rendered at build time",
        { file, path },
      ));
    }
    return result;
  };
  const name = value.name;
  const projectName = typeof name === "string" ? rendered("name", name) : undefined;
  if (name === undefined || name === null) invalid("name", "dbt_project.yml needs a `name`");
  else if (
    projectName === undefined ||
    projectName.unrendered === undefined && !PROJECT_NAME.test(projectName.text)
  ) {
    invalid(
      "name",
      `the project name ${
        JSON.stringify(projectName?.text ?? name)
      } breaks dbt's rule: letters, digits and underscores, not starting with a digit`,
    );
  }
  const text = (field: string): string | null => {
    const item = value[field];
    if (item === undefined || item === null) return null;
    // As written: `version: 1.0` is the number 1 once parsed, and "1.0" to dbt.
    if (typeof item === "number") return written[field] ?? String(item);
    if (typeof item === "string") return rendered(field, item).text;
    invalid(field, `\`${field}\` must be a string`);
    return null;
  };
  const version = text("version");
  const profile = text("profile");
  const paths = (field: string, fallback: string): string[] => {
    const item = value[field];
    if (item === undefined || item === null) return [fallback];
    if (!Array.isArray(item)) {
      invalid(field, `\`${field}\` must be a list of folders`);
      return [];
    }
    return item.flatMap((entry, index) => {
      const path = `${field}[${index}]`;
      if (typeof entry !== "string") {
        invalid(path, `\`${field}\` entry ${JSON.stringify(entry)} is not a string`);
        return [];
      }
      const folder = rendered(path, entry);
      if (folder.unrendered !== undefined) return [];
      const normalized = posix.normalize(folder.text).replace(/\/$/, "");
      // dbt accepts a folder beside the project; the host, one inside the plugin.
      const inPlugin = posix.normalize(posix.join(workspace, normalized));
      const reason = pathProblem(normalized.replace(/^(\.\.\/)+/, "")) ??
        (inPlugin === ".." || inPlugin.startsWith("../") ? "leaves the plugin folder" : undefined);
      if (reason !== undefined) {
        invalid(path, `\`${field}\` entry ${JSON.stringify(folder.text)} ${reason}`);
        return [];
      }
      if (normalized === ".." || normalized.startsWith("../")) {
        warnings.push(problem(
          "dbt_workspace.path_outside_project",
          `\`${folder.text}\` is outside the dbt project (dbt accepts it; the plugin carries it)`,
          { file, path },
        ));
      }
      return [normalized];
    });
  };
  // dbt before 1.0 named them `source-paths` and `data-paths`, and still reads those names.
  const listed = (field: string) => value[field] !== undefined && value[field] !== null;
  const modelField = !listed("model-paths") && listed("source-paths")
    ? "source-paths"
    : "model-paths";
  const seedField = !listed("seed-paths") && listed("data-paths") ? "data-paths" : "seed-paths";
  const modelPaths = paths(modelField, "models");
  const seedPaths = paths(seedField, "seeds");
  if (errors.length > 0) return { errors };
  const modelPathsListed = listed(modelField);
  return {
    name: projectName!.text,
    version,
    profile,
    modelPaths,
    modelPathsListed,
    modelPathsField: modelField,
    seedPaths,
    vars,
    warnings,
  };
}

function isPlainMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The workspace's `.dbtignore` (gitignore patterns, from the project folder) as a test of a path
 * relative to the workspace, when it has one.
 */
function dbtIgnore(dir: string, workspace: string): ((path: string) => boolean) | undefined {
  const file = resolveInsidePlugin(dir, posix.join(workspace, ".dbtignore"));
  if (file.kind !== "inside" || file.isDirectory) return undefined;
  const patterns = ignore().add(readFileSync(file.realPath, "utf8"));
  return (path) => patterns.ignores(path);
}

/**
 * The custom schemas `dbt_project.yml` gives models (`+schema:` anywhere under `models:`), each
 * once, in the order found.
 */
function customSchemas(project: Record<string, unknown>): string[] {
  const found: string[] = [];
  const walk = (config: unknown) => {
    if (config === null || typeof config !== "object" || Array.isArray(config)) return;
    for (const [key, value] of Object.entries(config)) {
      if ((key === "+schema" || key === "schema") && typeof value === "string" && value.trim()) {
        found.push(value.trim());
      } else walk(value);
    }
  };
  walk(project.models);
  return found;
}

/** Adds the `.sql` and `.py` files under `folder` (symbolic links are not followed). */
function listModels(workspaceDir: string, folder: string, into: DbtModel[]): void {
  const pending = [folder];
  while (pending.length > 0 && into.length <= MAX_DBT_MODELS) {
    const current = pending.pop()!;
    let entries;
    try {
      entries = readdirSync(join(workspaceDir, current), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const path = posix.join(current, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile()) {
        const match = /^(.+)\.(sql|py)$/.exec(entry.name);
        if (match) into.push({ name: match[1]!, path });
      }
    }
  }
}
