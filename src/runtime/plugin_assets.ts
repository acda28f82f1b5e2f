/**
 * Plugins' client bundles and stylesheets, served from the registry (no file is read):
 * `/assets/plugins/<name>/<hash>.js` and its `.map`, `/assets/plugins/<name>/<hash>.css`, immutable for a year, with an `ETag` and `304` on `If-None-Match`, to
 * any origin (`Access-Control-Allow-Origin: *`: plugin frames are opaque origins). A disabled
 * plugin's assets answer 404 like its pages.
 *
 * @module
 */
import { Hono } from "hono";
import type { PluginLifecycle } from "./lifecycle.ts";
import type { Registry } from "./registry.ts";

/**
 * Where a plugin's client module is served.
 *
 * @param plugin The plugin.
 * @param hash The bundle's hash.
 * @returns The URL path.
 * @example
 * ```ts
 * assetUrl("_demo", "0123456789abcdef"); // "/assets/plugins/_demo/0123456789abcdef.js"
 * ```
 */
export function assetUrl(plugin: string, hash: string): string {
  return `/assets/plugins/${plugin}/${hash}.js`;
}

/**
 * Where a plugin's stylesheet is served.
 *
 * @param plugin The plugin.
 * @param hash The stylesheet's hash.
 * @returns The URL path.
 * @example
 * ```ts
 * stylesheetUrl("crm", "0123456789abcdef"); // "/assets/plugins/crm/0123456789abcdef.css"
 * ```
 */
export function stylesheetUrl(plugin: string, hash: string): string {
  return `/assets/plugins/${plugin}/${hash}.css`;
}

/**
 * The app that serves client bundles, to be mounted at `/assets/plugins`.
 *
 * @param registry The registry (its `assets`).
 * @param lifecycle Which plugins are enabled.
 * @returns The app.
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { PluginLifecycle } from "./lifecycle.ts";
 * import { defineRegistry } from "./registry.ts";
 * import { MemoryStore } from "../state/mod.ts";
 * const registry = defineRegistry({ fingerprint: "sha256-x", permissions: [], plugins: [] });
 * new Hono().route("/assets/plugins", pluginAssetsApp(registry, new PluginLifecycle(registry, new MemoryStore())));
 * ```
 */
export function pluginAssetsApp(registry: Registry, lifecycle: PluginLifecycle): Hono {
  const files = new Map<string, { body: string; type: string; plugin: string }>();
  for (const plugin of registry.plugins) {
    const css = registry.stylesheets?.[plugin.name];
    if (plugin.status === "mounted" && plugin.stylesheet && css !== undefined) {
      files.set(`/${plugin.name}/${plugin.stylesheet.hash}.css`, {
        body: css,
        type: "text/css; charset=utf-8",
        plugin: plugin.name,
      });
    }
    const asset = registry.assets?.[plugin.name];
    if (plugin.status !== "mounted" || !plugin.client || !asset) continue;
    const base = `/${plugin.name}/${plugin.client.hash}`;
    files.set(`${base}.js`, {
      body: asset.js,
      type: "text/javascript; charset=utf-8",
      plugin: plugin.name,
    });
    files.set(`${base}.js.map`, {
      body: asset.map,
      type: "application/json; charset=utf-8",
      plugin: plugin.name,
    });
  }
  const app = new Hono();
  app.get("/:plugin/:file", (c) => {
    const path = `/${c.req.param("plugin")}/${c.req.param("file")}`;
    const file = files.get(path);
    if (!file || !lifecycle.isEnabled(file.plugin)) return c.notFound();
    const etag = `"${c.req.param("file")}"`;
    c.header("Cache-Control", "public, max-age=31536000, immutable");
    c.header("ETag", etag);
    c.header("X-Content-Type-Options", "nosniff");
    // A plugin frame (an opaque origin) loads its client module with CORS; never with credentials.
    c.header("Access-Control-Allow-Origin", "*");
    if (c.req.header("If-None-Match")?.split(",").some((tag) => tag.trim() === etag)) {
      return c.body(null, 304);
    }
    c.header("Content-Type", file.type);
    return c.body(file.body);
  });
  return app;
}
