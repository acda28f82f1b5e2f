/**
 * Safe YAML parsing for manifests: a size cap, an alias cap, duplicate keys rejected, only the
 * YAML core schema's tags, and every failure returned as a problem instead of thrown.
 *
 * @module
 */
import {
  type Document,
  isAlias,
  isCollection,
  isMap,
  isNode,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
} from "yaml";
import { type Problem, problem } from "./problems.ts";

/** The largest manifest accepted, in bytes. */
export const MAX_MANIFEST_BYTES = 256 * 1024;

/** The most alias nodes, and alias expansions, a manifest may use. */
export const MAX_ALIASES = 50;

const CORE_TAGS = new Set(
  ["str", "int", "float", "bool", "null", "map", "seq"].map((name) => `tag:yaml.org,2002:${name}`),
);

const BOM = [0xef, 0xbb, 0xbf];

/** What parsing a manifest's bytes gives: the plain value, or the problems that stopped it. */
export type YamlResult =
  | {
    ok: true;
    value: unknown;
    warnings: Problem[];
    /**
     * The text of each top-level plain scalar as written (`version: 1.0` → `"1.0"`, where the
     * value is the number 1), by key.
     */
    written: Record<string, string>;
  }
  | { ok: false; errors: Problem[] };

/** How strict {@link parseYamlSafely} is beyond what is always refused. */
export interface YamlReading {
  /**
   * A key repeated in one mapping: `error` (the default; a manifest), or `last`, taken as the
   * value, with a `yaml.duplicate_key` warning (how dbt reads its files).
   */
  readonly duplicateKeys?: "error" | "last";
  /**
   * The most aliases, and the bound on what they expand to (the `yaml` package's alias count),
   * {@link MAX_ALIASES} by default.
   */
  readonly maxAliases?: number;
}

/**
 * Parses the bytes of a YAML file safely. Never throws.
 *
 * @param bytes The raw file content.
 * @param file The file name used in problem records (relative to the plugin).
 * @param reading Repeated keys and the alias bound.
 * @returns The parsed value with warnings, or the errors.
 * @example
 * ```ts
 * const result = parseYamlSafely(new TextEncoder().encode("name: crm\n"), "plugin.yaml");
 * if (result.ok) console.log(result.value); // { name: "crm" }
 * ```
 */
export function parseYamlSafely(
  bytes: Uint8Array,
  file: string,
  reading: YamlReading = {},
): YamlResult {
  const maxAliases = reading.maxAliases ?? MAX_ALIASES;
  const at = { file };
  if (bytes.byteLength > MAX_MANIFEST_BYTES) {
    return fail(problem(
      "manifest.too_large",
      `is ${bytes.byteLength} bytes; the limit is ${MAX_MANIFEST_BYTES}`,
      at,
    ));
  }
  const warnings: Problem[] = [];
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return fail(problem("manifest.invalid_encoding", "is not valid UTF-8", at));
  }
  if (BOM.every((byte, index) => bytes[index] === byte)) {
    text = text.slice(1);
    warnings.push(problem(
      "manifest.byte_order_mark",
      "starts with a UTF-8 byte-order mark; it was ignored",
      at,
    ));
  }
  if (text.trim() === "") return fail(problem("manifest.empty", "is empty", at));

  try {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, {
      schema: "core",
      uniqueKeys: reading.duplicateKeys !== "last",
      lineCounter,
      merge: false,
      strict: true,
      prettyErrors: true,
    });
    const [first] = doc.errors;
    if (first?.code === "MULTIPLE_DOCS") {
      return fail(problem(
        "yaml.syntax",
        "holds more than one YAML document (`---`); a manifest is one mapping",
        at,
      ));
    }
    if (first) {
      const code = first.code === "DUPLICATE_KEY" ? "yaml.duplicate_key" : "yaml.syntax";
      const [position] = first.linePos ?? [];
      return fail(problem(code, withoutPosition(first.message), {
        file,
        ...(position ? { line: position.line, column: position.col } : {}),
      }));
    }
    const shapeProblem = checkNodes(doc, file, maxAliases);
    if (shapeProblem) return fail(shapeProblem);
    if (reading.duplicateKeys === "last") warnings.push(...repeatedKeys(doc, file, lineCounter));

    const value: unknown = doc.toJS({ maxAliasCount: maxAliases });
    if (value === null || value === undefined) {
      return fail(problem("manifest.empty", "holds no document", at));
    }
    if (typeof value !== "object" || Array.isArray(value)) {
      const kind = Array.isArray(value) ? "a list" : `a ${typeof value}`;
      return fail(problem("manifest.not_mapping", `must be a mapping, not ${kind}`, at));
    }
    return { ok: true, value, warnings, written: writtenScalars(doc) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = /alias/i.test(message) ? "yaml.alias_limit" : "yaml.syntax";
    return fail(problem(code, withoutPosition(message), at));
  }
}

