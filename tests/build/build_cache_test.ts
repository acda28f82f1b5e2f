import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  BuildCache,
  buildRegistry,
  type BuildResult,
  cacheFileFor,
  writeRegistry,
} from "../../src/build/mod.ts";
import { BUILD_CACHE_FORMAT } from "../../src/build/build_cache.ts";
import { cli } from "../helpers/cli.ts";
import { healthyPlugin, makeTree, manifest } from "../helpers/tree.ts";

/** A plugin whose router takes its routes from a helper module the manifest does not name. */
function pluginWithHelper(name: string): Record<string, string> {
  return {
    [`plugins/${name}/plugin.yaml`]: manifest(name, "routers:", "  - backend/router.ts:router"),
    [`plugins/${name}/backend/router.ts`]: `import { Hono } from "hono";
import { paths } from "./paths.ts";
export const router = new Hono();
for (const path of paths) router.get(path, (c) => c.text(path));
`,
    [`plugins/${name}/backend/paths.ts`]: `export const paths = ["/one"];\n`,
  };
}

async function build(root: string, cache?: BuildCache): Promise<BuildResult> {
  const outFile = join(root, ".gen/registry.ts");
  const result = await buildRegistry({
    installDir: root,
    dataDir: join(root, "data"),
    outFile,
    ...(cache ? { cache } : {}),
  });
  writeRegistry(outFile, result);
  return result;
}

const CACHE_FILE = (root: string) => cacheFileFor(join(root, ".gen/registry.ts"));

Deno.test("an incremental build checks only the changed plugin and is byte-identical to a clean build", async () => {
  using tree = makeTree({
    ...healthyPlugin("alpha"),
    ...pluginWithHelper("beta"),
    ...healthyPlugin("gamma", "data/plugins"),
  });
  const first = BuildCache.load(CACHE_FILE(tree.root));
  await build(tree.root, first);
  assert.deepEqual(first.stats, { reused: 0, checked: 3 });
  first.save(CACHE_FILE(tree.root));

  // Only a helper module changes: the manifest and the router file are the same bytes.
  tree.write({ "plugins/beta/backend/paths.ts": `export const paths = ["/one", "/two"];\n` });
  const cache = BuildCache.load(CACHE_FILE(tree.root));
  assert.equal(cache.ignored, undefined);
  const incremental = await build(tree.root, cache);
  assert.deepEqual(cache.stats, { reused: 2, checked: 1 });
  const clean = await build(tree.root);

  assert.equal(incremental.source, clean.source, "byte-identical registry");
  assert.equal(incremental.fingerprint, clean.fingerprint);
  const beta = incremental.plugins.find((plugin) => plugin.name === "beta")!;
  assert.deepEqual(beta.routes.map((route) => route.path), ["/api/beta/one", "/api/beta/two"]);
});

Deno.test("a broken plugin stays broken from the cache, and its fix is seen", async () => {
  using tree = makeTree({
    ...healthyPlugin("alpha"),
    "plugins/beta/plugin.yaml": manifest("beta", "routers:", "  - backend/main.ts:router"),
    "plugins/beta/backend/main.ts": `export const other = 1;\n`,
  });
  const cache = BuildCache.load(CACHE_FILE(tree.root));
  await build(tree.root, cache);
  cache.save();
  const again = await build(tree.root, cache);
  assert.deepEqual(cache.stats, { reused: 2, checked: 0 });
  const beta = again.plugins.find((plugin) => plugin.name === "beta")!;
  assert.equal(beta.status, "error");
  assert.deepEqual(beta.errors.map((problem) => problem.code), ["router.export_not_found"]);
  assert.equal(beta.errors[0]!.line, 4, "cached problems are placed in plugin.yaml again");
  cache.save();

  tree.write({ "plugins/beta/backend/main.ts": `export { router } from "./real.ts";\n` });
  tree.write({
    "plugins/beta/backend/real.ts": `import { Hono } from "hono";
export const router = new Hono().get("/", (c) => c.text("ok"));
`,
  });
  cache.forget([join(tree.root, "plugins/beta")]);
  const fixed = await build(tree.root, cache);
  assert.equal(fixed.plugins.find((plugin) => plugin.name === "beta")!.status, "mounted");
  assert.equal(fixed.source, (await build(tree.root)).source);
});

Deno.test("an import that failed is checked again on the next build, never served from the cache", async () => {
  using tree = makeTree({
    "plugins/slow/plugin.yaml": manifest("slow", "routers:", "  - backend/main.ts:router"),
    "plugins/slow/backend/main.ts": `await new Promise(() => {});\nexport const router = 1;\n`,
  });
  const options = (cache: BuildCache) => ({
    installDir: tree.root,
    dataDir: join(tree.root, "data"),
    outFile: join(tree.root, ".gen/registry.ts"),
    importTimeoutMs: 300,
    cache,
  });
  const cache = BuildCache.empty();
  const first = await buildRegistry(options(cache));
  assert.deepEqual(first.plugins[0]!.errors.map((problem) => problem.code), [
    "router.import_failed",
  ]);
  cache.save();
  await buildRegistry(options(cache));
  assert.deepEqual(cache.stats, { reused: 0, checked: 1 });
});

Deno.test("a corrupt, edited or foreign cache file is ignored with a note and the build is the same", async () => {
  using tree = makeTree({ ...healthyPlugin("alpha"), ...healthyPlugin("beta") });
  const at = ["--install-dir", tree.root, "--data-dir", join(tree.root, "data"), "--out"];
  const out = join(tree.root, ".gen/registry.ts");
  const clean = await cli(["build", ...at, out, "--no-cache"]);
  assert.equal(clean.code, 0);
  const expected = readFileSync(out, "utf8");
  assert.equal((await cli(["build", ...at, out])).code, 0, "writes a cache");
  const good = readFileSync(CACHE_FILE(tree.root), "utf8");
  const [header, body] = [good.slice(0, good.indexOf("\n")), good.slice(good.indexOf("\n") + 1)];

  // An entry edited to say the plugins are in error, with the header left alone.
  const edited = `${header}\n${
    body.replaceAll('"routes":[', '"routes":[{"method":"GET","path":"/x"},')
  }`;
  assert.notEqual(edited, good);
  const cases: [string, string, RegExp][] = [
    ["truncated", good.slice(0, good.length / 2), /do not match its digest/],
    ["edited", edited, /do not match its digest/],
    ["not JSON", "garbage\n{}", /header is not JSON/],
    [
      "from another host",
      good.replace(/"host":"[0-9a-f]+"/, `"host":"${"0".repeat(64)}"`),
      /another version of the host/,
    ],
    [
      "of another format",
      good.replace(BUILD_CACHE_FORMAT, "honeyframe-build-cache/0"),
      /format is not/,
    ],
  ];
  for (const [what, text, reason] of cases) {
    writeFileSync(CACHE_FILE(tree.root), text);
    const run = await cli(["build", ...at, out]);
    assert.equal(run.code, 0, what);
    assert.match(run.err.join("\n"), /^note: ignored .*\.build-cache\.json \(/m, what);
    assert.match(run.err.join("\n"), reason, what);
    assert.equal(readFileSync(out, "utf8"), expected, `${what}: same registry`);
    assert.equal(readFileSync(CACHE_FILE(tree.root), "utf8"), good, `${what}: cache rebuilt`);
  }
});
