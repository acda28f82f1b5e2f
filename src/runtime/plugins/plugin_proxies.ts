/**
 * What the host mounts for a plugin that runs elsewhere (a worker of the plugin process, or a
 * Worker of its own behind a service binding): a router that forwards `/api/<name>` and everything
 * under it, pages and blocks that render where the plugin runs, and its health checks — built from
 * what the build recorded it has, so that it need not run to be mounted.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { type HostContext, hostContextOf } from "../permissions.ts";
import type { HealthCheck, LoadedPlugin, PluginBlockComponent, PluginPage } from "../registry.ts";
import type { PluginContext } from "../context/plugin_context.ts";

/** What a plugin has, as the build recorded it: its pages, its blocks, how many health checks. */
export interface PluginOutline {
  /** Its pages' paths. */
  readonly pages: readonly string[];
  /** Its blocks' ids. */
  readonly blocks: readonly string[];
  /** How many health checks it has. */
  readonly health: number;
}

/** How the host reaches a plugin that runs elsewhere. */
export interface PluginRemote {
  /** Forwards a request to the plugin, with the host's side of its permission checks. */
  fetch(request: Request, host: HostContext | undefined): Promise<Response>;
  /**
   * Renders a page or block, or runs a health check, where the plugin runs: `{ kind: "page", path,
   * url }`, `{ kind: "block", block }` or `{ kind: "health", index }`; a page or block with the
   * plugin's context (`props.context`).
   */
  call(call: Record<string, unknown>, context?: PluginContext): Promise<unknown>;
}

/**
 * What the host mounts for a plugin that runs elsewhere.
 *
 * @param outline What the plugin has.
 * @param remote How to reach it.
 * @returns Its routers, pages, blocks and health checks, as the host mounts any plugin's.
 */
export function pluginProxies(outline: PluginOutline, remote: PluginRemote): LoadedPlugin {
  const forward = (c: Context) => remote.fetch(c.req.raw, hostContextOf(c));
  const router = new Hono().all("/", forward).all("/*", forward);
  const render = async (
    call: Record<string, unknown>,
    context: PluginContext | undefined,
  ): Promise<HtmlEscapedString> => raw(String(await remote.call(call, context)));
  const pages: Record<string, PluginPage> = {};
  for (const path of outline.pages) {
    pages[path] = (props) => render({ kind: "page", path, url: props.url.href }, props.context);
  }
  const blocks: Record<string, { title: string; component: PluginBlockComponent }> = {};
  for (const block of outline.blocks) {
    blocks[block] = {
      title: block,
      component: (props) => render({ kind: "block", block }, props.context),
    };
  }
  const health: HealthCheck[] = Array.from(
    { length: outline.health },
    (_, index) => () => remote.call({ kind: "health", index }) as ReturnType<HealthCheck>,
  );
  return {
    routers: [{ spec: "(isolated)", app: router }],
    pages,
    health,
    ...(Object.keys(blocks).length > 0 ? { blocks } : {}),
  };
}
