/**
 * Writes plain data as a TypeScript literal in `deno fmt`'s house style (two-space indent, double
 * quotes, trailing commas on multi-line literals, one entry per line). The generated registry marks
 * the literal `// deno-fmt-ignore`, so this layout is final and long values stay on one line.
 *
 * @module
 */

/** A piece of code to emit verbatim inside a literal, e.g. a reference to an imported binding. */
export class Code {
  /** @param source The code text. */
  constructor(readonly source: string) {}
}

/** A value {@link toTsLiteral} can write. */
export type LiteralValue =
  | string
  | number
  | boolean
  | null
  | Code
  | readonly LiteralValue[]
  | { readonly [key: string]: LiteralValue | undefined };

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Serialises a value as a TypeScript expression. Keys that are identifiers are written bare;
 * `undefined` properties are left out; non-empty arrays and objects take one line per entry.
 *
 * @param value The value to write.
 * @param indent The indentation of the line the literal starts on.
 * @returns The TypeScript source.
 * @example
 * ```ts
 * toTsLiteral({ name: "crm", tags: [] }); // '{\n  name: "crm",\n  tags: [],\n}'
 * ```
 */
export function toTsLiteral(value: LiteralValue, indent = ""): string {
  if (value instanceof Code) return value.source;
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    const items = value as readonly LiteralValue[];
    if (items.length === 0) return "[]";
    return `[\n${items.map((item) => `${inner}${toTsLiteral(item, inner)},\n`).join("")}${indent}]`;
  }
  const entries = Object.entries(value).filter(([, item]) => item !== undefined) as [
    string,
    LiteralValue,
  ][];
  if (entries.length === 0) return "{}";
  const lines = entries.map(([key, item]) =>
    `${inner}${IDENTIFIER.test(key) ? key : JSON.stringify(key)}: ${toTsLiteral(item, inner)},\n`
  );
  return `{\n${lines.join("")}${indent}}`;
}