/** The source text of the top-level mapping's scalar values, by key. */
function writtenScalars(doc: Document): Record<string, string> {
  const written: Record<string, string> = {};
  if (!isMap(doc.contents)) return written;
  for (const pair of doc.contents.items) {
    if (isScalar(pair.key) && isScalar(pair.value) && typeof pair.value.source === "string") {
      written[String(pair.key.value)] = pair.value.source;
    }
  }
  return written;
}

/**
 * Finds the first node that uses a tag outside the core schema, a mapping key that is itself a
 * list or mapping (JavaScript objects have string keys only), or too many aliases.
 */
function checkNodes(
  doc: ReturnType<typeof parseDocument>,
  file: string,
  maxAliases: number,
): Problem | undefined {
  let aliases = 0;
  let found: Problem | undefined;
  visit(doc, {
    Pair(_key, pair) {
      const key = isAlias(pair.key) ? pair.key.resolve(doc) : pair.key;
      if (!isCollection(key)) return undefined;
      found = problem(
        "yaml.collection_key",
        `a mapping key is a ${isSeq(key) ? "list" : "mapping"}; keys must be plain strings`,
        { file },
      );
      return visit.BREAK;
    },
    Node(_key, node) {
      if (isAlias(node)) aliases++;
      const tag = isNode(node) ? node.tag : undefined;
      if (tag !== undefined && !CORE_TAGS.has(tag)) {
        found = problem(
          "yaml.unsupported_tag",
          `the tag ${shortTag(tag)} is not allowed; only plain YAML values are`,
          { file },
        );
        return visit.BREAK;
      }
      if (aliases > maxAliases) {
        found = problem(
          "yaml.alias_limit",
          `uses more than ${maxAliases} aliases`,
          { file },
        );
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** A warning for each key written again in the same mapping (the last one is taken). */
function repeatedKeys(doc: Document, file: string, lines: LineCounter): Problem[] {
  const found: Problem[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (seen.has(key)) {
          const position = lines.linePos(pair.key.range?.[0] ?? 0);
          found.push(problem(
            "yaml.duplicate_key",
            `\`${key}\` is written again in the same mapping; the last value is taken`,
            { file, line: position.line, column: position.col },
          ));
        }
        seen.add(key);
      }
      return undefined;
    },
  });
  return found;
}

function shortTag(tag: string): string {
  return tag.replace(/^tag:yaml\.org,2002:/, "!!");
}

/** The first line of a YAML error: the sentence and its position, without the source excerpt. */
/** The first line of a `yaml` error, without its "at line L, column C" (the problem carries them). */
function withoutPosition(message: string): string {
  return (message.split("\n", 1)[0] ?? "").replace(/:$/, "")
    .replace(/ at line \d+, column \d+$/, "").trim();
}

function fail(error: Problem): YamlResult {
  return { ok: false, errors: [error] };
}
