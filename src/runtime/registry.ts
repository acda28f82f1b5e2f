/**
 * The registry contract: the plain data the build writes into `.gen/registry.ts` and the runtime
 * mounts. The generated module imports these types; build-side code imports them too, never the
 * other way round.
 *
 * @module
 */
import type { Hono } from "hono";
import type { FC } from "hono/jsx";
import type { PluginOutline } from "./plugins/plugin_proxies.ts";
import type { UnsupportedRuntimes } from "./plugins/runtimes.ts";
import type { SettingDeclaration } from "./context/settings.ts";
import type { PluginContext } from "./context/plugin_context.ts";

/** Where a plugin was found: the install root (shown as "bundled") or the data root ("customer"). */
export type PluginSource = "install" | "data";

/** What the host does with a plugin. Only `mounted` plugins have their routers served. */
export type PluginStatus = "mounted" | "error" | "shadowed";

/** One problem found in a plugin, as data. `code` is stable; tools and tests rely on it. */
export interface Problem {
  /** Stable, dotted identifier such as `manifest.missing_field` or `router.export_not_found`. */
  readonly code: string;
  /** A sentence for humans. Never contains a server file-system path outside the plugin. */
  readonly message: string;
  /** The file the problem is in, relative to the plugin folder (e.g. `plugin.yaml`). */
  readonly file?: string;
  /** The field inside that file, as a path such as `routers[0]` or `seed_groups[1].permissions[0]`. */
  readonly path?: string;
  /** The line in `file` where the problem is, from 1 (manifest problems). */
  readonly line?: number;
  /** The column in that line, from 1. */
  readonly column?: number;
  /** For a problem in code: the source line, numbered, and a caret under the column. */
  readonly frame?: string;
}

/** How much of a broken plugin's `plugin.yaml` the registry keeps, in bytes. */
export const MANIFEST_TEXT_LIMIT = 64 * 1024;

/** A sidebar entry contributed by a plugin's frontend. */
export interface NavEntry {
  /** The label shown in the sidebar. */
  readonly label: string;
  /** The route the entry links to; starts with `/`. */
  readonly path: string;
  /** An optional icon name. */
  readonly icon?: string;
  /** The permission that protects the entry and the page at its path, if any. */
  readonly permission?: string;
}

/** A group of permissions a plugin seeds into an organisation on install. */
export interface SeedGroup {
  /** The group name. */
  readonly name: string;
  /** Permissions of the group; each is declared by the same plugin. */
  readonly permissions: readonly string[];
}

/** Anything mountable with `app.route()`: duck-typed like the build-time check (`fetch` + `routes`). */
export type PluginRouter = Pick<Hono, "fetch" | "routes">;

/** What the host passes to a plugin page component. */
export interface PluginPageProps {
  /** The plugin the page belongs to. */
  readonly plugin: { readonly name: string; readonly display_name: string };
  /** The page path inside the plugin, e.g. `/` or `/customers`. */
  readonly path: string;
  /** The request URL (query parameters included). */
  readonly url: URL;
  /** The plugin's settings, storage and logger on this request (as `pluginContext(c)`). */
  readonly context: PluginContext;
}

/**
 * A plugin page: a hono/jsx component rendered inside the host's layout, or
 * `{ component, permission }` for a page only people with that permission may open.
 */
export type PluginPage = FC<PluginPageProps> | GuardedPluginPage;

/** A plugin page that needs a permission (one the plugin declares). */
export interface GuardedPluginPage {
  /** The page's component. */
  readonly component: FC<PluginPageProps>;
  /** The permission it needs. */
  readonly permission?: string;
}

/** One route a plugin serves, as the build found it in its routers. */
export interface RouteEntry {
  /** The HTTP method (`GET`, `POST`, … or `ALL`). */
  readonly method: string;
  /** The full path, under `/api/<name>`. */
  readonly path: string;
  /** The router spec that declares it. */
  readonly router: string;
}

/** What a plugin's `health()` reports: whether it works, and optionally why not. */
export interface HealthReport {
  /** Whether the plugin can do its work (its database answers, its keys are valid, …). */
  readonly ok: boolean;
  /** A short sentence for the admin (what failed, what was checked). */
  readonly detail?: string;
}

/** A router module's `health` export: the host calls it, with a time limit, when asked. */
export type HealthCheck = () => HealthReport | Promise<HealthReport>;

