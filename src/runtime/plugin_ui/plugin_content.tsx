/**
 * A plugin's rendered HTML placed in a host page: inside the element its styles are scoped to
 * (`data-honeyframe-plugin`), its inline `<style>` elements scoped and allowed by hash, and the
 * stylesheet and client module the page loads for it.
 *
 * @module
 */
import type { Context } from "hono";
import { raw } from "hono/html";
import type { RegistryPlugin } from "../registry.ts";
import { assetUrl, stylesheetUrl } from "../plugin_assets.ts";
import { allowStyles, inlineStyles, PLUGIN_SCOPE_ATTRIBUTE } from "./plugin_styles.ts";

/**
 * A plugin's rendered HTML as a host page shows it. The page's app must use `allowingStyles`.
 *
 * @param c The request's context (its Content-Security-Policy allows the inline styles).
 * @param plugin The plugin's name.
 * @param html What its page or block rendered.
 * @returns The element.
 */
export async function pluginContent(c: Context, plugin: string, html: string) {
  const styles = await inlineStyles(plugin, html);
  allowStyles(c, [styles.hash]);
  const attributes = { class: "plugin-content", [PLUGIN_SCOPE_ATTRIBUTE]: plugin };
  return (
    <div {...attributes}>
      {styles.css && <style>{raw(styles.css)}</style>}
      {raw(styles.html)}
    </div>
  );
}

/**
 * What a page that shows plugins' content loads for them.
 *
 * @param plugins The plugins shown.
 * @returns Their stylesheets' and client modules' URLs.
 */
export function pluginAssets(
  plugins: readonly Pick<RegistryPlugin, "name" | "client" | "stylesheet">[],
): { stylesheets: string[]; scripts: string[] } {
  return {
    stylesheets: plugins.flatMap((plugin) =>
      plugin.stylesheet ? [stylesheetUrl(plugin.name, plugin.stylesheet.hash)] : []
    ),
    scripts: plugins.flatMap((plugin) =>
      plugin.client ? [assetUrl(plugin.name, plugin.client.hash)] : []
    ),
  };
}
