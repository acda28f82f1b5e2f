/**
 * Isolated plugins on Cloudflare Workers, where a Worker cannot start workers: each isolated plugin
 * is a Worker of its own (`dist/workers/<name>.js`, the same bundle a worker of the plugin process
 * loads), which the host Worker reaches through a service binding named after it
 * ({@link serviceBindingName}). Requests cross as they are, bodies streaming both ways; pages,
 * blocks and health checks are JSON calls to {@link CALL_URL}, and the host mounts the plugin from
 * the outline the build recorded, without asking. A plugin Worker cannot ask the host
 * anything back in the middle of a request, so the host sends along its verdict on each permission
 * the plugin declares for the request's bearer token ({@link VERDICTS_HEADER}, always set by the
 * host, never taken from a client); only the host reaches a plugin Worker (it has no route).
 *
 * The plugin's context travels the same way: its settings (secrets opened) and the request id in
 * {@link CONTEXT_HEADER}, also set by the host only. Its storage is its own records in the D1
 * database of the plugin Worker's `HONEYFRAME_D1` binding (the host's database), reached by the
 * serving code, never by the plugin's: its handlers see an empty `c.env`.
 *
 * @module
 */
import type { HostContext, Principal } from "../permissions.ts";
import type { LoadedPlugin } from "../registry.ts";
import { bearerToken } from "../bearer_token.ts";
import { pluginProxies } from "./plugin_proxies.ts";
import {
  type IsolatedPluginCode,
  IsolatedPluginFailed,
  PluginUnavailable,
} from "./isolated_plugins.ts";
import { callPlugin, describe, pluginApp, type WorkerPlugin } from "./plugin_serve.ts";
import { IsolationUnavailable } from "../import_plugins.ts";
import { requestIdOf } from "../observe.ts";
import { D1_BINDING, openWorkerStore, type StateStore } from "../../state/mod.ts";
import { createLogger } from "../../log/mod.ts";
import type { PluginContext } from "../context/plugin_context.ts";
import { refusingWarehouse } from "../context/plugin_warehouse.ts";
import { pluginLog } from "../context/plugin_context.ts";
import {
  type PluginStorage,
  readPluginStorageMb,
  storeStorage,
} from "../context/plugin_storage.ts";
import type { SettingValue } from "../context/settings.ts";

/** The prefix of the service bindings to plugin Workers (kept from every plugin's bindings). */
export const SERVICE_BINDING_PREFIX = "HONEYFRAME_PLUGIN_";

/** Where the host asks a plugin Worker for pages, blocks, health checks and its outline. */
export const CALL_URL = "https://plugin.honeyframe.internal/__honeyframe/call";

/** The host's verdicts on the plugin's permissions for the request's token (JSON, URI-encoded). */
export const VERDICTS_HEADER = "X-Honeyframe-Verdicts";

/** The plugin's settings and the request id, from the host (JSON, URI-encoded). */
export const CONTEXT_HEADER = "X-Honeyframe-Context";

/** Set by a plugin Worker on a response that reports its code's failure. */
const FAILURE_HEADER = "X-Honeyframe-Failure";

/** What the host's permission check answers. */
type Verdict = Principal | "unauthorized" | "forbidden";

/** A service binding: a Worker the host may call. */
interface ServiceBinding {
  fetch(request: Request): Promise<Response>;
}

/**
 * The service binding that reaches a plugin's Worker: `HONEYFRAME_PLUGIN_` and its name in capitals,
 * with `_` for `-`.
 *
 * @param plugin The plugin's name.
 * @returns The binding's name.
 */
