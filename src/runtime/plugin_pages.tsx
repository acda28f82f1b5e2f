/**
 * Plugin frontend pages: each mounted plugin's `pages` (hono/jsx components from its
 * `frontend_entry`) served under `/plugins/<name>/…` inside the shared layout while it is enabled.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { pageHeaders, type PageShell, renderPage } from "./admin/render.tsx";
import type { PluginLifecycle } from "./lifecycle.ts";
import type { Registry } from "./registry.ts";
import { NotFoundPage } from "./admin/pages/not_found_page.tsx";
import { ForbiddenPage } from "./admin/pages/forbidden_page.tsx";
import { pagePermission } from "./admin/layout.tsx";
import { signInUrl } from "./admin/safe_next.ts";
import { createLogger, type Logger } from "../log/mod.ts";
import { requestIdOf } from "./observe.ts";
import type { PluginContexts } from "./context/plugin_contexts.ts";
import { PluginNeedsSettings, PluginPageFailed, renderPluginPage } from "./plugin_parts.tsx";
import type { PluginFrames } from "./plugin_ui/plugin_frames.tsx";
import { pluginAssets, pluginContent } from "./plugin_ui/plugin_content.tsx";
import { allowingStyles } from "./plugin_ui/plugin_styles.ts";

/**
 * Creates the app of plugin pages, to be mounted at `/plugins`. A page is rendered before the
 * layout is: one that throws answers a 500 page naming the plugin, one that does not render within
 * the plugin time limit a 504 page (the log has the rest). An isolated plugin's page is a frame in
 * the layout instead (see `pluginFrames`), checked for permission and settings here first.
 *
 * @param registry The registry.
 * @param lifecycle Which plugins are enabled.
 * @param shell The sidebar links and the request's session.
 * @param options How long a page may take to render, where failures are logged, the plugins'
 * contexts (`props.context`; a plugin whose required settings have no value shows what to set, 503)
 * and the isolated plugins' frames.
 * @returns The app; a plugin's root page answers at `/<name>/` (and `/<name>` redirects there).
 * @example
 * ```ts
 * import { type Context, Hono } from "hono";
 * import { MemoryStore } from "../state/mod.ts";
 * import { PluginLifecycle } from "./lifecycle.ts";
 * import { defineRegistry } from "./registry.ts";
 * import { PluginConfigs } from "./context/plugin_config.ts";
 * import { pluginContexts } from "./context/plugin_contexts.ts";
 * import { createLogger } from "../log/mod.ts";
 * const registry = defineRegistry({ fingerprint: "sha256-x", permissions: [], plugins: [] });
 * const store = new MemoryStore();
 * const lifecycle = new PluginLifecycle(registry, store);
 * const configs = new PluginConfigs(store, registry);
 * const contexts = pluginContexts(configs, store, createLogger(), 1 << 20);
 * const shell = {
 *   links: () => [],
 *   viewerOf: () => Promise.resolve({ can: () => false }),
 *   refused: () => Promise.resolve(),
 * };
 * new Hono().route("/plugins", pluginPagesApp(registry, lifecycle, shell, { contexts }));
 * ```
 */
export function pluginPagesApp(
  registry: Registry,
  lifecycle: PluginLifecycle,
  shell: PageShell,
  options: {
    readonly timeoutMs?: number | undefined;
    readonly log?: Logger;
    readonly contexts: PluginContexts;
    readonly frames?: PluginFrames;
  },
): Hono {
  const log = options.log ?? createLogger();
  const { contexts, frames } = options;
  const app = new Hono();
  app.use("*", allowingStyles, pageHeaders(frames?.frameSources));
  for (const plugin of registry.plugins) {
    if (plugin.status !== "mounted") continue;
    for (const [path, Page] of Object.entries(plugin.pages)) {
      const url = path === "/" ? `/${plugin.name}/` : `/${plugin.name}${path}`;
      if (path === "/") app.get(`/${plugin.name}`, (c) => c.redirect(`/plugins${url}`, 301));
      const permission = pagePermission(plugin, path);
      app.get(url, async (c) => {
        if (!lifecycle.isEnabled(plugin.name)) return await notFound(c);
        const viewer = await shell.viewerOf(c);
        if (permission !== undefined && !viewer.can(permission)) {
          if (!viewer.session) {
            const asked = new URL(c.req.url);
            return c.redirect(signInUrl(asked.pathname + asked.search), 303);
          }
          await shell.refused(viewer.session, c.req.path, permission);
          return renderPage(
            c,
            { title: "Not allowed", pluginLinks: shell.links(), ...viewer },
            <ForbiddenPage path={c.req.path} permission={permission} />,
            403,
          );
        }
        const page = { title: plugin.display_name, pluginLinks: shell.links(), ...viewer };
        const missing = contexts.missing(plugin.name);
        if (missing.length > 0) {
          return renderPage(
            c,
            page,
            <PluginNeedsSettings plugin={plugin.name} missing={missing} />,
            503,
          );
        }
        if (frames?.isFramed(plugin)) {
          const frame = await frames.pageFrame(plugin, path, new URL(c.req.url), viewer.session);
          return renderPage(c, { ...page, framed: true }, frame);
        }
        const outcome = await renderPluginPage(plugin, path, Page, new URL(c.req.url), c.req.raw, {
          contexts,
          log,
          timeoutMs: options.timeoutMs,
        });
        if ("failed" in outcome) {
          return renderPage(
            c,
            page,
            <PluginPageFailed
              plugin={plugin.name}
              reason={outcome.failed}
              requestId={requestIdOf(c.req.raw)}
            />,
            outcome.status,
          );
        }
        return renderPage(
          c,
          { ...page, ...pluginAssets([plugin]) },
          await pluginContent(c, plugin.name, outcome.html),
        );
      });
    }
  }
  // Browsers get a page for what is not there (JSON 404s stay for /api).
  const notFound = async (c: Context) =>
    renderPage(
      c,
      { title: "Page not found", pluginLinks: shell.links(), ...await shell.viewerOf(c) },
      <NotFoundPage path={c.req.path} />,
      404,
    );
  app.get("*", notFound);
  return app;
}
