/**
 * Plugin frontends end to end without a browser: client entries bundled at build time (hashed,
 * deterministic, portable source maps), each bad input's problem, dashboard blocks, and how the
 * app serves both (asset headers, 304, a disabled plugin's 404, the page's script tag, error cards).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { SILENT_LOGGER } from "../../src/log/mod.ts";
import { createApp, PluginLifecycle } from "../../src/runtime/mod.ts";
import { MemoryStore } from "../../src/state/mod.ts";
import { buildTree, loadRegistry } from "../helpers/build.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

const TOKEN = "client-entry-test-token";

/** A plugin with a page, a client entry that counts clicks, and blocks. */
function frontendPlugin(name: string, blocks: string): Record<string, string> {
  return {
    [`plugins/${name}/plugin.yaml`]: manifest(
      name,
      "frontend_entry: frontend/pages.tsx",
      "client_entry: frontend/client.tsx",
    ),
    [`plugins/${name}/frontend/pages.tsx`]:
      `export const pages = { "/": () => <div data-count>0</div> };
${blocks}
`,
    [`plugins/${name}/frontend/client.tsx`]: `import { render, useState } from "hono/jsx/dom";
function Count() {
  const [n, setN] = useState(0);
  return <button type="button" onClick={() => setN(n + 1)}>{n}</button>;
}
for (const element of document.querySelectorAll("[data-count]")) render(<Count />, element);
`,
  };
}

Deno.test("client entries are bundled, hashed and byte-identical across builds, with portable maps", async () => {
  using tree = makeTree({
    ...frontendPlugin("crm", ""),
    "plugins/plain/plugin.yaml": manifest("plain", "client_entry: web/main.ts"),
    "plugins/plain/web/main.ts": `document.title += "!";\n`,
  });
  const first = await buildTree(tree.root);
  const second = await buildTree(tree.root);
  assert.equal(first.source, second.source, "byte-identical registries");
  for (const name of ["crm", "plain"]) {
    const plugin = first.plugins.find((candidate) => candidate.name === name)!;
    assert.equal(plugin.status, "mounted", JSON.stringify(plugin.errors));
    const { hash, js, map } = plugin.client!;
    const code = js.slice(0, js.lastIndexOf("\n//# sourceMappingURL="));
    assert.equal(hash, createHash("sha256").update(code).digest("hex").slice(0, 16));
    assert.ok(js.endsWith(`//# sourceMappingURL=${hash}.js.map\n`));
    const sources: string[] = JSON.parse(map).sources;
    assert.ok(
      sources.every((source) =>
        !source.startsWith("/") && !source.includes("..") && !source.includes(".cache/")
      ),
      `${sources}`,
    );
    assert.ok(first.source.includes(JSON.stringify(js)), "the registry carries the bytes");
  }
  const crm = first.plugins.find((plugin) => plugin.name === "crm")!;
  assert.ok(JSON.parse(crm.client!.map).sources.includes("frontend/client.tsx"));
  assert.ok(
    JSON.parse(crm.client!.map).sources.some((source: string) =>
      source.startsWith("host/node_modules/hono/")
    ),
    "the host's dependencies are named relative to the host",
  );
});

Deno.test("bad client entries and blocks are build problems that name the plugin, file and field", async () => {
  using tree = makeTree({
    "plugins/syntax/plugin.yaml": manifest("syntax", "client_entry: client.ts"),
    "plugins/syntax/client.ts": `const x = ;\n`,
    "plugins/unresolved/plugin.yaml": manifest("unresolved", "client_entry: client.ts"),
    "plugins/unresolved/client.ts": `import { nope } from "./missing.ts";\nnope();\n`,
    "plugins/missing/plugin.yaml": manifest("missing", "client_entry: client.ts"),
    "plugins/outside/plugin.yaml": manifest("outside", "client_entry: client.ts"),
    "plugins/outside/client.ts": { symlink: "../syntax/client.ts" },
    "plugins/large/plugin.yaml": manifest("large", "client_entry: client.ts"),
    "plugins/large/client.ts": `document.title = ${JSON.stringify("x".repeat(300 * 1024))};\n`,
    ...frontendPlugin(
      "badid",
      `export const blocks = { "Bad Id": { title: "x", component: () => null } };`,
    ),
    ...frontendPlugin(
      "nocomponent",
      `export const blocks = { stats: { title: "Stats", size: "huge", component: () => null } };`,
    ),
    ...frontendPlugin("healthy", ""),
  });
  const { plugins } = await buildTree(tree.root);
  const byName = (name: string) => plugins.find((plugin) => plugin.name === name)!;
  const codes = (name: string) => byName(name).errors.map((problem) => problem.code);
  assert.deepEqual(codes("syntax"), ["client_entry.bundle_failed"]);
  assert.match(byName("syntax").errors[0]!.message, /client\.ts:1:\d+/, "the bundler's position");
  assert.equal(byName("syntax").errors[0]!.line, 3, "placed on the field in plugin.yaml");
  assert.deepEqual(codes("unresolved"), ["client_entry.bundle_failed"]);
  assert.match(byName("unresolved").errors[0]!.message, /missing\.ts/);
  assert.deepEqual(codes("missing"), ["client_entry.not_found"]);
  assert.deepEqual(codes("outside"), ["plugin.link_outside"]);
  assert.equal(byName("large").status, "mounted");
  assert.deepEqual(byName("large").warnings.map((problem) => problem.code), ["client_entry.large"]);
  assert.match(byName("large").warnings[0]!.message, /bundles to 30\d KiB minified/);
  assert.deepEqual(codes("badid"), ["frontend_entry.invalid_blocks"]);
  assert.match(byName("badid").errors[0]!.message, /`Bad Id` is not a slug/);
  assert.deepEqual(codes("nocomponent"), ["frontend_entry.invalid_blocks"]);
  assert.match(byName("nocomponent").errors[0]!.message, /size "huge"/);
  for (const name of ["syntax", "unresolved", "missing", "outside", "badid", "nocomponent"]) {
    assert.equal(byName(name).status, "error", name);
  }
  assert.equal(byName("healthy").status, "mounted", "one bad bundle does not sink the batch");
});

