/**
 * Rendering a plugin's component (a page, a dashboard block) within the plugin time limit: the host
 * renders it to HTML first, then places it in its layout, so a component that never resolves costs
 * its own part of the page, not the page. (Synchronous code that spins cannot be interrupted in
 * process; a customer plugin's worker is terminated for it.)
 *
 * @module
 */
import { HtmlEscapedCallbackPhase, resolveCallback } from "hono/utils/html";
import { PluginTimeout } from "./plugin_mount.ts";
import { withinTime } from "./time_limit.ts";
import type { Logger } from "../log/mod.ts";

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
  // Rendered whole: what `hono/css` writes into `<Style />` is filled in by the callbacks.
  const rendered = Promise.resolve().then(() => element.toString()).then((html) =>
    resolveCallback(html, HtmlEscapedCallbackPhase.Stringify, false, {})
  ).then(String);
  return withinTime(rendered, timeoutMs, () => new PluginTimeout(plugin, timeoutMs));
}

/** A plugin's page or block rendered, or why not (and the status a page answers then). */
export type RenderOutcome =
  | { readonly html: string }
  | { readonly failed: string; readonly status: 500 | 504 };

/**
 * Renders a plugin's page or block, logging a failure (with its stack) or a timeout: what the
 * visitor sees is the outcome, never the error.
 *
 * @param render Renders it (see {@link renderPluginElement}).
 * @param part The plugin and what is rendered (`page /reports`, `block revenue`), for the log.
 * @param log Where a failure goes.
 * @returns The HTML, or how it failed.
 * @example
 * ```ts
 * import { createLogger } from "../log/mod.ts";
 * const outcome = await settleRender(() => Promise.resolve("<p>hi</p>"), {
 *   plugin: "crm",
 *   what: "block revenue",
 * }, createLogger());
 * ```
 */
export async function settleRender(
  render: () => Promise<string>,
  part: { readonly plugin: string; readonly what: string; readonly request_id?: string },
  log: Logger,
): Promise<RenderOutcome> {
  try {
    return { html: await render() };
  } catch (error) {
    const timedOut = error instanceof PluginTimeout;
    const failed = timedOut ? `did not render within ${error.timeoutMs} ms` : "failed to render";
    log.error(`${part.what} of plugin ${part.plugin} ${failed}`, {
      plugin: part.plugin,
      ...(part.request_id === undefined ? {} : { request_id: part.request_id }),
      ...(timedOut ? {} : { error }),
    });
    return { failed, status: timedOut ? 504 : 500 };
  }
}
