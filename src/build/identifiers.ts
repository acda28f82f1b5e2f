/**
 * Stable import identifiers for the generated registry, derived from the plugin name and the module
 * path only, so that adding or removing a plugin never changes another plugin's lines.
 *
 * @module
 */
import { createHash } from "node:crypto";

/**
 * Names the namespace import of each module of one plugin. Two paths of the same plugin that would
 * get the same name (e.g. `a-b.ts` and `a_b.ts`) both get a short hash of their path appended.
 *
 * @param pluginName The plugin name (a valid slug).
 * @param modules The module paths of the plugin, relative to its folder.
 * @returns A map from module path to identifier.
 * @example
 * ```ts
 * moduleIdentifiers("crm", ["backend/routers/customers.ts"]);
 * // Map { "backend/routers/customers.ts" => "plugin_crm__backend_routers_customers" }
 * ```
 */
export function moduleIdentifiers(
  pluginName: string,
  modules: readonly string[],
): Map<string, string> {
  const prefix = `plugin_${pluginName.replaceAll("-", "_")}__`;
  const base = new Map(modules.map((module) => [module, prefix + sanitize(module)]));
  const uses = new Map<string, number>();
  for (const id of base.values()) uses.set(id, (uses.get(id) ?? 0) + 1);
  return new Map(
    [...base].map((
      [module, id],
    ) => [module, uses.get(id)! > 1 ? `${id}_${shortHash(module)}` : id]),
  );
}

function sanitize(module: string): string {
  return module.replace(/\.[^./]+$/, "").replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, "");
}

function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 8);
}
