/**
 * The `_demo` plugin's own tests: its router and its page, without a server. `deno task test`
 * runs the tests of every bundled plugin (the `tests` folder of each folder in `plugins`).
 *
 * @module
 */
import assert from "node:assert/strict";
import { testPluginContext } from "@honeyframe/edge";
import { router } from "../backend/routers/ping.ts";
import { pages } from "../frontend/pages.tsx";

Deno.test("_demo: GET /ping answers", async () => {
  const response = await router.request("/ping");
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { ok: true, plugin: "_demo" });
});

Deno.test("_demo: the home page shows the display name and links the API", async () => {
  const html = String(
    await pages["/"]({
      plugin: { name: "_demo", display_name: "Demo" },
      path: "/",
      url: new URL("http://localhost/plugins/_demo/"),
      context: testPluginContext("_demo"),
    }),
  );
  assert.ok(html.includes("<h1>Demo</h1>"), html);
  assert.ok(html.includes('href="/api/_demo/ping"'), html);
});
