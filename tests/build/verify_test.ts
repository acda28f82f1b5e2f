import assert from "node:assert/strict";
import { join } from "node:path";
import { Hono } from "hono";
import { discover, type VerifiedPlugin, verify } from "../../src/build/mod.ts";
import { pathToFileURL } from "node:url";
import { codes } from "../helpers/problems.ts";
import { healthyPlugin, makeTree, manifest, pingRouter, type TreeEntry } from "../helpers/tree.ts";

/** Builds a tree with one plugin `p` made of `files` (relative to the plugin) and verifies it. */
async function verifyOne(
  routerLines: string[],
  files: Record<string, TreeEntry>,
  options: { importTimeoutMs?: number } = {},
): Promise<{ plugin: VerifiedPlugin; root: string } & Disposable> {
  const tree = makeTree({ "plugins/p/plugin.yaml": manifest("p", ...routerLines) });
  tree.write(
    Object.fromEntries(Object.entries(files).map(([path, entry]) => [`plugins/p/${path}`, entry])),
  );
  const [plugin] = await verify(
    discover({ installDir: tree.root, dataDir: join(tree.root, "data") }),
    options,
  );
  return { plugin: plugin!, root: tree.root, [Symbol.dispose]: () => tree[Symbol.dispose]() };
}

const routers = (...specs: string[]) => ["routers:", ...specs.map((spec) => `  - ${spec}`)];

Deno.test("verify() mounts a plugin whose routers are Hono apps", async () => {
  using fixture = await verifyOne(routers("backend/a.ts:router", "backend/b.ts"), {
    "backend/a.ts": pingRouter("a"),
    "backend/b.ts": `import { Hono } from "hono";\nexport default new Hono();\n`,
  });
  const { plugin } = fixture;
  assert.deepEqual(plugin.errors, []);
  assert.equal(plugin.status, "mounted");
  assert.deepEqual(plugin.routers.map((r) => [r.module, r.exportName]), [[
    "backend/a.ts",
    "router",
  ], ["backend/b.ts", "default"]]);
});

Deno.test("verify() resolves bare `hono` in plugins outside the project to the host's Hono", async () => {
  using fixture = await verifyOne(routers("backend/a.ts:router"), {
    "backend/a.ts": pingRouter("a"),
  });
  const { plugin } = fixture;
  assert.ok(!plugin.dir.startsWith(Deno.cwd()), "the fixture lives outside the project");
  const namespace = await import(pathToFileURL(plugin.routers[0]!.file).href);
  assert.ok(namespace.router instanceof Hono, "the plugin's Hono is the host's Hono");
});

Deno.test("verify() reports a router module that does not exist", async () => {
  using fixture = await verifyOne(routers("backend/missing.ts:router"), {});
  const { plugin } = fixture;
  assert.deepEqual(codes(plugin.errors), ["router.not_found"]);
  assert.deepEqual([plugin.errors[0]!.file, plugin.errors[0]!.path], [
    "plugin.yaml",
    "routers[0]",
  ]);
  assert.equal(plugin.status, "error");
  assert.deepEqual(plugin.routers, []);
});

Deno.test("verify() reports a router path that is a folder", async () => {
  using fixture = await verifyOne(routers("backend/dir.ts:router"), {
    "backend/dir.ts/x": "",
  });
  const { plugin } = fixture;
  assert.deepEqual(codes(plugin.errors), ["router.not_found"]);
});

Deno.test("verify() rejects symlinks (file or folder) that lead out of the plugin", async () => {
  using outside = makeTree({ "evil.ts": pingRouter("evil"), "dir/evil.ts": pingRouter("evil") });
  using fixture = await verifyOne(
    routers("backend/file.ts:router", "linked/evil.ts:router"),
    {
      "backend/file.ts": { symlink: join(outside.root, "evil.ts") },
      "linked": { symlink: join(outside.root, "dir") },
    },
  );
  const { plugin } = fixture;
  assert.deepEqual(codes(plugin.errors), ["plugin.link_outside", "plugin.link_outside"]);
  assert.deepEqual(plugin.errors.map((e) => e.file), ["backend/file.ts", "linked"]);
  assert.deepEqual(plugin.routers, [], "nothing of it is imported");
  assert.ok(
    plugin.errors.every((e) => !e.message.includes(outside.root)),
    "no server path in the message",
  );
});

