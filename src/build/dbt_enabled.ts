/**
 * What dbt model files and `dbt_project.yml` say of the models: which dbt would leave out
 * (`+enabled: false` for the project, a folder under a model path or one model, the most specific
 * winning, overridden by the model's own `{{ config(enabled=false) }}` or
 * `dbt.config(enabled=False)`), and the custom schemas models give themselves.
 *
 * @module
 */
import type { DbtModel } from "../runtime/registry.ts";

/**
 * The models dbt would not build.
 *
 * @param models Every model found, with paths relative to the workspace.
 * @param project The parsed `dbt_project.yml`.
 * @param projectName The project's name (its key under `models:`).
 * @param modelPaths The model paths, relative to the workspace.
 * @param source A model file's text (`undefined` when it cannot be read).
 * @returns The paths of the disabled models.
 * @example
 * ```ts
 * disabledModels(
 *   [{ name: "old", path: "models/legacy/old.sql" }],
 *   { models: { shop: { legacy: { "+enabled": false } } } },
 *   "shop",
 *   ["models"],
 *   () => "select 1",
 * ); // Set { "models/legacy/old.sql" }
 * ```
 */
export function disabledModels(
  models: readonly DbtModel[],
  project: Readonly<Record<string, unknown>>,
  projectName: string,
  modelPaths: readonly string[],
  source: (path: string) => string | undefined,
): Set<string> {
  const root = mapping(project.models);
  const disabled = new Set<string>();
  for (const model of models) {
    const own = ownSetting(model, source);
    const enabled = own ?? projectSetting(root, projectName, modelPaths, model) ?? true;
    if (!enabled) disabled.add(model.path);
  }
  return disabled;
}

function projectSetting(
  root: Readonly<Record<string, unknown>> | undefined,
  projectName: string,
  modelPaths: readonly string[],
  model: DbtModel,
): boolean | undefined {
  let enabled = setting(root);
  let node = mapping(root?.[projectName]);
  enabled = setting(node) ?? enabled;
  const base = modelPaths.find((path) => model.path.startsWith(`${path}/`));
  const folders = base === undefined
    ? []
    : model.path.slice(base.length + 1).split("/").slice(0, -1);
  for (const folder of [...folders, model.name]) {
    node = mapping(node?.[folder]);
    if (node === undefined) break;
    enabled = setting(node) ?? enabled;
  }
  return enabled;
}

/** `+enabled` (or the older `enabled`) of a config level, when it is a boolean. */
function setting(node: Readonly<Record<string, unknown>> | undefined): boolean | undefined {
  const value = node?.["+enabled"] ?? node?.enabled;
  return typeof value === "boolean" ? value : undefined;
}

const SQL_CONFIG = /\{\{-?\s*config\s*\(([^)]*)\)\s*-?\}\}/g;
const PYTHON_CONFIG = /\bdbt\.config\s*\(([^)]*)\)/g;
const ENABLED = /\benabled\s*=\s*(true|false|True|False)\b/;
const SCHEMA = /\bschema\s*=\s*(?:'([^'\\]*)'|"([^"\\]*)")/;

/**
 * The custom schemas models give themselves (`{{ config(schema='marts') }}`,
 * `dbt.config(schema="marts")`), each once, in model order.
 *
 * @param models The models dbt builds (a disabled model's schema is never made).
 * @param source A model file's text (`undefined` when it cannot be read).
 * @returns The custom schemas.
 * @example
 * ```ts
 * modelSchemas([{ name: "m", path: "models/m.sql" }], () => "{{ config(schema='marts') }}");
 * // ["marts"]
 * ```
 */
export function modelSchemas(
  models: readonly DbtModel[],
  source: (path: string) => string | undefined,
): string[] {
  const found = new Set<string>();
  for (const model of models) {
    for (const config of configArguments(model, source)) {
      const schema = SCHEMA.exec(config);
      const name = (schema?.[1] ?? schema?.[2])?.trim();
      if (name) found.add(name);
    }
  }
  return [...found];
}

/** The model's own `enabled` config, when its file sets one (the last call wins). */
function ownSetting(
  model: DbtModel,
  source: (path: string) => string | undefined,
): boolean | undefined {
  let found: boolean | undefined;
  for (const config of configArguments(model, source)) {
    const value = ENABLED.exec(config)?.[1];
    if (value !== undefined) found = value.toLowerCase() === "true";
  }
  return found;
}

/** The arguments of each `config(…)` call in a model's file (SQL's Jinja, or Python's `dbt.config`). */
function configArguments(
  model: DbtModel,
  source: (path: string) => string | undefined,
): string[] {
  const text = source(model.path);
  if (text === undefined) return [];
  const calls = text.matchAll(model.path.endsWith(".py") ? PYTHON_CONFIG : SQL_CONFIG);
  return [...calls].map((call) => call[1]!);
}

function mapping(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? value as Record<string, unknown>
    : undefined;
}
