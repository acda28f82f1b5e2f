/**
 * The JSON Schema of `plugin.yaml`: committed, equal to a fresh generation from the valibot schema,
 * and right about real manifests when a real JSON Schema validator (Ajv) applies it.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Ajv } from "npm:ajv@8.20.0";
import { parse } from "yaml";
import {
  MANIFEST_JSON_SCHEMA_FILE,
  manifestJsonSchemaText,
} from "../../src/build/manifest_json_schema.ts";
import { scaffoldFiles } from "../../src/cli/new_verb.ts";
import { cli } from "../helpers/cli.ts";
import { makeTree } from "../helpers/tree.ts";

const committed = readFileSync(MANIFEST_JSON_SCHEMA_FILE, "utf8");
const validate = new Ajv({ allErrors: true }).compile(JSON.parse(committed));

Deno.test("the committed schema is what `deno task schema` generates now", () => {
  assert.equal(committed, manifestJsonSchemaText(), "run `deno task schema` and commit the file");
});

Deno.test("real manifests pass the schema: _demo's, the scaffold's", () => {
  for (
    const [where, text] of [
      ["plugins/_demo/plugin.yaml", readFileSync("plugins/_demo/plugin.yaml", "utf8")],
      ["scaffold", scaffoldFiles("sales-eu")["plugin.yaml"]!],
    ]
  ) {
    assert.ok(validate(parse(text!)), `${where}: ${JSON.stringify(validate.errors)}`);
  }
});

Deno.test("broken manifests fail the schema where the build fails them", () => {
  const base = { name: "crm", version: "1.0.0" };
  for (
    const [label, manifest, keyword] of [
      ["a name that is not a slug", { ...base, name: "Bad" }, "pattern"],
      ["a version that is not semver", { ...base, version: "one" }, "pattern"],
      ["a missing version", { name: "crm" }, "required"],
      ["routers that are not a list", { ...base, routers: "r.ts" }, "type"],
      ["a nav path without /", { ...base, nav: [{ label: "A", path: "a" }] }, "pattern"],
      ["a permission that is not resource.action", { ...base, permissions: ["Bad"] }, "pattern"],
      ["a mistyped field", { ...base, router: ["r.ts"] }, "additionalProperties"],
    ] as const
  ) {
    assert.equal(validate(manifest), false, label);
    assert.ok(validate.errors?.some((error) => error.keyword === keyword), label);
  }
});

Deno.test("new writes the yaml-language-server line, pointing at the schema from where it is", async () => {
  using tree = makeTree();
  assert.equal(
    (await cli(["new", "crm", "--data", "--data-dir", join(tree.root, "data")])).code,
    0,
  );
  const manifest = join(tree.root, "data/plugins/crm/plugin.yaml");
  const first = readFileSync(manifest, "utf8").split("\n")[0]!;
  const target = /^# yaml-language-server: \$schema=(\S+)$/.exec(first)?.[1];
  assert.ok(target, first);
  assert.equal(resolve(dirname(manifest), target), resolve(MANIFEST_JSON_SCHEMA_FILE));
  assert.ok(existsSync(resolve(dirname(manifest), target)));
});