export function serviceBindingName(plugin: string): string {
  return SERVICE_BINDING_PREFIX + plugin.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/** The host's side of plugins that run in Workers of their own, reached by service bindings. */
export class ServiceBoundPlugins {
  readonly #bindings: Readonly<Record<string, unknown>>;

  /**
   * The plugins behind the host Worker's service bindings.
   *
   * @param bindings The host Worker's bindings.
   */
  constructor(bindings: Readonly<Record<string, unknown>>) {
    this.#bindings = bindings;
  }

  /**
   * Returns what the host mounts for a plugin whose Worker is behind a service binding.
   *
   * @param code The plugin (its permissions, for the verdicts).
   * @returns Its routers, pages, blocks and health checks.
   * @throws {IsolationUnavailable} When the host Worker has no binding to the plugin's Worker.
   */
  load(code: IsolatedPluginCode): Promise<LoadedPlugin> {
    const name = code.name;
    const bindingName = serviceBindingName(name);
    const binding = this.#bindings[bindingName] as Partial<ServiceBinding> | undefined;
    if (typeof binding?.fetch !== "function") {
      return Promise.reject(
        new IsolationUnavailable(
          `it is to run isolated (HONEYFRAME_ISOLATION), and on Workers that is a Worker of its own, ` +
            `but this Worker has no service binding ${bindingName}: deploy dist/workers/${name}.js ` +
            "with the bindings of dist/wrangler.json (npx deno task bundle writes both)",
        ),
      );
    }
    const service = binding as ServiceBinding;
    const call = async (
      request: Record<string, unknown>,
      context?: PluginContext,
    ): Promise<unknown> => {
      const response = await reach(
        name,
        service,
        new Request(CALL_URL, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(context ? { ...request, config: context.config } : request),
        }),
      );
      const answer = await response.json() as { value?: unknown; message?: string };
      if (!response.ok) throw new IsolatedPluginFailed(name, String(answer.message));
      return answer.value;
    };
    return Promise.resolve(pluginProxies(code.outline, {
      fetch: async (request, host) => {
        const headers = new Headers(request.headers);
        headers.delete(VERDICTS_HEADER);
        headers.delete(CONTEXT_HEADER);
        const token = bearerToken(headers.get("Authorization") ?? undefined);
        if (token !== undefined && host) {
          headers.set(VERDICTS_HEADER, await verdicts(host, token, code.permissions));
        }
        const context = host?.context?.(request);
        if (context) {
          headers.set(
            CONTEXT_HEADER,
            encodeURIComponent(
              JSON.stringify({ config: context.config, request_id: requestIdOf(request) }),
            ),
          );
        }
        const response = await reach(name, service, new Request(request, { headers }));
        if (response.headers.has(FAILURE_HEADER)) {
          const { message } = await response.json() as { message?: string };
          throw new IsolatedPluginFailed(name, String(message));
        }
        return response;
      },
      call,
    }));
  }
}

/** Calls a plugin's Worker; a Worker that cannot be reached (or was ended) makes it unavailable. */
async function reach(plugin: string, service: ServiceBinding, request: Request): Promise<Response> {
  try {
    return await service.fetch(request);
  } catch (error) {
    throw new PluginUnavailable(plugin, `its Worker failed: ${describe(error)}`);
  }
}

/** The host's verdict on each permission, for the header. */
async function verdicts(
  host: HostContext,
  token: string,
  permissions: readonly string[],
): Promise<string> {
  const entries = await Promise.all(
    permissions.map(async (permission) => [permission, await host.authorize(token, permission)]),
  );
  return encodeURIComponent(JSON.stringify(Object.fromEntries(entries)));
}

/** A module Worker's handler. */
export interface PluginService {
  /** Answers the host's requests and calls. */
  fetch(request: Request, env?: unknown, context?: unknown): Promise<Response>;
}

/**
 * A plugin served as a Worker of its own: its routes as they are, its pages, blocks and health
 * checks at {@link CALL_URL}; its permission checks answered from the host's verdicts. A
 * failure of its code answers 500 with {@link FAILURE_HEADER}, which the host reports as the
 * plugin's.
 *
 * @param plugin The plugin's name, label and code.
 * @returns The handler to `export default`.
 */
