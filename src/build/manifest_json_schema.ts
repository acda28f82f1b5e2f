/**
 * The JSON Schema of `plugin.yaml`, generated from the valibot schema the build validates with, so
 * that editors give completion and squiggles (`# yaml-language-server: $schema=…`). The rules a
 * JSON Schema cannot express stay with the build; `docs/plugins.md` lists them.
 *
 * @module
 */
import { toJsonSchema } from "@valibot/to-json-schema";
import { ManifestSchema } from "../manifest/mod.ts";

/** Where the committed schema lives, relative to the project. */
export const MANIFEST_JSON_SCHEMA_FILE = "schema/plugin.schema.json";

/**
 * The schema, as committed in {@link MANIFEST_JSON_SCHEMA_FILE}.
 *
 * @returns The JSON Schema (draft-07) of a manifest.
 * @example
 * ```ts
 * manifestJsonSchema().required; // ["name", "version"]
 * ```
 */
export function manifestJsonSchema(): Record<string, unknown> {
  // Checks and transforms (router specs, non-blank strings, seed-group permissions) have no JSON
  // Schema form; "ignore" leaves them to the build.
  const generated = toJsonSchema(ManifestSchema, { errorMode: "ignore" }) as Record<
    string,
    unknown
  >;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: "Honeyframe Edge plugin manifest (plugin.yaml)",
    description:
      "Generated from src/manifest/schema.ts by `deno task schema`. Unknown fields are warnings in the build.",
    ...rest,
    additionalProperties: false,
  };
}

/**
 * The schema file's text: JSON, two-space indented, one trailing newline.
 *
 * @returns The text.
 */
export function manifestJsonSchemaText(): string {
  return `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`;
}
