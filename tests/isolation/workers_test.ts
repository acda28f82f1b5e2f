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
writeWorkerDeployment(registry.plugins, dist);

Deno.test("customer plugins run as Workers of their own behind service bindings; a hostile one reaches nothing of the host's", async (t) => {
  await using server = await startServer(
    new Deno.Command("node", {
      args: [
        resolve("tests/isolation/miniflare_plugins.mjs"),
        dist,
        JSON.stringify({ HONEYFRAME_ADMIN_TOKEN: TOKEN, HONEYFRAME_JWT_SECRET: JWT_SECRET }),
        "HONEYFRAME_PLUGIN_UNBOUND",
      ],
      env: { PATH: Deno.env.get("PATH") ?? "" },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }),
    60_000,
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

globalThis.addEventListener("unload", () => tree[Symbol.dispose]());
