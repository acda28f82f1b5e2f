/**
 * Plugin frontend pages: each mounted plugin's `pages` (hono/jsx components from its
 * `frontend_entry`) served under `/plugins/<name>/…` inside the shared layout while it is enabled.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { pageSecurityHeaders, type PageShell, renderPage } from "./admin/render.tsx";
import type { PluginLifecycle } from "./lifecycle.ts";
import { assetUrl } from "./plugin_assets.ts";
import type { Registry } from "./registry.ts";
import { NotFoundPage } from "./admin/pages/not_found_page.tsx";
import { ForbiddenPage } from "./admin/pages/forbidden_page.tsx";
import { pagePermission } from "./admin/layout.tsx";
import { signInUrl } from "./admin/safe_next.ts";
import { raw } from "hono/html";
import { createLogger, type Logger } from "../log/mod.ts";
import { requestIdOf } from "./observe.ts";
import { PluginTimeout } from "./plugin_mount.ts";
import { renderPluginElement } from "./plugin_render.ts";
import type { PluginContexts } from "./context/plugin_contexts.ts";

/** What a plugin page that failed shows instead: which plugin, what happened, the request id. */
function PluginPageFailed(
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

/**
 * Creates the app of plugin pages, to be mounted at `/plugins`. A page is rendered before the
 * layout is: one that throws answers a 500 page naming the plugin, one that does not render within
 * the plugin time limit a 504 page (the log has the rest).
 *
 * @param registry The registry.
 * @param lifecycle Which plugins are enabled.
 * @param shell The sidebar links and the request's session.
 * @param options How long a page may take to render, where failures are logged, and the plugins'
 * contexts (`props.context`; a plugin whose required settings have no value shows what to set, 503).
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
  },
): Hono {
  const log = options.log ?? createLogger();
  const app = new Hono();
  app.use("*", pageSecurityHeaders);
  for (const plugin of registry.plugins) {
    if (plugin.status !== "mounted") continue;
    for (const [path, Page] of Object.entries(plugin.pages)) {
      const url = path === "/" ? `/${plugin.name}/` : `/${plugin.name}${path}`;
      if (path === "/") app.get(`/${plugin.name}`, (c) => c.redirect(`/plugins${url}`, 301));
      const Component = typeof Page === "function" ? Page : Page.component;
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
        const missing = options.contexts.missing(plugin.name);
        if (missing.length > 0) {
          return renderPage(
            c,
            page,
            <PluginNeedsSettings plugin={plugin.name} missing={missing} />,
            503,
          );
        }
        let html: string;
        try {
          html = await options.contexts.within(plugin.name, c.req.raw, () =>
            renderPluginElement(
              <Component
                plugin={{ name: plugin.name, display_name: plugin.display_name }}
                path={path}
                url={new URL(c.req.url)}
                context={options.contexts.context(plugin.name, c.req.raw)}
              />,
              plugin.name,
              options.timeoutMs,
            ));
        } catch (error) {
          const timedOut = error instanceof PluginTimeout;
          const request_id = requestIdOf(c.req.raw);
          log.error(
            `page ${path} of plugin ${plugin.name} ${timedOut ? "timed out" : "failed"}`,
            { plugin: plugin.name, request_id, ...(timedOut ? {} : { error }) },
          );
          return renderPage(
            c,
            page,
            <PluginPageFailed
              plugin={plugin.name}
              reason={timedOut ? `did not render within ${error.timeoutMs} ms` : "failed to render"}
              requestId={request_id}
            />,
            timedOut ? 504 : 500,
          );
        }
        return renderPage(
          c,
          {
            ...page,
            ...(plugin.client ? { script: assetUrl(plugin.name, plugin.client.hash) } : {}),
          },
          raw(html),
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
