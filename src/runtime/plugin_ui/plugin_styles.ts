/**
 * Plugin styles, kept to the plugin's own part of a page. A plugin's stylesheet (`stylesheet:` in
 * its manifest, bundled by the build) and the `<style>` elements its pages and blocks render (what
 * `hono/css` writes through `<Style />`) are wrapped in `@scope` rooted at the element that holds
 * the plugin's content (`data-honeyframe-plugin="<name>"`): a rule for `body`, `nav` or `:root`
 * matches nothing outside it, so a plugin cannot restyle the host's chrome. CSS whose braces do not
 * balance (a `}` that would close the scope) is refused. Inline styles are allowed by the page's
 * Content-Security-Policy by their SHA-256 hash, never by `'unsafe-inline'`.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";

/** The attribute of the element that holds a plugin's content. */
export const PLUGIN_SCOPE_ATTRIBUTE = "data-honeyframe-plugin";

/**
 * Where a plugin's styles apply: its scope root's selector.
 *
 * @param plugin The plugin's name.
 * @returns `[data-honeyframe-plugin="<name>"]`.
 */
export function pluginScope(plugin: string): string {
  return `[${PLUGIN_SCOPE_ATTRIBUTE}="${plugin}"]`;
}

/**
 * Where a CSS text's braces stop balancing, outside strings, comments and escapes.
 *
 * @param css The CSS.
 * @returns The offset of a `}` that closes nothing, the length when a block is left open, or
 * `undefined` when they balance.
 * @example
 * ```ts
 * unbalancedAt(".a { color: red }"); // undefined
 * unbalancedAt(".a {} } body { color: red }"); // 6
 * ```
 */
export function unbalancedAt(css: string): number | undefined {
  let depth = 0;
  for (let index = 0; index < css.length; index++) {
    const char = css[index];
    if (char === "\\") index++;
    else if (char === '"' || char === "'") {
      const end = stringEnd(css, index, char);
      if (end === undefined) return css.length;
      index = end;
    } else if (char === "/" && css[index + 1] === "*") {
      const end = css.indexOf("*/", index + 2);
      if (end < 0) return css.length;
      index = end + 1;
    } else if (char === "{") depth++;
    else if (char === "}" && --depth < 0) return index;
  }
  return depth === 0 ? undefined : css.length;
}

/** The offset of the quote that closes the string opened at `start` (none: it never closes). */
function stringEnd(css: string, start: number, quote: string): number | undefined {
  for (let index = start + 1; index < css.length; index++) {
    if (css[index] === "\\") index++;
    else if (css[index] === quote) return index;
    else if (css[index] === "\n") return undefined;
  }
  return undefined;
}

/**
 * A plugin's CSS, kept to its part of the page.
 *
 * @param plugin The plugin's name.
 * @param css Its CSS.
 * @returns The CSS inside `@scope`, or `undefined` when its braces do not balance.
 * @example
 * ```ts
 * scopedCss("crm", ".card{color:red}"); // '@scope ([data-honeyframe-plugin="crm"]){.card{color:red}}'
 * ```
 */
export function scopedCss(plugin: string, css: string): string | undefined {
  if (unbalancedAt(css) !== undefined) return undefined;
  return `@scope (${pluginScope(plugin)}){${css}}`;
}

/** A `<style>` element (its content ends at the first `</style`, as an HTML parser reads it). */
const STYLE_ELEMENT = /<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi;

/** The inline styles taken out of a plugin's HTML. */
export interface InlineStyles {
  /** The HTML without its `<style>` elements. */
  readonly html: string;
  /** Their content, scoped, when there was any that balanced. */
  readonly css?: string;
  /** The CSP source that allows that content (`'sha256-…'`). */
  readonly hash?: string;
}

/**
 * Takes the `<style>` elements out of a plugin's rendered HTML and scopes their content (one that
 * does not balance is dropped).
 *
 * @param plugin The plugin's name.
 * @param html What its page or block rendered.
 * @returns The HTML without them, and their CSS with its hash.
 */
export async function inlineStyles(plugin: string, html: string): Promise<InlineStyles> {
  const found: string[] = [];
  const rest = html.replace(STYLE_ELEMENT, (_, css: string) => {
    const scoped = scopedCss(plugin, css);
    if (scoped !== undefined && css.trim() !== "") found.push(scoped);
    return "";
  });
  if (found.length === 0) return { html: rest };
  const css = found.join("\n");
  return { html: rest, css, hash: await styleHash(css) };
}

/**
 * The CSP source that allows an inline style.
 *
 * @param css The style element's exact content.
 * @returns `'sha256-<base64>'`.
 */
export async function styleHash(css: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(css));
  return `'sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}'`;
}

/** The context key of the style hashes a page allows. */
const STYLE_HASHES = "honeyframeStyleHashes";

/**
 * Allows inline styles in this response's Content-Security-Policy (with {@link allowingStyles}).
 *
 * @param c The request's context.
 * @param hashes Their hashes (`'sha256-…'`).
 */
export function allowStyles(c: Context, hashes: readonly (string | undefined)[]): void {
  const known = (c.get(STYLE_HASHES as never) as string[] | undefined) ?? [];
  c.set(STYLE_HASHES as never, [...known, ...hashes.filter((hash) => hash !== undefined)] as never);
}

/**
 * Middleware, to be placed before the one that sets the Content-Security-Policy: adds the hashes
 * {@link allowStyles} was given to its `style-src`.
 */
export const allowingStyles: MiddlewareHandler = async (c, next) => {
  await next();
  const hashes = c.get(STYLE_HASHES as never) as string[] | undefined;
  const policy = c.res.headers.get("Content-Security-Policy");
  if (!hashes?.length || !policy) return;
  c.res.headers.set(
    "Content-Security-Policy",
    policy.replace(
      /(^|;\s*)style-src ([^;]*)/,
      (_, start, sources) => `${start}style-src ${sources} ${hashes.join(" ")}`,
    ),
  );
};
