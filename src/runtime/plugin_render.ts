/**
 * Rendering a plugin's component (a page, a dashboard block) within the plugin time limit: the host
 * renders it to HTML first, then places it in its layout, so a component that never resolves costs
 * its own part of the page, not the page. (Synchronous code that spins cannot be interrupted in
 * process; a customer plugin's worker is terminated for it.)
 *
 * @module
 */
import { PluginTimeout } from "./plugin_mount.ts";
import { withinTime } from "./time_limit.ts";

/** How long a page or block renders when the host was given no plugin time limit. */
export const DEFAULT_RENDER_TIMEOUT_MS = 30_000;

/**
 * Renders a plugin's JSX element to HTML, bounded in time.
 *
 * @param element The element (`<Component … />`); its component runs here.
 * @param plugin The plugin's name (named by the timeout).
 * @param timeoutMs The limit, in milliseconds.
 * @returns The HTML.
 * @throws {PluginTimeout} When it did not finish in time; any error the component threw.
 * @example
 * ```ts
 * import { jsx } from "hono/jsx";
 * await renderPluginElement(jsx("p", {}, "hi"), "crm", 1_000); // "<p>hi</p>"
 * ```
 */
export function renderPluginElement(
  element: { toString(): string | Promise<string> },
  plugin: string,
  timeoutMs: number = DEFAULT_RENDER_TIMEOUT_MS,
): Promise<string> {
  const rendered = Promise.resolve().then(() => element.toString()).then(String);
  return withinTime(rendered, timeoutMs, () => new PluginTimeout(plugin, timeoutMs));
}
