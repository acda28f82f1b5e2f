/**
 * `/dashboard`: the blocks of every mounted, enabled plugin in a responsive grid, each in a card
 * titled with its title and its plugin's display name. A block whose component throws, or does not
 * render within the plugin time limit, becomes an error card naming the plugin and block (its stack
 * goes to the log, nothing to the page), and the page still answers 200.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import type { Child } from "hono/jsx";
import type { Logger } from "../log/mod.ts";
import { pageHeaders, type PageShell, renderPage } from "./admin/render.tsx";
import type { PluginLifecycle } from "./lifecycle.ts";
import type { BlockEntry, Registry, RegistryPlugin } from "./registry.ts";
import type { PluginContexts } from "./context/plugin_contexts.ts";
import { PluginNeedsSettings, renderPluginBlock } from "./plugin_parts.tsx";
import type { PluginFrames } from "./plugin_ui/plugin_frames.tsx";
import { pluginAssets, pluginContent } from "./plugin_ui/plugin_content.tsx";
import { allowingStyles } from "./plugin_ui/plugin_styles.ts";

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
 * it is an error card), the plugins' contexts (`props.context`; a block of a plugin whose
 * required settings have no value says what to set) and the isolated plugins' frames (their blocks
 * are frames in their cards).
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
    readonly frames?: PluginFrames;
  },
): Hono {
  const app = new Hono();
  app.use("*", allowingStyles, pageHeaders(options.frames?.frameSources));
  app.get("/", async (c) => {
    const blocks = dashboardBlocks(registry, (name) => lifecycle.isEnabled(name));
    const cards = await Promise.all(
      blocks.map((block) => renderBlock(c, block, options)),
    );
    const framed = blocks.some((block) => options.frames?.isFramed(block.plugin));
    // The stylesheets and client modules of the plugins whose blocks are in this page (not framed).
    const inPage = [...new Set(blocks.map((block) => block.plugin))]
      .filter((plugin) => !options.frames?.isFramed(plugin));
    return renderPage(
      c,
      {
        title: "Dashboard",
        pluginLinks: shell.links(),
        ...await shell.viewerOf(c),
        framed,
        ...pluginAssets(inPage),
      },
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
  c: Context,
  block: DashboardBlock,
  options: {
    log: Logger;
    timeoutMs?: number | undefined;
    contexts: PluginContexts;
    frames?: PluginFrames;
  },
) {
  const { plugin } = block;
  const missing = options.contexts.missing(plugin.name);
  let body: Child;
  let failure: string | undefined;
  if (missing.length > 0) {
    body = <PluginNeedsSettings plugin={plugin.name} missing={missing} />;
  } else if (options.frames?.isFramed(plugin)) {
    body = options.frames.blockFrame(block);
  } else {
    const component = plugin.blockComponents?.[block.id];
    const outcome = await renderPluginBlock(plugin, block.id, component, c.req.raw, options);
    body = "failed" in outcome ? undefined : await pluginContent(c, plugin.name, outcome.html);
    failure = "failed" in outcome ? outcome.failed : undefined;
  }
  return (
    <article
      class={`card block block-${block.size}${failure === undefined ? "" : " block-error"}`}
      aria-labelledby={`block-${plugin.name}-${block.id}`}
    >
      <h2 id={`block-${plugin.name}-${block.id}`}>{block.title}</h2>
      <p class="block-plugin">{plugin.display_name}</p>
      {failure !== undefined
        ? (
          <p role="alert">
            The block <code>{block.id}</code> of the plugin <code>{plugin.name}</code> {failure}.
          </p>
        )
        : body}
    </article>
  );
}
