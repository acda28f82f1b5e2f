/**
 * Seeded, reproducible property test: at least 10,000 generated and mutated manifests go through
 * parse + validate; it never throws and always returns either a manifest or errors.
 * Reproduce a run with FUZZ_SEED=<seed> (and FUZZ_RUNS=<count>).
 */
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { parseManifest, PLUGIN_NAME, PROBLEM_CODES } from "../../src/manifest/mod.ts";
import { PERMISSION, SEMVER } from "../../src/manifest/schema.ts";

const SEED = Number(Deno.env.get("FUZZ_SEED") ?? 20261126);
const RUNS = Number(Deno.env.get("FUZZ_RUNS") ?? 12_000);

/** mulberry32: a small, fast, seedable generator (same seed, same sequence). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIELDS = [
  "name",
  "version",
  "display_name",
  "routers",
  "dbt_workspace",
  "frontend_entry",
  "nav",
  "permissions",
  "seed_groups",
];
const STRINGS = [
  "crm",
  "_demo",
  "CRM",
  "a-b",
  "",
  " ",
  "1.0.0",
  "1.0",
  "v1",
  "customer.read",
  "x.y.z",
  "/crm",
  "crm",
  "../x.ts",
  "/etc/passwd",
  "npm:hono",
  "https://x/y.ts:router",
  "backend/r.ts:router",
  "r.ts",
  "dbt/",
  "ü",
  "🙂",
  "a".repeat(70),
  "null",
  "~",
  "yes",
  "0x1f",
  "- a",
  "&anchor",
  "*alias",
  "!tag",
  "{}",
  "[]",
  "'quoted'",
  '"double"',
  "line\nbreak",
  "tab\there",
  "\u0000",
  "\u2028",
  "%YAML 1.2",
  "<<",
];
const SPECIALS = [
  "\n",
  ":",
  "- ",
  "&a ",
  "*a",
  "!!binary ",
  "!x ",
  "[",
  "]",
  "{",
  "}",
  "|",
  ">",
  "#",
  "'",
  '"',
  "---\n",
  "\t",
  "\ufeff",
  "\u0000",
  "  ",
  "? ",
  ",",
  "%",
];

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}

function value(next: () => number, depth: number): unknown {
  const roll = next();
  if (depth > 3 || roll < 0.35) return pick(next, STRINGS);
  if (roll < 0.45) return Math.floor(next() * 2000) - 1000;
  if (roll < 0.5) return next() < 0.5;
  if (roll < 0.55) return null;
  if (roll < 0.8) {
    return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
  }
  const entries = Array.from({ length: Math.floor(next() * 4) }, () => [
    pick(next, [...FIELDS, "label", "path", "icon", "permissions", "name", "extra"]),
    value(next, depth + 1),
  ]);
  return Object.fromEntries(entries);
}

/** A manifest-shaped mapping: mostly known fields, with plausible and implausible values. */
function generated(next: () => number): string {
  const manifest: Record<string, unknown> = {};
  for (const field of FIELDS) {
    if (next() < 0.6) manifest[field] = value(next, 0);
  }
  if (next() < 0.5) manifest.name = pick(next, ["crm", "_demo", "x", "CRM", ""]);
  if (next() < 0.5) manifest.version = pick(next, ["1.0.0", "0.1.0-rc.1", "1.0", "x"]);
  if (next() < 0.2) manifest[pick(next, ["extra", "homepage", "Name"])] = value(next, 1);
  return stringify(manifest);
}

const VALID = `name: crm
version: 0.1.0
display_name: CRM
routers:
  - backend/routers/customers.ts:router
dbt_workspace: dbt/
nav:
  - label: Customers
    path: /crm/customers
permissions: [customer.read, customer.edit]
seed_groups:
  - name: viewers
    permissions: [customer.read]
`;

/** The valid manifest, or a generated one, with a few random byte-level edits. */
function mutated(next: () => number): Uint8Array {
  let text = next() < 0.5 ? VALID : generated(next);
  const edits = 1 + Math.floor(next() * 4);
  for (let edit = 0; edit < edits; edit++) {
    const at = Math.floor(next() * (text.length + 1));
    const roll = next();
    if (roll < 0.4) text = text.slice(0, at) + pick(next, SPECIALS) + text.slice(at);
    else if (roll < 0.7) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 8));
    else if (roll < 0.85) {
      const lines = text.split("\n");
      const line = Math.floor(next() * lines.length);
      lines.splice(line, 0, lines[line] ?? "");
      text = lines.join("\n");
    } else text = text.slice(0, at) + text.slice(at).toUpperCase();
  }
  const bytes = new TextEncoder().encode(text);
  if (next() < 0.05 && bytes.length > 0) bytes[Math.floor(next() * bytes.length)] = 0xff;
  return bytes;
}

Deno.test(`parse + validate never throw and answer a manifest xor errors (seed ${SEED}, ${RUNS} inputs)`, () => {
  const next = random(SEED);
  let valid = 0;
  const seen = new Set<string>();
  for (let run = 0; run < RUNS; run++) {
    const bytes = run % 2 === 0 ? new TextEncoder().encode(generated(next)) : mutated(next);
    let result;
    try {
      result = parseManifest(bytes);
    } catch (error) {
      assert.fail(
        `input #${run} (seed ${SEED}) threw: ${error}\n${new TextDecoder().decode(bytes)}`,
      );
    }
    const { manifest, errors, warnings } = result;
    assert.equal(manifest === undefined, errors.length > 0, `input #${run}: a manifest xor errors`);
    for (const item of [...errors, ...warnings]) {
      assert.ok(item.code in PROBLEM_CODES, `input #${run}: unknown code ${item.code}`);
      seen.add(item.code);
      assert.equal(typeof item.message, "string");
      assert.ok(item.message.length > 0);
    }
    if (manifest) {
      valid++;
      assert.match(manifest.name, PLUGIN_NAME);
      assert.match(manifest.version, SEMVER);
      for (const permission of manifest.permissions) assert.match(permission, PERMISSION);
    }
  }
  assert.ok(valid > 0, "some inputs are valid, so the generator reaches the success path");
  assert.ok(valid < RUNS / 2, "most inputs are invalid, so the generator reaches the error paths");
  assert.ok(
    seen.size >= 15,
    `the inputs reach many kinds of problem (${[...seen].sort().join(", ")})`,
  );
});
