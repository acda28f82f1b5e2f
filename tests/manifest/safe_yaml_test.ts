import assert from "node:assert/strict";
import process from "node:process";
import { MAX_ALIASES, MAX_MANIFEST_BYTES, parseYamlSafely } from "../../src/manifest/safe_yaml.ts";

const encode = (text: string) => new TextEncoder().encode(text);

function errorCode(text: string | Uint8Array): string | undefined {
  const result = parseYamlSafely(typeof text === "string" ? encode(text) : text, "plugin.yaml");
  return result.ok ? undefined : result.errors[0]?.code;
}

Deno.test("parseYamlSafely() returns the mapping of a well-formed file", () => {
  const result = parseYamlSafely(
    encode("name: crm\nversion: 0.1.0\nlist: [a, b]\nrate: 1.50\n"),
    "plugin.yaml",
  );
  assert.deepEqual(result, {
    ok: true,
    value: { name: "crm", version: "0.1.0", list: ["a", "b"], rate: 1.5 },
    warnings: [],
    written: { name: "crm", version: "0.1.0", rate: "1.50" },
  });
});

Deno.test("parseYamlSafely() rejects a file over the size cap before parsing it", () => {
  const big = encode(`name: x\npad: "${"a".repeat(MAX_MANIFEST_BYTES)}"\n`);
  const result = parseYamlSafely(big, "plugin.yaml");
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.errors[0]?.code, "manifest.too_large");
  assert.equal(!result.ok && result.errors[0]?.file, "plugin.yaml");
});

Deno.test("parseYamlSafely() accepts a file exactly at the size cap", () => {
  const prefix = "name: x\npad: ";
  const text = prefix + "a".repeat(MAX_MANIFEST_BYTES - prefix.length - 1) + "\n";
  assert.equal(encode(text).byteLength, MAX_MANIFEST_BYTES);
  assert.equal(parseYamlSafely(encode(text), "plugin.yaml").ok, true);
});

Deno.test("parseYamlSafely() rejects duplicate keys", () => {
  assert.equal(errorCode("name: a\nname: b\n"), "yaml.duplicate_key");
  assert.equal(errorCode("nav:\n  - label: a\n    label: b\n"), "yaml.duplicate_key");
});

Deno.test("parseYamlSafely() rejects tags outside the core schema", () => {
  assert.equal(errorCode("data: !!binary aGVsbG8=\n"), "yaml.unsupported_tag");
  assert.equal(errorCode("run: !!js/function 'function () {}'\n"), "yaml.unsupported_tag");
  assert.equal(errorCode("x: !custom 1\n"), "yaml.unsupported_tag");
  assert.equal(errorCode("x: !!set {a, b}\n"), "yaml.unsupported_tag");
});

Deno.test("parseYamlSafely() allows the core schema's explicit tags", () => {
  const result = parseYamlSafely(encode("version: !!str 1.0\ncount: !!int '3'\n"), "plugin.yaml");
  assert.deepEqual(result.ok && result.value, { version: "1.0", count: 3 });
});

Deno.test("parseYamlSafely() stops an alias bomb that stays under the alias-node cap", () => {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let level = 1; level < 4; level++) {
    const previous = String.fromCharCode(96 + level);
    const name = String.fromCharCode(97 + level);
    lines.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(",")}]`);
  }
  assert.equal(errorCode(lines.join("\n") + "\n"), "yaml.alias_limit");
});

Deno.test("parseYamlSafely() allows a few aliases and refuses more than the cap", () => {
  const few = "a: &x 1\nb: *x\nc: *x\n";
  assert.equal(parseYamlSafely(encode(few), "plugin.yaml").ok, true);
  const many = ["a: &x 1", ...Array.from({ length: MAX_ALIASES + 1 }, (_, i) => `k${i}: *x`)].join(
    "\n",
  );
  assert.equal(errorCode(many + "\n"), "yaml.alias_limit");
});

Deno.test("parseYamlSafely() rejects a root that is not a mapping", () => {
  assert.equal(errorCode("- a\n- b\n"), "manifest.not_mapping");
  assert.equal(errorCode("just a string\n"), "manifest.not_mapping");
  assert.equal(errorCode("42\n"), "manifest.not_mapping");
});

Deno.test("parseYamlSafely() reports an empty file and a file of comments as empty", () => {
  assert.equal(errorCode(""), "manifest.empty");
  assert.equal(errorCode("  \n\n"), "manifest.empty");
  assert.equal(errorCode("# nothing here\n"), "manifest.empty");
  assert.equal(errorCode("~\n"), "manifest.empty");
});

Deno.test("parseYamlSafely() reports malformed YAML with its position and no source excerpt", () => {
  const result = parseYamlSafely(encode("name: [unclosed\nversion: 1.0.0\n"), "plugin.yaml");
  assert.equal(result.ok, false);
  const error = !result.ok ? result.errors[0] : undefined;
  assert.equal(error?.code, "yaml.syntax");
  assert.deepEqual([error?.line, error?.column], [2, 1], "the position is data, not text");
  assert.doesNotMatch(error?.message ?? "", /\n|line \d+|plugin\.yaml/);
});

Deno.test("parseYamlSafely() rejects several documents in one file", () => {
  assert.equal(errorCode("name: a\n---\nname: b\n"), "yaml.syntax");
});

Deno.test("parseYamlSafely() accepts a byte-order mark with a warning", () => {
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...encode("name: crm\n")]);
  const result = parseYamlSafely(bytes, "plugin.yaml");
  assert.equal(result.ok, true);
  assert.deepEqual(result.ok && result.value, { name: "crm" });
  assert.deepEqual(result.ok && result.warnings.map((w) => w.code), ["manifest.byte_order_mark"]);
});

Deno.test("parseYamlSafely() rejects bytes that are not UTF-8", () => {
  assert.equal(
    errorCode(new Uint8Array([0x6e, 0x3a, 0x20, 0xff, 0xfe, 0x0a])),
    "manifest.invalid_encoding",
  );
});

Deno.test("parseYamlSafely() does not apply merge keys", () => {
  const result = parseYamlSafely(encode("base: &b {k: 1}\nx:\n  <<: *b\n"), "plugin.yaml");
  assert.deepEqual(result.ok && result.value, { base: { k: 1 }, x: { "<<": { k: 1 } } });
});

Deno.test("parseYamlSafely() refuses a list or mapping as a mapping key, silently", () => {
  const warned: unknown[] = [];
  const { warn } = console;
  const { emitWarning } = process;
  console.warn = (...args: unknown[]) => warned.push(args);
  process.emitWarning = ((...args: unknown[]) => warned.push(args)) as typeof emitWarning;
  try {
    assert.equal(errorCode("? [a, b]\n: 1\n"), "yaml.collection_key");
    assert.equal(errorCode("name: crm\nnav:\n  - ? {label: x}\n    : 1\n"), "yaml.collection_key");
    assert.equal(errorCode("k: &k [a]\n? *k\n: 2\n"), "yaml.collection_key");
    assert.equal(errorCode("? plain\n: 1\n"), undefined, "an explicit plain key is fine");
  } finally {
    console.warn = warn;
    process.emitWarning = emitWarning;
  }
  assert.deepEqual(warned, [], "nothing reaches stderr");
});
