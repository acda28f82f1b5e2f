/**
 * End to end in headless Chromium: a customer plugin's UI cannot act as the person signed in. The
 * plugin `blk` (isolated, so framed) ships a client module that tries what an attacker would:
 * read `document.cookie` and `localStorage`, reach into `window.parent.document`, fetch
 * `/admin/settings`, POST `/admin/plugins/_demo/disable` with and without a CSRF token, call the
 * plugin `other`'s API and the admin API with its own token. Every attempt fails and `_demo` stays
 * enabled, while the same page's calls to its own API succeed with the person's permissions: Alice
 * (through a real OpenID Connect provider) may read and write, Bob only read (403). A route that
 * echoes its request headers sees no host cookie, the token works on `blk`'s API only, the dashboard's block of `blk` is framed and gets
 * no token, links inside the frame navigate the page (and back), the frames have accessible titles
 * and nothing scrolls sideways from 390 to 1280 px. A second server serves the frames from a
 * second origin (`HONEYFRAME_PLUGIN_ORIGIN`), which answers nothing else. Loopback only.
 */
import { runBrowserScript } from "../helpers/browser.ts";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { buildServerEntry } from "../helpers/build.ts";
import { isolatingDenoServer, startServer } from "../helpers/process.ts";
import { makeTree, manifest } from "../helpers/tree.ts";
import { needs } from "../helpers/system_tools.ts";
import { grantGroups, startOidcProvider } from "../helpers/oidc.ts";
import { freePort } from "../helpers/ports.ts";

const TOKEN = "frames-e2e-admin-token-0123456789";
const CLIENT_ID = "honeyframe-edge";
const CLIENT_SECRET = "frames-e2e-client-secret-0123456789";
const SCREENSHOTS = resolve("tests/.output/screenshots");

/** The attacker's client module: each attempt's outcome goes into `#results` as JSON. */
const ATTACKS = `import { pluginFetch, pluginToken } from "@honeyframe/edge/client";

const results: Record<string, string> = {};
async function attempt(name: string, run: () => unknown): Promise<void> {
  try {
    results[name] = String(await run());
  } catch (error) {
    results[name] = "failed: " + (error instanceof Error ? error.name : String(error));
  }
}
const status = async (response: Promise<Response>) => (await response).status;

if (document.getElementById("results")) {
  await attempt("cookie", () => document.cookie === "" ? "empty" : document.cookie);
  await attempt("local_storage", () => localStorage.getItem("anything"));
  await attempt("parent_document", () => window.parent.document.title);
  await attempt("settings", () => status(fetch("/admin/settings", { credentials: "include" })));
  for (const csrf of ["", "a-guessed-token"]) {
    await attempt("disable" + (csrf ? "_with_csrf" : ""), () =>
      status(fetch("/admin/plugins/_demo/disable", {
        method: "POST",
        credentials: "include",
        body: new URLSearchParams(csrf ? { csrf } : {}),
      })));
  }
  await attempt("own_read", () => status(pluginFetch("/api/blk/whoami")));
  await attempt("own_write", () => status(pluginFetch("/api/blk/write", { method: "POST" })));
  await attempt("echo", async () => {
    const seen = await (await pluginFetch("/api/blk/echo")).json();
    return "cookie:" + (seen.cookie ?? "none") + " authorization:" + (seen.authorization ? "bearer" : "none");
  });
  const token = (await pluginToken()).token;
  const bearer = { headers: { Authorization: "Bearer " + token } };
  await attempt("other_plugin", () => status(fetch("/api/other/whoami", bearer)));
  await attempt("admin_api", () => status(fetch("/api/plugins", bearer)));
  results.token = token;
  document.getElementById("results")!.textContent = JSON.stringify(results);
}
if (document.getElementById("block-token")) {
  await attempt("token", async () => (await pluginToken()).token);
  document.getElementById("block-token")!.textContent = results.token!;
}
`;

