/**
 * A plugin's parts of a page, wherever they are shown (inline in the host's layout, or in a frame
 * of their own): a page or a block rendered with the plugin's context within the plugin time limit,
 * and what shows instead when it fails or the plugin still needs its settings.
 *
 * @module
 */
import { jsx } from "hono/jsx";
import type { Logger } from "../log/mod.ts";
import type { PluginContexts } from "./context/plugin_contexts.ts";
import { requestIdOf } from "./observe.ts";
import { type RenderOutcome, renderPluginElement, settleRender } from "./plugin_render.ts";
import type { PluginBlockComponent, PluginPage, RegistryPlugin } from "./registry.ts";

/** What rendering a plugin's part needs from the host. */
export interface PartOptions {
  /** The plugins' contexts (`props.context`). */
  readonly contexts: PluginContexts;
  /** Where failures go. */
  readonly log: Logger;
  /** How long a part may take to render, in milliseconds. */
  readonly timeoutMs?: number | undefined;
}

/**
 * Renders one of a plugin's pages.
 *
 * @param plugin The plugin.
 * @param path The page's path in the plugin (`/`, `/reports`).
 * @param page The page.
 * @param url The URL it is shown at (`props.url`).
 * @param request The request it is rendered for.
 * @param options Contexts, log and time limit.
 * @returns The HTML, or how it failed.
 */
export function renderPluginPage(
  plugin: RegistryPlugin,
  path: string,
  page: PluginPage,
  url: URL,
  request: Request,
  options: PartOptions,
): Promise<RenderOutcome> {
  const Component = typeof page === "function" ? page : page.component;
  const request_id = requestIdOf(request);
  return settleRender(
    () =>
      options.contexts.within(plugin.name, request, () =>
        renderPluginElement(
          jsx(Component, {
            plugin: { name: plugin.name, display_name: plugin.display_name },
            path,
            url,
            context: options.contexts.context(plugin.name, request),
          }),
          plugin.name,
          options.timeoutMs,
        )),
    { plugin: plugin.name, what: `page ${path}`, ...(request_id ? { request_id } : {}) },
    options.log,
  );
}

/**
 * Renders one of a plugin's dashboard blocks.
 *
 * @param plugin The plugin.
 * @param block The block's id.
 * @param Component Its component, if it was loaded.
 * @param request The request it is rendered for.
 * @param options Contexts, log and time limit.
 * @returns The HTML, or how it failed.
 */
export function renderPluginBlock(
  plugin: RegistryPlugin,
  block: string,
  Component: PluginBlockComponent | undefined,
  request: Request,
  options: PartOptions,
): Promise<RenderOutcome> {
  return settleRender(
    () => {
      if (!Component) throw new Error(`the block component of ${block} was not loaded`);
      return options.contexts.within(plugin.name, request, () =>
        renderPluginElement(
          jsx(Component, {
            plugin: { name: plugin.name, display_name: plugin.display_name },
            context: options.contexts.context(plugin.name, request),
          }),
          plugin.name,
          options.timeoutMs,
        ));
    },
    { plugin: plugin.name, what: `block ${block}` },
    options.log,
  );
}

/** What a plugin page that failed shows instead: which plugin, what happened, the request id. */
export function PluginPageFailed(
  props: { plugin: string; reason: string; requestId: string | undefined },
) {
  return (
    <section class="card" role="alert">
      <h1>This page is not available</h1>
      <p>
        The page of the plugin <code>{props.plugin}</code> {props.reason}.
        {props.requestId
          ? (
            <>
              Request id: <code>{props.requestId}</code>.
            </>
          )
          : ""}
      </p>
    </section>
  );
}

/** What a page of a plugin whose required settings have no value shows: what to set, and where. */
export function PluginNeedsSettings(props: { plugin: string; missing: readonly string[] }) {
  return (
    <section class="card" role="alert">
      <h1>This plugin is not configured yet</h1>
      <p>
        The plugin <code>{props.plugin}</code> needs{" "}
        {props.missing.length === 1 ? "a setting" : "settings"} before it can serve:{" "}
        {props.missing.map((key, index) => (
          <>
            {index > 0 ? ", " : ""}
            <code>{key}</code>
          </>
        ))}.
      </p>
      <p>
        An administrator sets them in{" "}
        <a href={`/admin/plugins/${encodeURIComponent(props.plugin)}#settings`}>
          the plugin's settings
        </a>, with <code>npx deno task plugins config set {props.plugin} key=value</code>, or with
        {" "}
        <code>PUT /api/plugins/{props.plugin}/config</code>.
      </p>
    </section>
  );
}
