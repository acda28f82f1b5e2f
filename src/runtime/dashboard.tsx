/**
 * `/dashboard`: the blocks of every mounted, enabled plugin in a responsive grid, each in a card
 * titled with its title and its plugin's display name. A block whose component throws, or does not
 * render within the plugin time limit, becomes an error card naming the plugin and block (its stack
 * goes to the log, nothing to the page), and the page still answers 200.
 *
 * @module
 */
import { Hono } from "hono";
import { raw } from "hono/html";
import type { Logger } from "../log/mod.ts";
import { pageSecurityHeaders, type PageShell, renderPage } from "./admin/render.tsx";
import type { PluginLifecycle } from "./lifecycle.ts";
import type { BlockEntry, Registry, RegistryPlugin } from "./registry.ts";
import { PluginTimeout } from "./plugin_mount.ts";
import { renderPluginElement } from "./plugin_render.ts";
import type { PluginContexts } from "./context/plugin_contexts.ts";
import { PluginNeedsSettings } from "./plugin_pages.tsx";

/** A block of an enabled plugin, as the dashboard and `GET /api/blocks` list it. */
export interface DashboardBlock extends BlockEntry {
  /** The plugin it belongs to. */
  readonly plugin: RegistryPlugin;
}

/**
 * The blocks of every mounted plugin that is enabled now, in registry order.
 *
 * @param registry The registry.
 * @param isEnabled Whether a plugin is served now.
 * @returns The blocks.
 */
export function dashboardBlocks(
  registry: Registry,
  isEnabled: (name: string) => boolean,
): DashboardBlock[] {
  return registry.plugins
    .filter((plugin) => plugin.status === "mounted" && isEnabled(plugin.name))
    .flatMap((plugin) => (plugin.blocks ?? []).map((block) => ({ ...block, plugin })));
}

/**
 * The dashboard app, to be mounted at `/dashboard`.
 *
 * @param registry The registry (its plugins' block components).
 * @param lifecycle Which plugins are enabled.
 * @param shell The plugins' sidebar links and the request's session.
 * @param options Where a failing block's stack goes, how long one block may take to render (then
 * it is an error card), and the plugins' contexts (`props.context`; a block of a plugin whose
 * required settings have no value says what to set).
 * @returns The app.
 */
export function dashboardApp(
  registry: Registry,
  lifecycle: PluginLifecycle,
  shell: PageShell,
  options: {
    readonly log: Logger;
    readonly timeoutMs?: number | undefined;
    readonly contexts: PluginContexts;
  },
): Hono {
  const app = new Hono();
  app.use("*", pageSecurityHeaders);
  app.get("/", async (c) => {
    const blocks = dashboardBlocks(registry, (name) => lifecycle.isEnabled(name));
    const cards = await Promise.all(
      blocks.map((block) => renderBlock(block, c.req.raw, options)),
    );
    return renderPage(
      c,
      { title: "Dashboard", pluginLinks: shell.links(), ...await shell.viewerOf(c) },
      <>
        <h1>Dashboard</h1>
        {cards.length === 0
          ? (
            <p class="card">
              No plugin has dashboard blocks yet. A plugin adds one by exporting <code>blocks</code>
              {" "}
              from its <code>frontend_entry</code> (see <code>docs/plugins.md</code>).
            </p>
          )
          : <div class="blocks">{cards}</div>}
      </>,
    );
  });
  return app;
}

async function renderBlock(
  block: DashboardBlock,
  request: Request,
  options: { log: Logger; timeoutMs?: number | undefined; contexts: PluginContexts },
) {
  const { log, timeoutMs, contexts } = options;
  const { plugin } = block;
  const Component = plugin.blockComponents?.[block.id];
  const missing = contexts.missing(plugin.name);
  let body: string | undefined;
  let failure = "failed to render";
  try {
    if (missing.length > 0) {
      body = String(await <PluginNeedsSettings plugin={plugin.name} missing={missing} />);
    } else {
      if (!Component) throw new Error(`the block component of ${block.id} was not loaded`);
      body = await contexts.within(plugin.name, request, () =>
        renderPluginElement(
          <Component
            plugin={{ name: plugin.name, display_name: plugin.display_name }}
            context={contexts.context(plugin.name, request)}
          />,
          plugin.name,
          timeoutMs,
        ));
    }
  } catch (error) {
    if (error instanceof PluginTimeout) failure = `did not render within ${error.timeoutMs} ms`;
    log.error(`block ${block.id} of plugin ${plugin.name} ${failure}`, {
      plugin: plugin.name,
      ...(error instanceof PluginTimeout ? {} : { error }),
    });
  }
  return (
    <article
      class={`card block block-${block.size}${body === undefined ? " block-error" : ""}`}
      aria-labelledby={`block-${plugin.name}-${block.id}`}
    >
      <h2 id={`block-${plugin.name}-${block.id}`}>{block.title}</h2>
      <p class="block-plugin">{plugin.display_name}</p>
      {body === undefined
        ? (
          <p role="alert">
            The block <code>{block.id}</code> of the plugin <code>{plugin.name}</code> {failure}.
          </p>
        )
        : raw(body)}
    </article>
  );
}
