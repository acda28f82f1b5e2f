/**
 * The warehouse schema of a plugin's dbt workspace: each plugin owns one, named after it, and the
 * schemas dbt derives from it for models with a custom schema (`+schema: custom` →
 * `<schema>_custom`, dbt's default `generate_schema_name`).
 *
 * @module
 */

/** PostgreSQL's limit on an identifier, in bytes (`NAMEDATALEN` − 1). */
export const MAX_IDENTIFIER_BYTES = 63;

/**
 * The schema a plugin's dbt models are built in and its routes read: its name with `-` → `_`.
 *
 * @param plugin The plugin's name.
 * @returns The schema's name.
 * @example
 * ```ts
 * pluginSchema("crm-plus"); // "crm_plus"
 * ```
 */
export function pluginSchema(plugin: string): string {
  return plugin.replaceAll("-", "_");
}

/**
 * The schema dbt builds a model with a custom schema in, as dbt's default `generate_schema_name`
 * makes it.
 *
 * @param schema The plugin's schema.
 * @param custom The model's `schema` config.
 * @returns `<schema>_<custom>`.
 * @example
 * ```ts
 * derivedSchema("crm", "marts"); // "crm_marts"
 * ```
 */
export function derivedSchema(schema: string, custom: string): string {
  return `${schema}_${custom.trim()}`;
}

/**
 * Why a schema name cannot be a plugin's, if it cannot: PostgreSQL reserves `pg_` and cuts names
 * longer than 63 bytes (two plugins could then share one).
 *
 * @param schema The schema's name.
 * @returns The reason, or `undefined` when the name is usable.
 * @example
 * ```ts
 * schemaRefusal("pg_stats"); // "`pg_stats` starts with pg_, which PostgreSQL reserves"
 * ```
 */
export function schemaRefusal(schema: string): string | undefined {
  if (schema.startsWith("pg_")) return `\`${schema}\` starts with pg_, which PostgreSQL reserves`;
  const bytes = new TextEncoder().encode(schema).byteLength;
  if (bytes > MAX_IDENTIFIER_BYTES) {
    return `\`${schema}\` is ${bytes} bytes long; PostgreSQL cuts names at ${MAX_IDENTIFIER_BYTES}`;
  }
  return undefined;
}