/** One router of a mounted plugin: its manifest spec and the imported Hono app. */
export interface RegistryRouter {
  /** The spec as written in `plugin.yaml`, e.g. `backend/routers/customers.ts:router`. */
  readonly spec: string;
  /** The imported router. */
  readonly app: PluginRouter;
}

/** Everything the runtime knows about one discovered plugin, mounted or not. */
export interface RegistryPlugin {
  /** The plugin name (the folder name when the manifest could not be read). */
  readonly name: string;
  /** Human label; the name when the manifest gives none or could not be read. */
  readonly display_name: string;
  /** Semver of the plugin, or `null` when the manifest could not be read. */
  readonly version: string | null;
  /** Which root the plugin was found in. */
  readonly source: PluginSource;
  /** Whether it is mounted, and if not, why. */
  readonly status: PluginStatus;
  /** The router specs declared by the manifest (also for plugins that are not mounted). */
  readonly router_specs: readonly string[];
  /** The folder of the dbt workspace, relative to the plugin, or `null`. */
  readonly dbt_workspace: string | null;
  /** The npm package it came from, for a package plugin. */
  readonly package?: { readonly name: string; readonly version: string };
  /** What it needs (`requires`), when it declares anything. */
  readonly requires?: PluginRequires;
  /** The plugins that require it, by name; absent when none does. */
  readonly dependents?: readonly string[];
  /** What the build read of its dbt project, when it declares one that parsed. */
  readonly dbt?: DbtWorkspaceInfo;
  /** The frontend entry module, relative to the plugin, or `null`. */
  readonly frontend_entry: string | null;
  /** Sidebar entries. */
  readonly nav: readonly NavEntry[];
  /** Permissions the plugin declares. */
  readonly permissions: readonly string[];
  /** Groups seeded on install. */
  readonly seed_groups: readonly SeedGroup[];
  /** Problems that keep the plugin from being mounted. */
  readonly errors: readonly Problem[];
  /** Problems that do not. */
  readonly warnings: readonly Problem[];
  /** The permission each page that names one in the `pages` export needs, by path. */
  readonly page_permissions?: Readonly<Record<string, string>>;
  /**
   * For a plugin with errors, its `plugin.yaml` as the build read it (the first
   * {@link MANIFEST_TEXT_LIMIT} bytes), so that its detail page shows what was read.
   */
  readonly manifest_text?: string;
  /** Every route of the plugin's routers (middleware excluded), sorted by path then method. */
  readonly routes: readonly RouteEntry[];
  /** Its stylesheet (`/assets/plugins/<name>/<hash>.css`), when it has one. */
  readonly stylesheet?: ClientBundleInfo;
  /** Its client bundle (`/assets/plugins/<name>/<hash>.js`), when it has a client entry. */
  readonly client?: ClientBundleInfo;
  /** Its dashboard blocks (from `frontend_entry`'s `blocks` export), in declaration order. */
  readonly blocks?: readonly BlockEntry[];
  /** The hosts it reaches when isolated (its manifest's `network`), when it lists any. */
  readonly network?: readonly string[];
  /** Its declared settings (`config:`), when it declares any. */
  readonly config?: Readonly<Record<string, SettingDeclaration>>;
  /**
   * The runtimes its code cannot load on, each with the first reason the build found (an import or
   * a global only another runtime has); absent when it loads everywhere. A server on one of them
   * marks it `error` without importing it.
   */
  readonly unsupported?: UnsupportedRuntimes;
  /** How it runs, once the server has started it: in a worker of the plugin process or in process. */
  readonly isolation?: "worker" | "in_process";
  /** The imported routers; empty unless `status` is `mounted`. */
  readonly routers: readonly RegistryRouter[];
  /** The frontend pages by path (from `frontend_entry`'s `pages` export); empty unless mounted. */
  readonly pages: Readonly<Record<string, PluginPage>>;
  /** The `health` exports of its router modules; empty unless mounted. */
  readonly health: readonly HealthCheck[];
  /** The imported block components by block id; absent unless mounted with blocks. */
  readonly blockComponents?: Readonly<Record<string, PluginBlockComponent>>;
}

/** What a plugin needs, as its manifest's `requires` says. */
export interface PluginRequires {
  /** The host versions it runs on (a semver range), or `null`. */
  readonly host: string | null;
  /** The plugins it needs, by name, each with a semver range. */
  readonly plugins: Readonly<Record<string, string>>;
}

