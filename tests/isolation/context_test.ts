/**
 * `pluginContext(c)` and `props.context` in a plugin isolated in a worker of the plugin process, on
 * a Deno server on 127.0.0.1: the plugin answers 503 `plugin_not_configured` (and its page says what
 * to set) until its required settings have values; then its handlers and page read its settings
 * (the secret opened), its storage works through the host (compare-and-set conflicts and bad
 * values arrive as the same error classes), another isolated plugin cannot reach its keys, and what
 * it logs — with `ctx.log` or its own `console.*` — is a line of the host's log with its name and
 * the request id.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { buildServerEntry } from "../helpers/build.ts";
import { isolatingDenoServer, startServer } from "../helpers/process.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

const TOKEN = "context-admin-token-0123456789abc";
const SECRET = "sk_live_isolated-0123456789";
const KEY = btoa(String.fromCharCode(...new Uint8Array(32).fill(3)));

const CRM_ROUTER = `import { Hono } from "hono";
import { InvalidStorageInput, pluginContext, StorageConflict } from "@honeyframe/edge";
export const router = new Hono()
  .get("/settings", (c) => c.json(pluginContext(c).config))
  .get("/cookie", (c) => c.text(c.req.header("Cookie") ?? "none"))
  .post("/notes/:key", async (c) => {
    const { storage } = pluginContext(c);
    try {
      const ifVersion = c.req.query("if") === "absent" ? null : c.req.query("if");
      return c.json(await storage.set(c.req.param("key"), await c.req.json(),
        ifVersion === undefined ? {} : { ifVersion }));
    } catch (error) {
      if (error instanceof StorageConflict) return c.json({ conflict: error.message }, 409);
      if (error instanceof InvalidStorageInput) return c.json({ invalid: error.message }, 422);
      throw error;
    }
  })
  .get("/notes", async (c) => c.json(await pluginContext(c).storage.list({ prefix: "customer/" })))
  .delete("/notes/:key", async (c) => c.json(await pluginContext(c).storage.delete(c.req.param("key"))))
  .get("/log", async (c) => {
    const ctx = pluginContext(c);
    await new Promise((resolve) => setTimeout(resolve, 5));
    ctx.log.warn("from ctx.log", { page_size: ctx.config.page_size });
    console.log("from console.log", { after: "a timer" });
    return c.text("logged");
  });`;

Deno.test("an isolated plugin gets its settings, storage and logger through the host", async (t) => {
  using tree = makeTree({
    "data/plugins/crm/plugin.yaml": manifest(
      "crm",
      "routers:",
      "  - r.ts:router",
      "frontend_entry: pages.tsx",
      "config:",
      "  api_url: { type: url, required: true }",
      "  api_key: { type: string, secret: true, required: true }",
      "  page_size: { type: number, default: 50 }",
    ),
    "data/plugins/crm/r.ts": CRM_ROUTER,
    "data/plugins/crm/pages.tsx":
      `import type { BlockProps, PluginPageProps } from "@honeyframe/edge";
async function Home(props: PluginPageProps) {
  const { items } = await props.context.storage.list();
  return <p>page size {props.context.config.page_size}, {items.length} notes</p>;
}
function Summary(props: BlockProps) { return <p>summary for {String(props.context.config.api_url)}</p>; }
export const pages = { "/": Home };
export const blocks = { summary: { title: "Summary", component: Summary } };`,
    "data/plugins/other/plugin.yaml": manifest("other", "routers:", "  - r.ts:router"),
    "data/plugins/other/r.ts": `import { Hono } from "hono";
import { pluginContext } from "@honeyframe/edge";
export const router = new Hono().get("/peek", async (c) =>
  c.json({ mine: await pluginContext(c).storage.get("customer/1") }));`,
  });
  const entry = await buildServerEntry(tree.root);
  await using server = await startServer(isolatingDenoServer(entry, {
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: join(tree.root, "data"),
    HONEYFRAME_ADMIN_TOKEN: TOKEN,
    HONEYFRAME_SECRETS_KEY: KEY,
    HONEYFRAME_LOG_FORMAT: "json",
  }));
  const call = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init);

  await t.step(
    "unconfigured: 503 on its routes, and its page and block say what to set",
    async () => {
      const response = await call("/api/crm/settings");
      assert.equal(response.status, 503);
      const body = await response.json();
      assert.equal(body.error, "plugin_not_configured");
      assert.deepEqual(body.missing, ["api_url", "api_key"]);
      const page = await call("/plugins/crm/");
      assert.equal(page.status, 503);
      const html = await page.text();
      assert.match(
        html,
        /needs settings before it can serve:.*<code>api_url<\/code>, <code>api_key<\/code>/s,
      );
      assert.match(html, /href="\/admin\/plugins\/crm#settings"/);
      assert.match(await (await call("/dashboard")).text(), /This plugin is not configured yet/);
    },
  );

  await t.step("configured: it reads typed values and the opened secret at once", async () => {
    const put = await call("/api/plugins/crm/config", {
      method: "PUT",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ api_url: "https://crm.example/api", api_key: SECRET }),
    });
    assert.equal(put.status, 200, await put.clone().text());
    const response = await call("/api/crm/settings");
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      api_url: "https://crm.example/api",
      api_key: SECRET,
      page_size: 50,
    });
  });

  await t.step("its storage: compare-and-set, bad input and listing through the host", async () => {
    const note = (key: string, value: unknown, query = "") =>
      call(`/api/crm/notes/${encodeURIComponent(key)}${query}`, {
        method: "POST",
        body: JSON.stringify(value),
        headers: { "Content-Type": "application/json" },
      });
    const first = await note("customer/1", { name: "Ada" }, "?if=absent");
    assert.equal(first.status, 200);
    const { version } = await first.json();
    assert.equal(typeof version, "string");
    const again = await note("customer/1", { name: "Bob" }, "?if=absent");
    assert.equal(again.status, 409, "a StorageConflict in the worker, as the same class");
    assert.match((await again.json()).conflict, /customer\/1 already exists/);
    const stale = await note("customer/1", { name: "Bob" }, "?if=not-the-version");
    assert.equal(stale.status, 409);
    await stale.body?.cancel();
    const updated = await note("customer/1", { name: "Ada L." }, `?if=${version}`);
    assert.equal(updated.status, 200);
    const tooLarge = await note("customer/2", "x".repeat(70 * 1024));
    assert.equal(tooLarge.status, 422);
    assert.match((await tooLarge.json()).invalid, /over 65536 bytes/);
    const list = await (await call("/api/crm/notes")).json();
    assert.deepEqual(
      list.items.map((item: { key: string; value: unknown }) => [item.key, item.value]),
      [
        ["customer/1", { name: "Ada L." }],
      ],
    );
    assert.deepEqual(await (await call("/api/other/peek")).json(), { mine: null });
  });

  await t.step("the host's cookies never reach its worker", async () => {
    const response = await call("/api/crm/cookie", {
      headers: { Cookie: "hf_session=not-for-plugins; theme=dark" },
    });
    assert.equal(await response.text(), "theme=dark");
  });

  await t.step("its page and block, in their frames, get props.context", async () => {
    const page = await call("/plugins/crm/");
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<iframe [^>]*src="\/frames\/crm\/page\/"/);
    const frame = await call("/frames/crm/page/");
    assert.equal(frame.status, 200);
    assert.match(await frame.text(), /page size 50, 1 notes/);
    assert.match(await (await call("/dashboard")).text(), /src="\/frames\/crm\/block\/summary"/);
    assert.match(
      await (await call("/frames/crm/block/summary")).text(),
      /summary for https:\/\/crm\.example\/api/,
    );
  });

  await t.step(
    "ctx.log and console.* are host log lines with its name and the request id",
    async () => {
      const response = await call("/api/crm/log", {
        headers: { "X-Request-Id": "req-isolated-log-1" },
      });
      assert.equal(await response.text(), "logged");
      const lines = () =>
        server.output().split("\n").filter((line) => line.includes("req-isolated-log-1"))
          .map((line) => JSON.parse(line));
      const deadline = Date.now() + 5_000;
      while (lines().length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const logged = lines();
      const fromCtx = logged.find((line) => /from ctx\.log/.test(line.msg));
      const fromConsole = logged.find((line) => /from console\.log/.test(line.msg));
      assert.ok(fromCtx, server.output());
      assert.equal(fromCtx.level, "warn");
      assert.equal(fromCtx.plugin, "crm");
      assert.equal(fromCtx.page_size, 50);
      assert.ok(fromConsole, server.output());
      assert.equal(fromConsole.plugin, "crm");
      assert.equal(fromConsole.source, "console");
      assert.match(fromConsole.msg, /plugin crm: from console\.log \{"after":"a timer"\}/);
      assert.equal(server.output().includes(SECRET), false, "the secret never reaches the log");
    },
  );
});
