/**
 * Router specs: `"<path inside the plugin>[:<export>]"`, e.g. `backend/routers/customers.ts:router`.
 *
 * @module
 */
import { modulePathProblem } from "./plugin_path.ts";

/** A router spec split into the module path and the export name. */
export interface RouterSpec {
  /** The spec as written in `plugin.yaml`. */
  readonly spec: string;
  /** The module path, relative to the plugin folder. */
  readonly module: string;
  /** The export that holds the Hono app (`default` when the spec gives none). */
  readonly exportName: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const SPECIFIER = /^(npm|jsr|node|https?|file|data|blob):/i;

/**
 * Parses a router spec.
 *
 * @param spec The spec as written in `plugin.yaml`.
 * @returns The parsed spec, or a reason phrase explaining why it is invalid.
 * @example
 * ```ts
 * parseRouterSpec("backend/routers/ping.ts:router"); // { spec: "backend/routers/ping.ts:router", module: "backend/routers/ping.ts", exportName: "router" }
 * (parseRouterSpec("backend/routers/ping.ts") as RouterSpec).exportName; // "default"
 * ```
 */
export function parseRouterSpec(spec: string): RouterSpec | string {
  if (SPECIFIER.test(spec)) {
    return "URL and package specifiers are not allowed; name a file inside the plugin";
  }
  const colon = spec.lastIndexOf(":");
  const hasExport = colon > 0 && !spec.slice(colon + 1).includes("/");
  const module = hasExport ? spec.slice(0, colon) : spec;
  const exportName = hasExport ? spec.slice(colon + 1) : "default";
  const pathReason = modulePathProblem(module);
  if (pathReason) return `the module path ${pathReason}`;
  if (!IDENTIFIER.test(exportName)) {
    return `the export \`${exportName}\` is not a JavaScript identifier`;
  }
  return { spec, module, exportName };
}