Deno.test(
  "a customer plugin's frames cannot act as the person signed in",
  needs("chromium"),
  async () => {
    await using provider = await startOidcProvider(CLIENT_ID, CLIENT_SECRET);
    using tree = makeTree({
      "data/plugins/blk/plugin.yaml": manifest(
        "blk",
        "display_name: Blocks",
        "routers:",
        "  - r.ts:router",
        "frontend_entry: pages.tsx",
        "client_entry: client.ts",
        "permissions: [blk.read, blk.write]",
        "nav:",
        "  - label: Blocks",
        "    path: /",
        "    permission: blk.read",
      ),
      "data/plugins/blk/r.ts": `import { Hono } from "hono";
import { principalOf, requirePermission } from "@honeyframe/edge";
export const router = new Hono()
  .get("/whoami", requirePermission("blk.read"), (c) => c.json(principalOf(c) ?? {}))
  .post("/write", requirePermission("blk.write"), (c) => c.json({ written: true }))
  .get("/echo", (c) => c.json(c.req.header()));
`,
      "data/plugins/blk/pages.tsx": `export const pages = {
  "/": () => (
    <>
      <h1>Blocks home</h1>
      <p><a href="/plugins/blk/second?from=home">To the second page</a></p>
      <pre id="results">pending</pre>
      <p>A long line: ${"word ".repeat(60)}</p>
    </>
  ),
  "/second": ({ url }) => <h1>Second page {url.searchParams.get("from")}</h1>,
};
export const blocks = {
  summary: { title: "Summary", component: () => <p>Block body <code id="block-token">pending</code></p> },
};
`,
      "data/plugins/blk/client.ts": ATTACKS,
      "data/plugins/other/plugin.yaml": manifest(
        "other",
        "routers:",
        "  - r.ts:router",
        "permissions: [other.read]",
      ),
      "data/plugins/other/r.ts": `import { Hono } from "hono";
import { requirePermission } from "@honeyframe/edge";
export const router = new Hono().get("/whoami", requirePermission("other.read"), (c) => c.json({}));
`,
    });
    const entry = await buildServerEntry(tree.root);
    const port = freePort();
    const base = {
      HOST: "127.0.0.1",
      HONEYFRAME_ADMIN_TOKEN: TOKEN,
      HONEYFRAME_OIDC_ISSUER: provider.issuer,
      HONEYFRAME_OIDC_CLIENT_ID: CLIENT_ID,
      HONEYFRAME_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    };
    await using server = await startServer(isolatingDenoServer(entry, { ...base, PORT: "0" }));
    await using second = await startServer(isolatingDenoServer(entry, {
      ...base,
      PORT: String(port),
      HONEYFRAME_PUBLIC_URL: `http://127.0.0.1:${port}`,
      HONEYFRAME_PLUGIN_ORIGIN: `http://localhost:${port}`,
    }));
    await provider.allowRedirect(`${server.url}/auth/callback`);
    // Alice's group may read and write blk (and manage plugins); Bob's may only read it.
    await grantGroups(server.url, TOKEN, {
      crm_admin: ["plugins.read", "plugins.manage", "blk.read", "blk.write", "other.read"],
      crm_viewer: ["plugins.read", "blk.read", "other.read"],
    });

    mkdirSync(SCREENSHOTS, { recursive: true });
    const { code, text } = await runBrowserScript(
      "tests/e2e/plugin_frames.mjs",
      [server.url, second.url, `http://localhost:${port}`, TOKEN, SCREENSHOTS],
      150_000,
    );
    assert.equal(code, 0, text);
    assert.match(text, /frames e2e: all steps passed/);

    // `_demo` is still enabled: no attempt acted in Alice's name.
    const plugins = await (await fetch(`${server.url}/api/plugins`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    })).json() as { plugins: { name: string; status: string }[] };
    assert.equal(plugins.plugins.find((plugin) => plugin.name === "_demo")?.status, "mounted");
  },
);
