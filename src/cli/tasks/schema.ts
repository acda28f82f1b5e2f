/**
 * `deno task schema`: writes the JSON Schema of `plugin.yaml` (`schema/plugin.schema.json`) from
 * the valibot schema. A test fails when the committed file differs from a fresh generation.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import {
  MANIFEST_JSON_SCHEMA_FILE,
  manifestJsonSchemaText,
} from "../../build/manifest_json_schema.ts";

mkdirSync(dirname(MANIFEST_JSON_SCHEMA_FILE), { recursive: true });
writeFileSync(MANIFEST_JSON_SCHEMA_FILE, manifestJsonSchemaText());
console.log(`wrote ${MANIFEST_JSON_SCHEMA_FILE}`);
