/**
 * Importing one in-process plugin's code, bounded in time, and checking it against what the build
 * found: whether the server imports it at start-up, on its first request or in the background, a
 * plugin whose import throws or hangs is `plugin.start_failed`, and one whose routers serve routes
 * the build's route table lacks is `router.routes_changed` (the table is what is mounted).
 *
 * @module
 */
import { redactSecrets } from "../../log/mod.ts";
import type { GeneratedPlugin, LoadedPlugin, Problem, RegistryPlugin } from "../registry.ts";

/** A plugin's code as the host serves it. */
export type PluginCode = Pick<RegistryPlugin, "routers" | "pages" | "health" | "blockComponents">;

/** What importing a plugin gave: its code, or why it is not served. */
export type ImportResult = { readonly code: PluginCode } | { readonly problem: Problem };

/** The import did not finish within the time limit. */
export class StartTimeout extends Error {
  /** `StartTimeout`. */
  override name = "StartTimeout";
}

/**
 * Imports a plugin's code in this process.
 *
 * @param plugin The plugin, with its loader.
 * @param deadline Rejects with a {@link StartTimeout} when the time for importing is up.
 * @param timeoutMs The time limit, for the message.
 * @returns Its code, or the problem that keeps it from being served.
 */
export async function importInProcess(
  plugin: GeneratedPlugin & { readonly load: () => Promise<LoadedPlugin> },
  deadline: Promise<never>,
  timeoutMs: number,
): Promise<ImportResult> {
  const imported = await Promise.race([plugin.load(), deadline]).then(
    (loaded) => ({ loaded }),
    (error: unknown) => ({ error: describeFailure(error, timeoutMs) }),
  );
  if ("error" in imported) {
    return {
      problem: {
        code: "plugin.start_failed",
        // Shown by the admin UI and API: no credentials a plugin's error spelled out.
        message: redactSecrets(
          `importing the plugin's code in the server failed: ${imported.error}`,
          [],
        ),
      },
    };
  }
  const { blocks, ...loaded } = imported.loaded;
  const unexpected = routesNotInTable(plugin, loaded.routers);
  if (unexpected.length > 0) {
    return {
      problem: {
        code: "router.routes_changed",
        message: `its routers serve routes the build did not see (${
          unexpected.slice(0, 3).join(", ")
        }${unexpected.length > 3 ? ", …" : ""}); the build's route table is what is served`,
      },
    };
  }
  return { code: { ...loaded, ...blockComponentsOf(blocks) } };
}

/**
 * The block components of a plugin's `blocks` export, by id.
 *
 * @param blocks The export.
 * @returns `{ blockComponents }`, or nothing when there is no export.
 */
export function blockComponentsOf(blocks: LoadedPlugin["blocks"]): Partial<PluginCode> {
  return blocks === undefined ? {} : {
    blockComponents: Object.fromEntries(
      Object.entries(blocks).map(([id, block]) => [id, block.component]),
    ),
  };
}

/**
 * The routes the imported routers list that the build's route table lacks (a router that adds
 * routes only when it runs in the server): `GET /api/crm/x`.
 */
function routesNotInTable(
  plugin: GeneratedPlugin,
  routers: readonly {
    spec: string;
    app: { routes: readonly { method: string; path: string }[] };
  }[],
): string[] {
  const table = new Set(
    plugin.routes.map((route) => `${route.router} ${route.method} ${route.path}`),
  );
  const prefix = `/api/${plugin.name}`;
  const unexpected = new Set<string>();
  for (const router of routers) {
    for (const { method, path } of router.app.routes) {
      const full = path === "/" ? prefix : `${prefix}${path}`;
      if (!table.has(`${router.spec} ${method} ${full}`)) unexpected.add(`${method} ${full}`);
    }
  }
  return [...unexpected];
}

/**
 * Why an import failed, in a sentence.
 *
 * @param error What it threw (a {@link StartTimeout} when it took too long).
 * @param timeoutMs The time limit.
 * @returns The sentence.
 */
export function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof StartTimeout) {
    return `it did not finish within ${timeoutMs} ms (a top-level await that never settles?)`;
  }
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return "a value that cannot be described was thrown";
  }
}
