/**
 * Where in `plugin.yaml` a problem is: the line and column of the field its `path` names
 * (`routers[0]`, `nav[1].path`), found with the `yaml` package's node ranges and `LineCounter`.
 * A path that names nothing (a missing field) points at the closest node that exists.
 *
 * @module
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { Problem } from "./problems.ts";

/**
 * The problems of one manifest with `line` and `column` added where their `path` can be found.
 *
 * @param problems Problems of the plugin (only those in `file` with a `path` are located).
 * @param bytes The manifest's bytes.
 * @param file The manifest's file name in the problems.
 * @returns The same problems, located.
 * @example
 * ```ts
 * const bytes = new TextEncoder().encode("name: crm\nversion: x\n");
 * locateProblems([{ code: "manifest.invalid_value", message: "…", file: "plugin.yaml", path: "version" }], bytes, "plugin.yaml");
 * // [{ …, line: 2, column: 1 }]
 * ```
 */
export function locateProblems(
  problems: readonly Problem[],
  bytes: Uint8Array | undefined,
  file: string,
): Problem[] {
  const wanted = (item: Problem) =>
    item.file === file && item.path !== undefined && item.line === undefined;
  if (!bytes || !problems.some(wanted)) return [...problems];
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return [...problems];
  }
  const lineCounter = new LineCounter();
  // Ranges only: no values are built, so aliases are never expanded.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, merge: false });
  return problems.map((item) => {
    if (!wanted(item)) return item;
    const offset = offsetOf(doc.contents, pathSegments(item.path!));
    if (offset === undefined) return item;
    const { line, col } = lineCounter.linePos(offset);
    return { ...item, line, column: col };
  });
}

/** `nav[1].path` → `["nav", 1, "path"]`. */
function pathSegments(path: string): (string | number)[] {
  return [...path.matchAll(/\[(\d+)\]|([^.[\]]+)/g)].map((match) =>
    match[1] === undefined ? match[2]! : Number(match[1])
  );
}

/** The start of the node a path names: a mapping key, a list item, or the closest found. */
function offsetOf(root: unknown, segments: readonly (string | number)[]): number | undefined {
  let node = root;
  let offset = (root as Node | null)?.range?.[0];
  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find((item) =>
        isScalar(item.key) && String(item.key.value) === String(segment)
      );
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number" && node.items[segment]) {
      node = node.items[segment];
      offset = (node as Node).range?.[0] ?? offset;
    } else break;
  }
  return offset;
}
