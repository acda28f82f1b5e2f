import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { healthyPlugin, makeTree, manifest } from "../helpers/tree.ts";

Deno.test("a build with a hanging and a timer-leaking plugin finishes within its import timeout", async () => {
  using tree = makeTree({
    ...healthyPlugin("good"),
    "data/plugins/hangs/plugin.yaml": manifest("hangs", "routers:", "  - r.ts:router"),
    "data/plugins/hangs/r.ts": "await new Promise(() => {});\nexport const router = null;\n",
    "data/plugins/leaks/plugin.yaml": manifest("leaks", "routers:", "  - r.ts:router"),
    "data/plugins/leaks/r.ts": `import { Hono } from "hono";
setInterval(() => {}, 1000);
export const router = new Hono().get("/ping", (c) => c.text("still here"));
`,
  });
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "task",
      "plugins",
      "build",
      "--install-dir",
      tree.root,
      "--data-dir",
      join(tree.root, "data"),
      "--out",
      join(tree.root, ".gen/registry.ts"),
      "--import-timeout",
      "1000",
      "--json",
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const output = await child.output();
  clearTimeout(killer);
  const seconds = (performance.now() - started) / 1000;

  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  assert.ok(seconds < 20, `the build took ${seconds.toFixed(1)} s`);
  assert.ok(existsSync(join(tree.root, ".gen/registry.ts")));
  const report = JSON.parse(new TextDecoder().decode(output.stdout));
  const status = Object.fromEntries(
    report.plugins.map((
      plugin: { name: string; status: string; errors: { message: string }[] },
    ) => [
      plugin.name,
      [plugin.status, plugin.errors.map((error) => error.message).join()],
    ]),
  );
  assert.deepEqual(status.good, ["mounted", ""]);
  assert.deepEqual(status.leaks, ["mounted", ""]);
  assert.equal(status.hangs[0], "error");
  assert.match(status.hangs[1], /did not finish within 1000 ms/);
});