/** One dbt model: a `.sql` or `.py` file under a model path. */
export interface DbtModel {
  /** The model's name (its file name without the extension). */
  readonly name: string;
  /** Its file, relative to the workspace folder. */
  readonly path: string;
  /**
   * `false` when dbt would not build it (`+enabled: false` in `dbt_project.yml`, or its own
   * `config(enabled=false)`); absent when it is built.
   */
  readonly enabled?: false;
}

/** A plugin's dbt workspace as the build read it from `dbt_project.yml`. */
export interface DbtWorkspaceInfo {
  /** The dbt project's `name`. */
  readonly project: string;
  /** Its `version`, or `null`. */
  readonly version: string | null;
  /** Its `profile`, or `null`. */
  readonly profile: string | null;
  /** The workspace folder, relative to the plugin folder. */
  readonly path: string;
  /** Its `model-paths` (default `["models"]`), relative to the workspace. */
  readonly model_paths: readonly string[];
  /** Its `seed-paths` (default `["seeds"]`), relative to the workspace. */
  readonly seed_paths: readonly string[];
  /** Every model, sorted by path. */
  readonly models: readonly DbtModel[];
  /** The manifest's `dbt_schedule` (five-field cron, UTC), or `null`. */
  readonly schedule: string | null;
  /** The warehouse schema the plugin owns: its name with `-` → `_`. */
  readonly schema: string;
  /**
   * Every schema its models are built in: {@link DbtWorkspaceInfo.schema} first, then those dbt
   * derives from it for custom schemas (`<schema>_<custom>`), sorted.
   */
  readonly schemas: readonly string[];
  /** The project's `vars`, as `dbt_project.yml` gives them (`{}` when it has none). */
  readonly vars: Readonly<Record<string, unknown>>;
}

/**
 * A client bundle or stylesheet as the registry lists it (its bytes are in {@link Registry.assets}
 * or {@link Registry.stylesheets}).
 */
export interface ClientBundleInfo {
  /** The hash that names the file. */
  readonly hash: string;
  /** Its size in bytes. */
  readonly bytes: number;
}

/** A dashboard block as the build found it. */
export interface BlockEntry {
  /** The block's slug. */
  readonly id: string;
  /** The card's title. */
  readonly title: string;
  /** How much of the grid it takes. */
  readonly size: "small" | "medium" | "large";
}

/** What a block component is given. */
export interface BlockProps {
  /** The plugin it belongs to. */
  readonly plugin: { readonly name: string; readonly display_name: string };
  /** The plugin's settings, storage and logger on this request (as `pluginContext(c)`). */
  readonly context: PluginContext;
}

/** A block's component: a hono/jsx component rendered inside a card on `/dashboard`. */
export type PluginBlockComponent = FC<BlockProps>;

/** One entry of a frontend module's `blocks` export. */
export interface PluginBlock {
  /** The card's title. */
  readonly title: string;
  /** What the card shows. */
  readonly component: PluginBlockComponent;
  /** How much of the grid it takes (default `medium`). */
  readonly size?: "small" | "medium" | "large";
}

/** A client bundle's files. */
export interface ClientAssetFiles {
  /** The module. */
  readonly js: string;
  /** Its source map. */
  readonly map: string;
}

/** A mounted plugin's code, once imported. */
export interface LoadedPlugin {
  /** The imported routers. */
  readonly routers: readonly RegistryRouter[];
  /** The frontend pages by path. */
  readonly pages: Readonly<Record<string, PluginPage>>;
  /** The `health` exports of its router modules. */
  readonly health: readonly HealthCheck[];
  /**
   * The frontend module's `blocks` export, when it has one (its sizes were checked by the build,
   * so a plain string is accepted here: authors need no `as const`).
   */
  readonly blocks?: Readonly<Record<string, Omit<PluginBlock, "size"> & { size?: string }>>;
}

/**
 * A plugin as the generated registry describes it: its data, and for a mounted plugin the
 * function that imports its code (the server calls it at start-up, bounded in time).
 */
export interface GeneratedPlugin
  extends Omit<RegistryPlugin, "routers" | "pages" | "health" | "blockComponents"> {
  /** Imports the plugin's routers and pages; absent when there is nothing to import. */
  readonly load?: () => Promise<LoadedPlugin>;
  /**
   * What it has (pages, blocks, health checks), as the build found it; present with `load`. A
   * server mounts the plugin from it before its code is imported (on first use, or in the
   * background), and an isolated plugin (its worker entry in {@link GeneratedRegistry.workerCode})
   * from it alone.
   */
  readonly outline?: PluginOutline;
}

