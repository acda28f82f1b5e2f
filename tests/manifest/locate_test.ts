/**
 * Every manifest problem carries the line and column of the field it is about: a dozen broken
 * manifests, each with its exact position.
 */
import assert from "node:assert/strict";
import { parseManifest } from "../../src/manifest/mod.ts";

const CASES: [manifest: string, code: string, line: number, column: number][] = [
  ["name: Bad\nversion: 1.0.0\n", "manifest.invalid_name", 1, 1],
  ["name: crm\nversion: one\n", "manifest.invalid_version", 2, 1],
  [
    "name: crm\nversion: 1.0.0\nrouters:\n  - r.ts:router\n  - ../x.ts\n",
    "manifest.invalid_router_spec",
    5,
    5,
  ],
  ["name: crm\nversion: 1.0.0\nnav:\n  - label: A\n    path: a\n", "manifest.invalid_value", 5, 5],
  [
    "name: crm\nversion: 1.0.0\npermissions: [crm.read, Bad]\n",
    "manifest.invalid_permission",
    3,
    25,
  ],
  ["name: crm\nversion: 1.0.0\ndisplay_name: 7\n", "manifest.invalid_type", 3, 1],
  ["name: crm\nversion: 1.0.0\nrouter: []\n", "manifest.unknown_field", 3, 1],
  ["name: crm\n  version: 1.0.0\n", "yaml.syntax", 1, 7],
  ["name: crm\nname: again\nversion: 1.0.0\n", "yaml.duplicate_key", 2, 1],
  ["name: [unclosed\nversion: 1.0.0\n", "yaml.syntax", 2, 1],
  [
    "name: crm\nversion: 1.0.0\nseed_groups:\n  - name: g\n    permissions: [nope.read]\n",
    "manifest.undeclared_permission",
    3,
    1,
  ],
  ["version: 1.0.0\nname: crm\ndbt_workspace: /abs\n", "manifest.invalid_path", 3, 1],
];

Deno.test("a dozen broken manifests: each problem has its exact line and column", () => {
  for (const [text, code, line, column] of CASES) {
    const { errors, warnings } = parseManifest(new TextEncoder().encode(text));
    const found = [...errors, ...warnings].find((problem) => problem.code === code);
    assert.ok(
      found,
      `${JSON.stringify(text)}: no ${code} in ${JSON.stringify([...errors, ...warnings])}`,
    );
    assert.deepEqual(
      [found.line, found.column],
      [line, column],
      `${JSON.stringify(text)} ${found.path}: ${found.message}`,
    );
  }
});
