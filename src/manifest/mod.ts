/**
 * The manifest contract: reading `plugin.yaml` bytes into a validated {@link Manifest}, with every
 * problem returned as data.
 *
 * @module
 */
import { locateProblems } from "./locate.ts";
import { parseYamlSafely } from "./safe_yaml.ts";
import { validateManifest, type ValidationResult } from "./validate.ts";

export { didYouMean } from "./did_you_mean.ts";
export { locateProblems } from "./locate.ts";
export {
  MAX_MANIFEST_BYTES,
  parseYamlSafely,
  type YamlReading,
  type YamlResult,
} from "./safe_yaml.ts";
export { pathProblem } from "./plugin_path.ts";
export {
  type Manifest,
  type ManifestNavEntry,
  type ManifestRequires,
  ManifestSchema,
  type ManifestSeedGroup,
  PLUGIN_NAME,
} from "./schema.ts";
export { type Problem, problem, PROBLEM_CODES, type ProblemCode } from "./problems.ts";
export { parseRouterSpec, type RouterSpec } from "./router_reference.ts";
export type { SettingDeclaration, SettingType, SettingValue } from "../runtime/context/settings.ts";
export type { ValidationResult };

/** The manifest file name inside a plugin folder. */
export const MANIFEST_FILE = "plugin.yaml";

/**
 * Parses and validates the bytes of a `plugin.yaml`. Never throws.
 *
 * @param bytes The raw file content.
 * @param file The file name used in problem records.
 * @returns The manifest when valid, the errors otherwise, and warnings either way.
 * @example
 * ```ts
 * const { manifest, errors, warnings } = parseManifest(
 *   new TextEncoder().encode("name: crm\nversion: 0.1.0\n"),
 * );
 * ```
 */
export function parseManifest(bytes: Uint8Array, file: string = MANIFEST_FILE): ValidationResult {
  const parsed = parseYamlSafely(bytes, file);
  if (!parsed.ok) return { errors: parsed.errors, warnings: [] };
  const result = validateManifest(parsed.value, file);
  return {
    ...result,
    errors: locateProblems(result.errors, bytes, file),
    warnings: locateProblems([...parsed.warnings, ...result.warnings], bytes, file),
  };
}
