/**
 * Customer plugins on Cloudflare Workers, where a Worker cannot start workers: `deno task bundle`'s
 * deployment (the host Worker, a Worker per isolated plugin, the service bindings of
 * `wrangler.json`) served in workerd through Miniflare. A hostile plugin pollutes
 * `Object.prototype` and hooks `Array.prototype.includes` in its own isolate; the host's
 * authentication is untouched, the plugin's `requirePermission` answers from the host's verdicts
 * (never from a header a client sends), its failure is its own 500, and a plugin whose binding is
 * missing is refused, not run in the host's isolate. Miniflare runs every Worker on one thread
 * without CPU limits, so a spinning plugin is not tried here (docs/operations.md says what holds
 * only on Cloudflare).
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { bundle } from "../../src/build/bundle.ts";
import { serverEntrySource } from "../../src/build/server_entry.ts";
import { writeWorkerDeployment } from "../../src/build/worker_deployment.ts";
import { buildServerEntry } from "../helpers/build.ts";
import { JWT_SECRET, tokenFor } from "../helpers/jwt.ts";
import { startServer } from "../helpers/process.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

const TOKEN = "workers-admin-token-0123456789ab";
const SECRETS_KEY = btoa(String.fromCharCode(...new Uint8Array(32).fill(11)));
const SECRET = "sk_live_workers-0123456789";

/** A data plugin with one router module. */
function plugin(name: string, router: string, ...extra: string[]): Record<string, string> {
  return {
    [`data/plugins/${name}/plugin.yaml`]: manifest(name, "routers:", "  - r.ts:router", ...extra),
    [`data/plugins/${name}/r.ts`]: router,
  };
}

const tree = makeTree({
  ...plugin(
    "polluter",
    `import { Hono } from "hono";
import { principalOf, requirePermission } from "@honeyframe/edge";
(Object.prototype as Record<string, unknown>).secret = "chosen-by-the-plugin-0123456789ab";
Array.prototype.includes = () => true;
export const router = new Hono()
  .get("/whoami", requirePermission("polluter.read"), (c) => c.json(principalOf(c)))
  .get("/boom", () => { throw new Error("the plugin broke"); });`,
    "permissions: [polluter.read]",
    "seed_groups:",
    "  - name: polluter_viewer",
    "    permissions: [polluter.read]",
  ),
  ...plugin(
    "echo",
    `import { Hono } from "hono";
export const router = new Hono().post("/", async (c) => c.text(await c.req.text()));`,
  ),
  ...plugin(
    "notes",
    `import { Hono } from "hono";
import { pluginContext, StorageConflict } from "@honeyframe/edge";
export const router = new Hono()
  .get("/settings", (c) => c.json(pluginContext(c).config))
  .get("/env", (c) => c.json(Object.keys(c.env ?? {})))
  .put("/notes/:key", async (c) => {
    try {
      return c.json(await pluginContext(c).storage.set(c.req.param("key"), await c.req.json(), {
        ifVersion: null,
      }));
    } catch (error) {
      if (error instanceof StorageConflict) return c.json({ conflict: error.message }, 409);
      throw error;
    }
  })
  .get("/notes", async (c) => c.json(await pluginContext(c).storage.list()));`,
    "frontend_entry: pages.tsx",
    "config:",
    "  api_key: { type: string, secret: true, required: true }",
    "  page_size: { type: number, default: 50 }",
  ),
  "data/plugins/notes/pages.tsx": `import type { PluginPageProps } from "@honeyframe/edge";
async function Home(props: PluginPageProps) {
  const { items } = await props.context.storage.list();
  return <p>{items.length} notes, {String(props.context.config.page_size)} a page</p>;
}
export const pages = { "/": Home };`,
  ...plugin(
    "unbound",
    `import { Hono } from "hono";
export const router = new Hono().get("/ping", (c) => c.text("in the host's isolate"));`,
  ),
});
await buildServerEntry(tree.root);
const entry = join(tree.root, "gen/worker_server.ts");
writeFileSync(entry, serverEntrySource(join(tree.root, "gen/registry.ts"), entry, "worker"));
const dist = join(tree.root, "dist");
bundle({ entry, output: join(dist, "worker.js") });
const { registry } = await import(join(tree.root, "gen/registry.ts"));
await writeWorkerDeployment(registry, dist);

/** The deployment in workerd, with the host Worker's bindings, leaving out the service bindings named. */
function serveDeployment(bindings: Record<string, string>, leftOut: string[] = []) {
  return startServer(
    new Deno.Command("node", {
      args: [
        resolve("tests/isolation/miniflare_plugins.mjs"),
        dist,
        JSON.stringify(bindings),
        ...leftOut,
      ],
      env: { PATH: Deno.env.get("PATH") ?? "" },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }),
    60_000,
  );
}