Deno.test("verify() accepts a symlink that stays inside the plugin", async () => {
  using fixture = await verifyOne(routers("backend/alias.ts:router"), {
    "backend/real.ts": pingRouter("real"),
    "backend/alias.ts": { symlink: "real.ts" },
  });
  const { plugin } = fixture;
  assert.deepEqual(plugin.errors, []);
});

Deno.test("verify() turns an import that throws into an error without server paths", async () => {
  using fixture = await verifyOne(
    routers("backend/boom.ts:router", "backend/broken.ts:router"),
    {
      "backend/boom.ts": `throw new Error("boom while loading " + import.meta.url);\n`,
      "backend/broken.ts": `import "./nope.ts";\nexport const router = 1;\n`,
    },
  );
  const { plugin, root } = fixture;
  assert.deepEqual(codes(plugin.errors), ["router.import_failed", "router.import_failed"]);
  assert.match(plugin.errors[0]!.message, /Error: boom while loading backend\/boom\.ts/);
  assert.match(plugin.errors[1]!.message, /nope\.ts/);
  for (const error of plugin.errors) {
    assert.ok(!error.message.includes(root), `leaks the server path: ${error.message}`);
    assert.ok(!error.message.includes("\n"));
  }
});

Deno.test("a syntax error or a missing import is reported where it is in the code, with its line", async () => {
  using fixture = await verifyOne(
    routers("backend/routers/crm.ts:router", "backend/broken.ts:router"),
    {
      "backend/routers/crm.ts":
        'import { Hono } from "hono";\n\nexport const router = new Hono()\n' +
        '  .get("/ping", (c) => c.json({ ok: true ))\n;\n',
      "backend/broken.ts": `export const x = 1;\nimport "./nope.ts";\nexport const router = 1;\n`,
    },
  );
  const { plugin, root } = fixture;
  const [syntax, missing] = plugin.errors;
  assert.deepEqual(
    [syntax?.code, syntax?.file, syntax?.line, syntax?.column, syntax?.path],
    ["router.import_failed", "backend/routers/crm.ts", 4, 42, undefined],
  );
  assert.equal(
    syntax?.message,
    "importing `backend/routers/crm.ts` failed: SyntaxError: Expected ',', got ')'",
  );
  assert.equal(
    syntax?.frame,
    '4 |   .get("/ping", (c) => c.json({ ok: true ))\n  |                                          ^',
  );
  assert.deepEqual([missing?.file, missing?.line], ["backend/broken.ts", 2]);
  assert.match(missing!.message, /nope\.ts/);
  for (const error of plugin.errors) {
    assert.ok(!JSON.stringify(error).includes(root), `leaks the server path: ${error.message}`);
  }
});

Deno.test("verify() bounds an import whose top-level await never settles", async () => {
  const started = performance.now();
  using fixture = await verifyOne(
    routers("backend/hang.ts:router", "backend/ok.ts:router"),
    {
      "backend/hang.ts": `await new Promise(() => {});\nexport const router = 1;\n`,
      "backend/ok.ts": pingRouter("ok"),
    },
    { importTimeoutMs: 200 },
  );
  const { plugin } = fixture;
  assert.deepEqual(codes(plugin.errors), ["router.import_failed"]);
  assert.match(plugin.errors[0]!.message, /did not finish within 200 ms|never resolved/);
  assert.ok(
    performance.now() - started < 5_000,
    "verification finished long before any default timeout",
  );
});