export function servePluginService(plugin: WorkerPlugin): PluginService {
  const hosts = new WeakMap<Request, HostContext>();
  let store: Promise<StateStore> | undefined;
  const log = createLogger({ format: "json" });
  /** The plugin's context from what the host sent, its storage in the Worker's D1 database. */
  const contextOf = (sent: SentContext, env: unknown): PluginContext => {
    const bindings = (typeof env === "object" && env !== null ? env : {}) as Record<
      string,
      unknown
    >;
    const opened = async () => {
      if (bindings[D1_BINDING] === undefined) {
        throw new Error(
          `the storage of ${plugin.name} needs the ${D1_BINDING} binding (the host's D1 ` +
            "database) on its Worker",
        );
      }
      // A store that failed to open is tried again on the next use.
      store ??= openWorkerStore({}, bindings[D1_BINDING]).catch((error) => {
        store = undefined;
        throw error;
      });
      return storeStorage(await store, plugin.name, readPluginStorageMb(bindings) * 1024 * 1024);
    };
    return {
      config: Object.freeze({ ...sent.config }),
      storage: lazyStorage(opened),
      log: pluginLog(log, plugin.name, sent.request_id),
      warehouse: refusingWarehouse(
        `${plugin.name} runs as a Worker of its own, which has no warehouse connection ` +
          "(read the warehouse from a plugin the host serves on Deno or Node)",
      ),
    };
  };
  const app = pluginApp(
    plugin,
    (request) => hosts.get(request),
    (failure) => console.error(`plugin ${plugin.name} failed: ${failure.stack ?? failure.message}`),
  );
  const failed = (error: unknown) =>
    Response.json({ message: describe(error) }, {
      status: 500,
      headers: { [FAILURE_HEADER]: "1" },
    });
  return {
    async fetch(request, env, context) {
      if (request.url === CALL_URL && request.method === "POST") {
        try {
          const call = await request.json() as Record<string, unknown>;
          const context = typeof call.config === "object" && call.config !== null
            ? contextOf({ config: call.config as Record<string, SettingValue> }, env)
            : undefined;
          return Response.json({ value: await callPlugin(plugin, call, context) });
        } catch (error) {
          return Response.json({ message: describe(error) }, { status: 500 });
        }
      }
      const given = verdictsOf(request.headers.get(VERDICTS_HEADER));
      const token = bearerToken(request.headers.get("Authorization") ?? undefined);
      const sent = sentContextOf(request.headers.get(CONTEXT_HEADER));
      const headers = new Headers(request.headers);
      headers.delete(VERDICTS_HEADER);
      headers.delete(CONTEXT_HEADER);
      const forwarded = new Request(request, { headers });
      hosts.set(forwarded, {
        authorize: (asked, permission) =>
          Promise.resolve<Verdict>(
            asked === undefined || asked !== token
              ? "unauthorized"
              : Object.hasOwn(given, permission)
              ? given[permission]!
              : "forbidden",
          ),
        ...(sent ? { context: () => contextOf(sent, env) } : {}),
      });
      try {
        // The Worker's bindings (its D1 database) are the serving code's, never the plugin's.
        return await app.fetch(forwarded, {}, context as never);
      } catch (error) {
        return failed(error);
      }
    },
  };
}

/** What the host sends of the plugin's context. */
interface SentContext {
  readonly config: Readonly<Record<string, SettingValue>>;
  readonly request_id?: string;
}

function sentContextOf(header: string | null): SentContext | undefined {
  if (header === null) return undefined;
  try {
    const parsed = JSON.parse(decodeURIComponent(header));
    return typeof parsed?.config === "object" && parsed.config !== null
      ? {
        config: parsed.config,
        ...(typeof parsed.request_id === "string" ? { request_id: parsed.request_id } : {}),
      }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Storage opened on first use (a failure to open fails that use, with its reason). */
function lazyStorage(open: () => Promise<PluginStorage>): PluginStorage {
  return {
    get: async (key) => (await open()).get(key),
    set: async (key, value, options) => (await open()).set(key, value, options),
    delete: async (key) => (await open()).delete(key),
    list: async (options) => (await open()).list(options),
  };
}

function verdictsOf(header: string | null): Record<string, Verdict> {
  try {
    const parsed = JSON.parse(decodeURIComponent(header ?? "%7B%7D"));
    return typeof parsed === "object" && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}
