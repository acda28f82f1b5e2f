/**
 * The two ends of the frame message protocol, as the host serves them (plain scripts, no build):
 *
 * - `bridge.js` runs in a plugin's frame: it reports the document's height
 *   (`{type: "honeyframe:size", height}`) and turns a click on a link to one of the plugin's pages,
 *   or a `GET` form's submission, into `{type: "honeyframe:navigate", href}`, all posted to the host
 *   page's origin only.
 * - `host.js` runs in the host page around the frame: it sizes the frame, navigates the whole page
 *   to a page of that frame's plugin (so the address bar and the back button work), and answers
 *   `{type: "honeyframe:token-request"}` with `{type: "honeyframe:token", token, expires_at}` (or
 *   `{type: "honeyframe:token", error}`), asking the host for a token of that frame's plugin. Only
 *   messages from one of the page's plugin frames, whose origin is opaque, are heard.
 *
 * @module
 */

/** Where the host serves the frame's end. */
export const BRIDGE_SCRIPT_PATH = "/frames/bridge.js";

/** Where the host serves the host page's end. */
export const HOST_SCRIPT_PATH = "/frames/host.js";

/** The frame's end. */
export const BRIDGE_SCRIPT = `"use strict";
(() => {
  const meta = (name) => document.querySelector('meta[name="honeyframe-' + name + '"]')?.content;
  const host = meta("host") || new URL(location.href).origin;
  const page = meta("page");
  const plugin = meta("plugin");
  if (!page || !plugin || window.parent === window) return;
  const post = (message) => window.parent.postMessage(message, host);
  let reported = 0;
  const size = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== reported) post({ type: "honeyframe:size", height: (reported = height) });
  };
  new ResizeObserver(size).observe(document.documentElement);
  addEventListener("load", size);
  const ours = (href) => {
    const url = new URL(href, page);
    const prefix = "/plugins/" + plugin + "/";
    return url.origin === new URL(page).origin &&
        (url.pathname.startsWith(prefix) || url.pathname + "/" === prefix)
      ? url
      : undefined;
  };
  const navigate = (url) =>
    post({ type: "honeyframe:navigate", href: url.pathname + url.search + url.hash });
  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!link || !["", "_self", "_parent", "_top"].includes(link.target)) return;
    const url = ours(link.getAttribute("href"));
    if (!url) return;
    event.preventDefault();
    navigate(url);
  });
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement) || form.method !== "get") return;
    const url = ours(form.getAttribute("action") || page);
    if (!url) return;
    event.preventDefault();
    url.search = new URLSearchParams(new FormData(form)).toString();
    navigate(url);
  });
})();
`;

/** The host page's end. */
export const HOST_SCRIPT = `"use strict";
(() => {
  const frameOf = (source) =>
    Array.from(document.querySelectorAll("iframe[data-honeyframe-plugin]"))
      .find((frame) => frame.contentWindow === source);
  const csrf = () =>
    document.querySelector('form[action="/admin/sign-out"] input[name="csrf"]')?.value;
  addEventListener("message", async (event) => {
    const frame = frameOf(event.source);
    const data = event.data;
    if (!frame || event.origin !== "null" || typeof data !== "object" || data === null) return;
    const plugin = frame.dataset.honeyframePlugin;
    const reply = (message) => frame.contentWindow?.postMessage(message, "*");
    if (data.type === "honeyframe:size") {
      const height = Number(data.height);
      if (Number.isFinite(height)) {
        frame.style.height = Math.min(Math.max(Math.ceil(height), 32), 100000) + "px";
      }
    } else if (data.type === "honeyframe:navigate") {
      const url = new URL(String(data.href), location.href);
      const prefix = "/plugins/" + plugin + "/";
      if (url.origin === location.origin && url.pathname.startsWith(prefix)) location.assign(url.href);
    } else if (data.type === "honeyframe:token-request") {
      const tokenUrl = frame.dataset.tokenUrl;
      const token = csrf();
      if (!tokenUrl || !token) return reply({ type: "honeyframe:token", error: "no_session" });
      try {
        const response = await fetch(tokenUrl, {
          method: "POST",
          headers: { "X-Honeyframe-CSRF": token },
        });
        if (!response.ok) {
          return reply({ type: "honeyframe:token", error: "refused_" + response.status });
        }
        const issued = await response.json();
        reply({ type: "honeyframe:token", token: issued.token, expires_at: issued.expires_at });
      } catch {
        reply({ type: "honeyframe:token", error: "unreachable" });
      }
    }
  });
})();
`;