Deno.test("verify() reports a missing export and lists the ones that exist", async () => {
  using fixture = await verifyOne(routers("backend/a.ts:api"), {
    "backend/a.ts": pingRouter("a"),
  });
  const { plugin } = fixture;
  assert.deepEqual(codes(plugin.errors), ["router.export_not_found"]);
  assert.match(plugin.errors[0]!.message, /no export `api`.*`router`/);
});

Deno.test("verify() rejects exports that are not Hono apps", async () => {
  using fixture = await verifyOne(
    routers(
      "backend/a.ts:fn",
      "backend/a.ts:obj",
      "backend/a.ts:nothing",
      "backend/a.ts:fetchOnly",
    ),
    {
      "backend/a.ts": [
        "export const fn = () => 1;",
        "export const obj = { routes: [] };",
        "export const nothing = null;",
        "export const fetchOnly = { fetch() {} };",
        "",
      ].join("\n"),
    },
  );
  const { plugin } = fixture;
  assert.deepEqual(codes(plugin.errors), Array(4).fill("router.not_hono_app"));
  assert.deepEqual(
    plugin.errors.map((e) => /is (a function|an object|null)/.exec(e.message)?.[1]),
    [
      "a function",
      "an object",
      "null",
      "an object",
    ],
  );
});

Deno.test("verify() checks the dbt workspace folder and its dbt_project.yml", async () => {
  using outside = makeTree({ "dbt/dbt_project.yml": "name: x" });
  const cases: [Record<string, TreeEntry>, string[]][] = [
    [{ "dbt/dbt_project.yml": "name: crm\n" }, []],
    [{}, ["dbt_workspace.not_found"]],
    [{ "dbt/models/a.sql": "select 1" }, ["dbt_workspace.no_project"]],
    [{ "dbt": "a file" }, ["dbt_workspace.not_found"]],
    [{ "dbt": { symlink: join(outside.root, "dbt") } }, ["plugin.link_outside"]],
  ];
  for (const [files, expected] of cases) {
    using fixture = await verifyOne(["dbt_workspace: dbt/"], files);
    const { plugin } = fixture;
    assert.deepEqual(codes(plugin.errors), expected, JSON.stringify(files));
    const where = expected[0] === "plugin.link_outside"
      ? plugin.errors[0]!.file
      : plugin.errors[0]?.path;
    if (expected.length) {
      assert.equal(where, expected[0] === "plugin.link_outside" ? "dbt" : "dbt_workspace");
    }
  }
});

Deno.test("verify() checks that frontend_entry is a file inside the plugin", async () => {
  using ok = await verifyOne(["frontend_entry: frontend/index.tsx"], {
    "frontend/index.tsx": "export const pages = { '/': () => 'home' };\n",
  });
  using missing = await verifyOne(["frontend_entry: frontend/index.tsx"], {});
  assert.deepEqual(codes(ok.plugin.errors), []);
  assert.deepEqual(codes(missing.plugin.errors), ["frontend_entry.not_found"]);
});

Deno.test("verify() never imports the code of plugins it will not mount", async () => {
  const marker = `__imported_${crypto.randomUUID().replaceAll("-", "")}`;
  const sideEffect = `(globalThis as Record<string, unknown>)["${marker}"] = true;\n${
    pingRouter("x")
  }`;
  using tree = makeTree({
    "plugins/bad/plugin.yaml": manifest("bad", "version_extra: [", ...routers("r.ts:router"))
      .replace("version_extra: [\n", "display_name: [\n"),
    "plugins/bad/r.ts": sideEffect,
    ...healthyPlugin("twin"),
    "data/plugins/twin/plugin.yaml": manifest("twin", ...routers("r.ts:router")),
    "data/plugins/twin/r.ts": sideEffect,
  });
  const plugins = await verify(
    discover({ installDir: tree.root, dataDir: join(tree.root, "data") }),
  );
  assert.deepEqual(plugins.map((p) => [p.name, p.source, p.status]), [
    ["bad", "install", "error"],
    ["twin", "install", "mounted"],
    ["twin", "data", "shadowed"],
  ]);
  assert.equal((globalThis as Record<string, unknown>)[marker], undefined);
});
