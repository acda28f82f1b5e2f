/**
 * What a module export is, as the build reports it. A Hono app is duck-typed like the runtime
 * expects it (an object with a `fetch` function and a `routes` array) and reported with its routes.
 *
 * @module
 */

/** The kind of a Hono app; any other kind is a phrase such as "a function" or "null". */
export const HONO_APP = "a Hono app";

/** A route as a Hono app lists it, relative to the app. */
export interface AppRoute {
  /** The HTTP method, or `ALL`. */
  readonly method: string;
  /** The path pattern, e.g. `/customers/:id`. */
  readonly path: string;
}

/**
 * The kind of a map of pages: an object whose keys are paths (`/…`) and whose values are
 * components, or `{ component, permission? }` for a page that needs a permission.
 */
export const PAGE_MAP = "a map of pages";

/** The kind of a map of dashboard blocks: slugs to `{ title, component, size? }`. */
export const BLOCK_MAP = "a map of blocks";

/** The sizes a block may ask for. */
export const BLOCK_SIZES: readonly BlockInfo["size"][] = ["small", "medium", "large"];

/** A dashboard block as the build reports it (its component stays in the module). */
export interface BlockInfo {
  /** The block's slug, unique in its plugin. */
  readonly id: string;
  /** The card's title. */
  readonly title: string;
  /** How much of the grid it takes. */
  readonly size: "small" | "medium" | "large";
}

/** What one export is; `routes` only for Hono apps, `pages` for page maps, `blocks` for block maps. */
export interface ExportInfo {
  /** {@link HONO_APP}, {@link PAGE_MAP}, {@link BLOCK_MAP}, or a phrase naming the value's kind. */
  readonly kind: string;
  /** The app's routes, one per method and path. */
  readonly routes?: readonly AppRoute[];
  /** The page map's paths. */
  readonly pages?: readonly string[];
  /** The permission each page that names one needs, by path. */
  readonly pagePermissions?: Readonly<Record<string, string>>;
  /** The block map's blocks. */
  readonly blocks?: readonly BlockInfo[];
}

const BLOCK_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * Describes an exported value.
 *
 * @param value The export.
 * @returns Its kind, its routes when it is a Hono app, its paths when it is a page map.
 * @example
 * ```ts
 * import { Hono } from "hono";
 * describeExport(new Hono().get("/x", (c) => c.text("x"))); // { kind: "a Hono app", routes: [{ method: "GET", path: "/x" }] }
 * describeExport(() => 1); // { kind: "a function" }
 * ```
 */
export function describeExport(value: unknown): ExportInfo {
  if (value === null) return { kind: "null" };
  if (value === undefined) return { kind: "undefined" };
  if (typeof value === "object" || typeof value === "function") {
    const candidate = value as { fetch?: unknown; routes?: unknown };
    if (typeof candidate.fetch === "function" && Array.isArray(candidate.routes)) {
      return { kind: HONO_APP, routes: uniqueRoutes(candidate.routes) };
    }
    if (Array.isArray(value)) return { kind: "an array" };
    if (typeof value === "function") return { kind: "a function" };
    const entries = Object.entries(value);
    const isPage = ([path, item]: [string, unknown]) =>
      path.startsWith("/") && (typeof item === "function" || isGuardedPage(item));
    if (entries.length > 0 && entries.every(isPage)) {
      const guarded = entries.flatMap(([path, item]) => {
        const permission = typeof item === "function" ? undefined : permissionOf(item);
        return permission ? [[path, permission] as const] : [];
      });
      return {
        kind: PAGE_MAP,
        pages: entries.map(([path]) => path),
        ...(guarded.length ? { pagePermissions: Object.fromEntries(guarded) } : {}),
      };
    }
    const isObject = ([, item]: [string, unknown]) =>
      typeof item === "object" && item !== null && !Array.isArray(item);
    if (entries.length > 0 && entries.every(isObject)) return describeBlocks(entries);
    return { kind: "an object" };
  }
  return { kind: `a ${typeof value}` };
}

/** A page given as `{ component, permission? }`. */
function isGuardedPage(item: unknown): boolean {
  if (typeof item !== "object" || item === null) return false;
  const { component, permission } = item as Record<string, unknown>;
  return typeof component === "function" &&
    (permission === undefined || typeof permission === "string");
}

function permissionOf(item: unknown): string | undefined {
  return (item as { permission?: string }).permission;
}

/** A map whose values are objects: a valid block map, or the first reason it is not one. */
function describeBlocks(entries: [string, unknown][]): ExportInfo {
  const blocks: BlockInfo[] = [];
  for (const [id, item] of entries) {
    const { title, component, size = "medium" } = item as Record<string, unknown>;
    const reason = !BLOCK_ID.test(id)
      ? `the id \`${id}\` is not a slug (lowercase letters, digits, single hyphens)`
      : typeof title !== "string" || title.trim() === ""
      ? `block \`${id}\` has no \`title\``
      : typeof component !== "function"
      ? `block \`${id}\` has no \`component\` function`
      : !(BLOCK_SIZES as readonly unknown[]).includes(size)
      ? `block \`${id}\` has size ${JSON.stringify(size)}, not ${BLOCK_SIZES.join(", ")}`
      : undefined;
    if (reason) return { kind: `a map of blocks where ${reason}` };
    blocks.push({ id, title: title as string, size: size as BlockInfo["size"] });
  }
  return { kind: BLOCK_MAP, blocks };
}

/** Hono lists a route once per handler; a method and path counts once. */
function uniqueRoutes(routes: readonly unknown[]): AppRoute[] {
  const seen = new Map<string, AppRoute>();
  for (const route of routes) {
    const { method, path } = route as { method?: unknown; path?: unknown };
    if (typeof method !== "string" || typeof path !== "string") continue;
    seen.set(`${method} ${path}`, { method, path });
  }
  return [...seen.values()];
}