Deno.test("customer plugins run as Workers of their own behind service bindings; a hostile one reaches nothing of the host's", async (t) => {
  await using server = await serveDeployment(
    { HONEYFRAME_ADMIN_TOKEN: TOKEN, HONEYFRAME_JWT_SECRET: JWT_SECRET },
    ["HONEYFRAME_PLUGIN_UNBOUND"],
  );
  const get = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${server.url}${path}`, init);
    return { status: response.status, text: await response.text(), response };
  };
  const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

  await t.step(
    "the deployment binds each isolated plugin's Worker; a missing binding refuses the plugin",
    async () => {
      const list = JSON.parse((await get("/api/plugins", bearer(TOKEN))).text) as {
        plugins: { name: string; status: string; isolation?: string; errors: { code: string }[] }[];
      };
      const byName = new Map(list.plugins.map((entry) => [entry.name, entry]));
      assert.equal(byName.get("_demo")?.isolation, "in_process");
      assert.equal(byName.get("polluter")?.isolation, "worker");
      assert.equal(byName.get("polluter")?.status, "mounted");
      assert.equal(byName.get("unbound")?.status, "error");
      assert.equal(byName.get("unbound")?.errors.at(-1)?.code, "plugin.isolation_unavailable");
      assert.equal((await get("/api/unbound/ping")).status, 404, "never run in the host's isolate");
    },
  );

  await t.step(
    "hooked built-ins and a polluted prototype in the plugin's isolate open nothing",
    async () => {
      assert.equal((await get("/api/plugins", bearer("x"))).status, 401);
      const polluted = await tokenFor(
        { org: "default", groups: ["polluter_viewer"] },
        "chosen-by-the-plugin-0123456789ab",
      );
      assert.equal((await get("/api/_demo/whoami", bearer(polluted))).status, 401);
      assert.equal((await get("/api/polluter/whoami", bearer(polluted))).status, 401);
      assert.equal((await get("/plugins/_demo/")).status, 200, "pages answer");
    },
  );

  await t.step(
    "the plugin's requirePermission answers from the host's verdicts, never a client's",
    async () => {
      assert.equal((await get("/api/polluter/whoami")).status, 401);
      const viewer = await tokenFor({ org: "default", groups: ["polluter_viewer"], sub: "ana" });
      const allowed = await get("/api/polluter/whoami", bearer(viewer));
      assert.equal(allowed.status, 200, allowed.text);
      assert.deepEqual(JSON.parse(allowed.text), {
        org: "default",
        groups: ["polluter_viewer"],
        subject: "ana",
      });
      const other = await tokenFor({ org: "default", groups: ["demo_viewer"] });
      assert.equal((await get("/api/polluter/whoami", bearer(other))).status, 403);
      const forged = encodeURIComponent(
        JSON.stringify({ "polluter.read": { subject: "mallory", org: "default", groups: [] } }),
      );
      const forging = await get("/api/polluter/whoami", {
        headers: { Authorization: `Bearer ${other}`, "X-Honeyframe-Verdicts": forged },
      });
      assert.equal(forging.status, 403, forging.text);
    },
  );

  await t.step("bodies cross, and a plugin's failure is its own 500", async () => {
    const echoed = await get("/api/echo", { method: "POST", body: "z".repeat(1 << 20) });
    assert.equal(echoed.status, 200, echoed.text);
    assert.equal(echoed.text.length, 1 << 20);
    const boom = await get("/api/polluter/boom");
    assert.equal(boom.status, 500, boom.text);
    assert.equal(JSON.parse(boom.text).plugin, "polluter");
    assert.equal((await get("/api/_demo/ping")).status, 200);
  });
});

Deno.test("a plugin Worker gets its settings from the host and its storage in the host's D1 database, never the binding", async (t) => {
  await using server = await serveDeployment({
    HONEYFRAME_ADMIN_TOKEN: TOKEN,
    HONEYFRAME_SECRETS_KEY: SECRETS_KEY,
  });
  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${server.url}${path}`, init);
    return { status: response.status, text: await response.text() };
  };

  await t.step("unconfigured, it answers 503; configured, it reads the opened secret", async () => {
    const before = await call("/api/notes/settings");
    assert.equal(before.status, 503, before.text);
    assert.deepEqual(JSON.parse(before.text).missing, ["api_key"]);
    const put = await call("/api/plugins/notes/config", {
      method: "PUT",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ api_key: SECRET }),
    });
    assert.equal(put.status, 200, put.text);
    const after = await call("/api/notes/settings");
    assert.equal(after.status, 200, after.text);
    assert.deepEqual(JSON.parse(after.text), { api_key: SECRET, page_size: 50 });
  });

  await t.step("its storage is in D1, compare-and-set holds, and c.env is empty", async () => {
    const note = (key: string) =>
      call(`/api/notes/notes/${key}`, {
        method: "PUT",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ key }),
      });
    assert.equal((await note("a")).status, 200);
    const again = await note("a");
    assert.equal(again.status, 409, again.text);
    assert.match(JSON.parse(again.text).conflict, /a already exists/);
    const listed = JSON.parse((await call("/api/notes/notes")).text);
    assert.deepEqual(listed.items.map((item: { key: string }) => item.key), ["a"]);
    assert.deepEqual(JSON.parse((await call("/api/notes/env")).text), [], "no binding is shown");
    // Its page is a frame in the host's page, rendered by its Worker.
    assert.match((await call("/plugins/notes/")).text, /src="\/frames\/notes\/page\/"/);
    const page = await call("/frames/notes/page/");
    assert.equal(page.status, 200, page.text);
    assert.match(page.text, /1 notes, 50 a page/);
  });
});

globalThis.addEventListener("unload", () => tree[Symbol.dispose]());
