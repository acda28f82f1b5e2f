/**
 * Validation of a parsed manifest against the contract: valibot issues become problem records with
 * stable codes and field paths; unknown top-level fields become warnings.
 *
 * @module
 */
import * as v from "valibot";
import { type Problem, problem } from "./problems.ts";
import { type Manifest, MANIFEST_FIELDS, ManifestSchema, splitCodedMessage } from "./schema.ts";
import { didYouMean } from "./did_you_mean.ts";

/** The outcome of validating one manifest. `manifest` is present only when there are no errors. */
export interface ValidationResult {
  /** The manifest with defaults applied, when valid. */
  readonly manifest?: Manifest;
  /** Problems that make the manifest invalid. */
  readonly errors: Problem[];
  /** Problems that do not (unknown fields). */
  readonly warnings: Problem[];
}

const KNOWN_FIELDS = new Set(Object.keys(MANIFEST_FIELDS));

/**
 * Validates a parsed `plugin.yaml` value.
 *
 * @param value The parsed YAML root (a mapping).
 * @param file The manifest file name used in problem records.
 * @returns The valid manifest, or the errors; warnings either way.
 * @example
 * ```ts
 * const { manifest, errors } = validateManifest({ name: "crm", version: "0.1.0" }, "plugin.yaml");
 * ```
 */
export function validateManifest(value: unknown, file: string): ValidationResult {
  const warnings = unknownFields(value).map((field) => {
    const suggestion = didYouMean(field, KNOWN_FIELDS);
    return problem(
      "manifest.unknown_field",
      suggestion
        ? `is not a manifest field and is ignored: did you mean \`${suggestion}\`?`
        : `is not a manifest field and is ignored (known: ${[...KNOWN_FIELDS].join(", ")})`,
      { file, path: field },
    );
  });
  const result = v.safeParse(ManifestSchema, value);
  if (result.success) return { manifest: result.output, errors: [], warnings };
  return { errors: result.issues.map((issue) => toProblem(issue, file)), warnings };
}

function unknownFields(value: unknown): string[] {
  if (typeof value !== "object" || value === null) return [];
  return Object.keys(value).filter((key) => !KNOWN_FIELDS.has(key)).sort();
}

function toProblem(issue: v.BaseIssue<unknown>, file: string): Problem {
  const path = fieldPath(issue);
  const last = issue.path?.at(-1);
  const missing = issue.kind === "schema" && last !== undefined && issue.input === undefined &&
    typeof last.input === "object" && last.input !== null && !(String(last.key) in last.input);
  if (missing) {
    return problem("manifest.missing_field", "is required", { file, path });
  }
  const { code, text } = splitCodedMessage(issue.message, "manifest.invalid_value");
  return problem(code, text, path ? { file, path } : { file });
}

/** Formats an issue path the way people write it: `seed_groups[1].permissions[0]`. */
function fieldPath(issue: v.BaseIssue<unknown>): string {
  let path = "";
  for (const item of issue.path ?? []) {
    path += typeof item.key === "number"
      ? `[${item.key}]`
      : `${path ? "." : ""}${String(item.key)}`;
  }
  return path;
}
