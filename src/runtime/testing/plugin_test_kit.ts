/**
 * A plugin's own tests, without a server: its routes called as a person with given groups (through
 * the same `requirePermission` and `pluginContext(c)` the host gives them), its pages and blocks
 * rendered, its settings and storage set, all on a store in memory.
 *
 * @example
 * ```ts ignore
 * import { pluginTestKit } from "@honeyframe/edge/testing";
 * import { router } from "../backend/routers/crm.ts";
 * const kit = pluginTestKit({ name: "crm", router, seedGroups: [{ name: "crm_viewer", permissions: ["crm.read"] }] });
 * (await kit.request("/customers")).status; // 401
 * (await kit.request("/customers", { as: { groups: ["crm_viewer"] } })).status; // 200
 * ```
 *
 * @module
 */
import { Hono } from "hono";
import { createLogger } from "../../log/mod.ts";
import { MemoryStore } from "../../state/mod.ts";
import { type PluginContext, pluginLog } from "../context/plugin_context.ts";
import { type PluginStorage, storeStorage } from "../context/plugin_storage.ts";
import {
  NO_WAREHOUSE,
  type PluginWarehouse,
  refusingWarehouse,
} from "../context/plugin_warehouse.ts";
import type { SettingValue } from "../context/settings.ts";
import { type HostContext, type Principal, provideHostContext } from "../permissions.ts";
import type { PluginBlock, PluginPage, PluginRouter } from "../registry.ts";

/** Someone a test calls a route as. */
export interface TestPerson {
  /** Their groups; each seed group the plugin declares grants its permissions. */
  readonly groups?: readonly string[];
  /** Permissions granted directly, besides their groups'. */
  readonly permissions?: readonly string[];
  /** Their organisation (default `default`). */
  readonly org?: string;
  /** Their subject (default `test-person`). */
  readonly subject?: string;
}

/** The plugin under test: its parts as its modules export them. */
export interface PluginUnderTest {
  /** Its name. */
  readonly name: string;
  /** Its display name (default: the name). */
  readonly displayName?: string;
  /** Its router (a Hono app), as `/api/<name>` would serve it. */
  readonly router?: PluginRouter;
  /** Its `pages` export. */
  readonly pages?: Readonly<Record<string, PluginPage>>;
  /** Its `blocks` export (only each block's component matters here). */
  readonly blocks?: Readonly<Record<string, Pick<PluginBlock, "component">>>;
  /** The seed groups its manifest declares (`seed_groups:`). */
  readonly seedGroups?: readonly {
    readonly name: string;
    readonly permissions: readonly string[];
  }[];
  /** Its settings, as operators would have set them (defaults applied). */
  readonly config?: Readonly<Record<string, SettingValue>>;
  /** What `ctx.warehouse` answers (default: one that says there is none). */
  readonly warehouse?: PluginWarehouse;
}

/** What a test does with its plugin. */
export interface PluginTestKit {
  /**
   * Calls one of its routes, as `as` when given (else with no credentials).
   *
   * @param path The path under the plugin's API (`/customers?q=ada`).
   * @param init The request's method, headers and body, and who calls.
   */
  request(path: string, init?: RequestInit & { readonly as?: TestPerson }): Promise<Response>;
  /**
   * Renders one of its pages (as the host would inside its layout), to HTML.
   *
   * @param path The page's path (default `/`), with a query if it reads one.
   */
  renderPage(path?: string): Promise<string>;
  /**
   * Renders one of its dashboard blocks, to HTML.
   *
   * @param id The block's id.
   */
  renderBlock(id: string): Promise<string>;
  /** Changes its settings (what `ctx.config` holds from then on). */
  setConfig(values: Readonly<Record<string, SettingValue>>): void;
  /** Its storage: the one its routes, pages and blocks see. */
  readonly storage: PluginStorage;
  /** What it logged, one line each (`level message {fields}`). */
  readonly logs: readonly string[];
}

/**
 * A test kit for one plugin.
 *
 * @param plugin Its name and the parts it exports.
 * @returns The kit.
 */
export function pluginTestKit(plugin: PluginUnderTest): PluginTestKit {
  const store = new MemoryStore();
  const storage = storeStorage(store, plugin.name, Number.MAX_SAFE_INTEGER);
  const logs: string[] = [];
  const log = createLogger({ write: (line) => logs.push(line) });
  let config = Object.freeze({ ...plugin.config });
  const described = { name: plugin.name, display_name: plugin.displayName ?? plugin.name };
  const context = (): PluginContext => ({
    config,
    storage,
    log: pluginLog(log, plugin.name, undefined),
    warehouse: plugin.warehouse ?? refusingWarehouse(NO_WAREHOUSE),
  });
  const people = new Map<string, TestPerson>();
  const granted = (person: TestPerson, permission: string) =>
    (person.permissions ?? []).includes(permission) ||
    (plugin.seedGroups ?? []).some((group) =>
      (person.groups ?? []).includes(group.name) && group.permissions.includes(permission)
    );
  const host: HostContext = {
    authorize: (token, permission) => {
      const person = token === undefined ? undefined : people.get(token);
      if (!person) return Promise.resolve("unauthorized");
      if (!granted(person, permission)) return Promise.resolve("forbidden");
      const principal: Principal = {
        org: person.org ?? "default",
        groups: [...(person.groups ?? [])],
        subject: person.subject ?? "test-person",
      };
      return Promise.resolve(principal);
    },
    context,
  };
  const app = new Hono();
  app.use("*", async (c, next) => {
    provideHostContext(c, host);
    await next();
  });
  // As the host mounts it: a router is a Hono app, whatever its schema.
  if (plugin.router) app.route("/", plugin.router as Hono);
  return {
    request(path, init = {}) {
      const { as, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (as) {
        const token = crypto.randomUUID();
        people.set(token, as);
        headers.set("Authorization", `Bearer ${token}`);
      }
      return Promise.resolve(app.request(path, { ...rest, headers }));
    },
    async renderPage(path = "/") {
      // The page's URL as the host serves it: /plugins/<name><path>.
      const url = new URL(`/plugins/${plugin.name}${path}`, "http://localhost");
      const pagePath = url.pathname.slice(`/plugins/${plugin.name}`.length) || "/";
      const page = plugin.pages?.[pagePath];
      if (!page) throw new Error(`${plugin.name} has no page at ${pagePath}`);
      const component = typeof page === "function" ? page : page.component;
      return String(
        await component({ plugin: described, path: pagePath, url, context: context() }),
      );
    },
    async renderBlock(id) {
      const block = plugin.blocks?.[id];
      if (!block) throw new Error(`${plugin.name} has no block ${id}`);
      return String(await block.component({ plugin: described, context: context() }));
    },
    setConfig(values) {
      config = Object.freeze({ ...config, ...values });
    },
    storage,
    logs,
  };
}