/**
 * The code of isolated plugins. The registry keeps it packed (`unpackWorkerCode`) in a function the
 * host calls only when it isolates some plugin: a host that runs every plugin in its own process
 * holds only the packed text of the module's source (about 150 KB at 1,000 plugins).
 */
export interface WorkerCode {
  /** The plugin process's bundle. */
  readonly process: string;
  /**
   * The modules the worker entries share (the worker bootstrap, the serving loop, hono, libraries
   * several plugins import), by file name, each once.
   */
  readonly modules: Readonly<Record<string, string>>;
  /** Each isolated plugin's worker entry (its own code, importing the shared modules), by name. */
  readonly entries: Readonly<Record<string, string>>;
}

/** The generated registry module's `registry`: plugin data and loaders, not yet imported. */
export interface GeneratedRegistry extends Omit<Registry, "plugins"> {
  /** Every discovered plugin, sorted by name then source. */
  readonly plugins: readonly GeneratedPlugin[];
  /**
   * Unpacks the code of isolated plugins, when the build prepared some to run isolated (ask
   * `workerCodeOf`, which unpacks it once).
   */
  readonly workerCode?: () => Promise<WorkerCode>;
}

/** One permission of the catalog and who declares it. */
export interface CatalogPermission {
  /** The permission, `resource.action`. */
  readonly name: string;
  /** `host`, or the name of the mounted plugin that declares it. */
  readonly owner: string;
}

/**
 * The version of the build's module policy (what plugin code may import). A registry records the
 * version it was checked with; the server refuses to import the plugin code of a registry made
 * without it, or with another, since Deno loads a literal dynamic import even with reads revoked.
 */
export const MODULE_POLICY_VERSION = 1;

/** The generated registry: every discovered plugin, sorted by name, and a fingerprint of the inputs. */
export interface Registry {
  /** A hash of every input of the build (manifests, router modules, locations). */
  readonly fingerprint: string;
  /**
   * The version of the module policy the build checked plugin code with
   * ({@link MODULE_POLICY_VERSION}); a registry with plugin code and another version is refused.
   */
  readonly modulePolicy?: number;
  /** The permission catalog: the host's and every mounted plugin's, sorted by name. */
  readonly permissions: readonly CatalogPermission[];
  /** Every discovered plugin, sorted by name then source. */
  readonly plugins: readonly RegistryPlugin[];
  /** The client bundles of mounted plugins, by plugin name. */
  readonly assets?: Readonly<Record<string, ClientAssetFiles>>;
  /** The mounted plugins' scoped stylesheets, by plugin name; absent when none has one. */
  readonly stylesheets?: Readonly<Record<string, string>>;
}

/**
 * Deep-freezes registry data so that nothing at run time can change what the build decided.
 * Router apps, page components and loaders are left as they are (Hono mutates
 * its own router state while it serves).
 *
 * @param registry The registry literal written by the build.
 * @returns The same object, frozen.
 * @example
 * ```ts
 * export const registry = defineRegistry({ fingerprint: "sha256-…", permissions: [], plugins: [] });
 * ```
 */
export function defineRegistry<T extends Registry | GeneratedRegistry>(registry: T): T {
  for (const plugin of registry.plugins as readonly Partial<RegistryPlugin & GeneratedPlugin>[]) {
    const {
      routers,
      pages,
      health,
      blockComponents: _blocks,
      load: _load,
      ...data
    } = plugin;
    for (const router of routers ?? []) Object.freeze(router);
    if (routers) Object.freeze(routers);
    if (pages) Object.freeze(pages);
    if (health) Object.freeze(health);
    deepFreeze(data);
    Object.freeze(plugin);
  }
  Object.freeze(registry.plugins);
  deepFreeze(registry.permissions);
  deepFreeze(registry.assets);
  deepFreeze(registry.stylesheets);
  return Object.freeze(registry);
}

/**
 * Freezes plain data, children first. A frozen object is taken as frozen all the way down (this is
 * the only place registry data is frozen, and it freezes children before their parent), so the
 * servers' registry (the same data beside the imported code) is not walked again, and nothing is
 * kept to remember what was frozen.
 */
function deepFreeze(value: unknown): void {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return;
  for (const item of Object.values(value)) deepFreeze(item);
  Object.freeze(value);
}
