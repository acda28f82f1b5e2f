/**
 * End to end in headless Chromium (issue 34, points 2 and 3): a plugin's stylesheet (with an
 * `@import` of its own file) and the styles its page writes with `hono/css` apply to its content
 * (computed styles), while its rules for `body` and `nav` leave the host's chrome alone, and the
 * page logs no Content-Security-Policy violation; two islands on one page get their server props
 * (one a label that tries to end the element and start a script: it shows as text) and count
 * clicks; a dashboard block's island counts clicks; a customer plugin's stylesheet applies inside
 * its frame. Loopback only.
 */
import { runBrowserScript } from "../helpers/browser.ts";
import assert from "node:assert/strict";
import { buildServerEntry } from "../helpers/build.ts";
import { isolatingDenoServer, startServer } from "../helpers/process.ts";
import { makeTree, manifest } from "../helpers/tree.ts";
import { needs } from "../helpers/system_tools.ts";

const COUNTER_CLIENT = (plugin: string) =>
  `/// <reference lib="dom" />
import { hydrateIslands } from "@honeyframe/edge/client";
import { render, useState } from "hono/jsx/dom";

function Counter(props: { start: number; label: string; id: string }) {
  const [clicks, setClicks] = useState(props.start);
  return <button type="button" id={props.id} onClick={() => setClicks(clicks + 1)}>{props.label}: {clicks}</button>;
}

const mounted = hydrateIslands(import.meta.url, {
  counter: (element, props: { start: number; label: string; id: string }) => {
    (element as HTMLElement).replaceChildren();
    render(<Counter {...props} />, element as HTMLElement);
  },
});
document.body.setAttribute("data-${plugin}-islands", String(mounted));
`;

Deno.test(
  "plugin styles apply to the plugin's content only, islands get their props, dashboard blocks hydrate",
  needs("chromium"),
  async () => {
    using tree = makeTree({
      "plugins/styled/plugin.yaml": manifest(
        "styled",
        "frontend_entry: pages.tsx",
        "client_entry: client.tsx",
        "stylesheet: styles/main.css",
        "nav:",
        "  - label: Styled",
        "    path: /",
      ),
      "plugins/styled/styles/main.css": `@import "./more.css";
.styled-card { color: rgb(1, 2, 3); }
/* Rules for the host's chrome: kept to the plugin's part of the page, they match nothing there. */
body { background-color: rgb(200, 0, 0); }
nav { display: none; }
`,
      "plugins/styled/styles/more.css": `.styled-more { border-top: 3px solid rgb(4, 5, 6); }\n`,
      "plugins/styled/pages.tsx": `import { css, Style } from "hono/css";
import { Island } from "@honeyframe/edge";

export const pages = {
  "/": () => (
    <>
      <Style />
      <h1>Styled</h1>
      <p class="styled-card" id="card">From the stylesheet</p>
      <p class="styled-more" id="more">From its import</p>
      <p id="hono" class={css\`color: rgb(7, 8, 9);\`}>From hono/css</p>
      <Island name="counter" props={{ start: 5, label: "first", id: "first" }}><span>first: 5</span></Island>
      <Island name="counter" props={{ start: 0, label: "</div><script>document.title='owned'</script>", id: "second" }}>
        <span>second</span>
      </Island>
    </>
  ),
};
export const blocks = {
  clicks: {
    title: "Clicks",
    component: () => <Island name="counter" props={{ start: 0, label: "block", id: "block" }}><span>block: 0</span></Island>,
  },
};
`,
      "plugins/styled/client.tsx": COUNTER_CLIENT("styled"),
      "data/plugins/boxed/plugin.yaml": manifest(
        "boxed",
        "frontend_entry: pages.tsx",
        "stylesheet: boxed.css",
      ),
      "data/plugins/boxed/boxed.css": `.boxed-card { color: rgb(11, 12, 13); }\n`,
      "data/plugins/boxed/pages.tsx": `export const pages = {
  "/": () => <p class="boxed-card" id="boxed">In its frame</p>,
};
`,
    });
    const entry = await buildServerEntry(tree.root, { installDir: tree.root });
    await using server = await startServer(isolatingDenoServer(entry, {
      HOST: "127.0.0.1",
      PORT: "0",
      DATA_DIR: `${tree.root}/data`,
      HONEYFRAME_ADMIN_TOKEN: "plugin-ui-e2e-admin-token-0123456789",
    }));

    const { code, text } = await runBrowserScript("tests/e2e/plugin_ui.mjs", [server.url], 90_000);
    assert.equal(code, 0, text);
    assert.match(text, /plugin ui e2e: all steps passed/);
  },
);
