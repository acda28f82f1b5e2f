import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { discover } from "../../src/build/discover.ts";
import { verify } from "../../src/build/verify.ts";
import { bundleWorkers } from "../../src/build/worker_bundle.ts";
import { WORKER_BOOTSTRAP } from "../../src/runtime/plugins/mod.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

function plugin(name: string) {
  return {
    [`data/plugins/${name}/plugin.yaml`]: manifest(name, "routers:", "  - r.ts:router"),
    [`data/plugins/${name}/r.ts`]: `import { Hono } from "hono";
export const router = new Hono().get("/ping", (c) => c.text("${name}"));`,
  };
}

Deno.test("a plugin whose worker cannot be bundled fails alone: the others are bundled together", async () => {
  using tree = makeTree({ ...plugin("good"), ...plugin("broken"), ...plugin("fine") });
  const verified = await verify(discover({ installDir: tree.root, dataDir: `${tree.root}/data` }));
  assert.deepEqual(verified.map((p) => p.status), ["mounted", "mounted", "mounted"]);
  // Verified, then broken on disk before bundling (as an edit between the two would).
  const broken = verified.find((p) => p.name === "broken")!;
  writeFileSync(
    broken.routers[0]!.file,
    `import { gone } from "./missing.ts";\nexport const router = gone;\n`,
  );
  const bundles = bundleWorkers(verified);
  assert.deepEqual([...bundles.failures.keys()], ["broken"]);
  assert.match(bundles.failures.get("broken")!, /missing\.ts/);
  assert.deepEqual([...bundles.workers.keys()].sort(), ["fine", "good"]);
  assert.ok(bundles.shared.has(WORKER_BOOTSTRAP));
  for (const [name, entry] of bundles.workers) {
    for (const [, file] of entry.matchAll(/from\s*"\.\/([^"]+)"/g)) {
      assert.ok(bundles.shared.has(file!), `${name} imports ${file}, which the bundles hold`);
    }
  }
  assert.ok(bundles.process, "the plugin process is bundled");
});