Deno.test("the app serves the client module immutably with 304s, loads it on the plugin's pages, and shows blocks", async () => {
  using tree = makeTree({
    ...frontendPlugin(
      "crm",
      `export const blocks = {
  pipeline: { title: "Pipeline", component: () => <p>3 deals</p>, size: "large" },
  broken: { title: "Broken", component: () => { throw new Error("secret detail"); } },
};`,
    ),
  });
  const registry = await loadRegistry(tree.root);
  const lifecycle = new PluginLifecycle(registry, new MemoryStore());
  const lines: string[] = [];
  const app = createApp(registry, {
    adminToken: TOKEN,
    lifecycle,
    log: { ...SILENT_LOGGER, error: (message: string) => lines.push(message) },
  });
  const crm = registry.plugins.find((plugin) => plugin.name === "crm")!;
  const url = `/assets/plugins/crm/${crm.client!.hash}.js`;

  const page = await app.request("/plugins/crm/");
  assert.match(await page.text(), new RegExp(`<script type="module" src="${url}"></script>`));
  assert.match(page.headers.get("content-security-policy")!, /script-src 'self'/);

  const asset = await app.request(url);
  assert.equal(asset.status, 200);
  assert.equal(asset.headers.get("content-type"), "text/javascript; charset=utf-8");
  assert.equal(asset.headers.get("cache-control"), "public, max-age=31536000, immutable");
  const etag = asset.headers.get("etag")!;
  assert.equal(await asset.text(), registry.assets!.crm!.js);
  const again = await app.request(url, { headers: { "If-None-Match": etag } });
  assert.equal(again.status, 304);
  const map = await app.request(`${url}.map`);
  assert.equal(map.headers.get("content-type"), "application/json; charset=utf-8");
  assert.equal(JSON.parse(await map.text()).file, `${crm.client!.hash}.js`);
  assert.equal((await app.request(`/assets/plugins/crm/0000000000000000.js`)).status, 404);

  const dashboard = await app.request("/dashboard");
  assert.equal(dashboard.status, 200);
  const html = await dashboard.text();
  assert.match(
    html,
    /<h2 id="block-crm-pipeline">Pipeline<\/h2><p class="block-plugin">crm<\/p><div class="plugin-content" data-honeyframe-plugin="crm"><p>3 deals<\/p><\/div>/,
  );
  // Its blocks are in the page, so the page loads its client module (to hydrate them).
  assert.match(html, new RegExp(`<script type="module" src="${url}"></script>`));
  assert.match(html, /class="card block block-medium block-error"/);
  assert.match(html, /The block <code>broken<\/code> of the plugin <code>crm<\/code>/);
  assert.doesNotMatch(html, /secret detail/, "nothing of the error reaches the page");
  assert.deepEqual(lines, ["block broken of plugin crm failed to render"]);
  assert.match(html, /<a[^>]*href="\/dashboard"/, "the sidebar links the dashboard");

  const blocks = await app.request("/api/blocks", {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.deepEqual(await blocks.json(), {
    blocks: [
      { plugin: "crm", id: "pipeline", title: "Pipeline", size: "large" },
      { plugin: "crm", id: "broken", title: "Broken", size: "medium" },
    ],
  });
  assert.equal((await app.request("/api/blocks")).status, 401);

  await lifecycle.setEnabled("crm", false, "test");
  assert.equal((await app.request(url)).status, 404, "a disabled plugin's assets are gone");
  assert.doesNotMatch(await (await app.request("/dashboard")).text(), /Pipeline/);
});

Deno.test("plugins' client bundles stay out of their folders and the registry's tree", async () => {
  using tree = makeTree(frontendPlugin("crm", ""));
  const before = [...Deno.readDirSync(join(tree.root, "plugins/crm"))].map((entry) => entry.name);
  await buildTree(tree.root);
  const after = [...Deno.readDirSync(join(tree.root, "plugins/crm"))].map((entry) => entry.name);
  assert.deepEqual(after.sort(), before.sort(), "the build writes nothing into the plugin");
});
