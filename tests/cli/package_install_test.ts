/**
 * A real plugin package made with `npm pack`, whose TypeScript router imports a small real npm dependency
 * (`ms`, from the registry), installed with `plugins install ./<tarball>` into `$DATA_DIR`, then
 * served by the Deno bundle with reads denied and by the worker bundle in workerd. A refused
 * install leaves `$DATA_DIR` byte for byte as it was; uninstall removes the package.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { bundle } from "../../src/build/bundle.ts";
import { serverEntrySource } from "../../src/build/server_entry.ts";
import { cli, treeFlags } from "../helpers/cli.ts";
import { sandboxedDenoServer, startServer } from "../helpers/process.ts";
import { makeTree, type Tree } from "../helpers/tree.ts";

const TOKEN = "package-install-token-0123";

/** Writes a plugin package into `tree` at `folder` and packs it; returns the tarball's path. */
async function packedPlugin(
  tree: Tree,
  folder: string,
  options: {
    name: string;
    version: string;
    pluginVersion?: string;
    scripts?: Record<string, string>;
    router?: string;
  },
): Promise<string> {
  tree.write({
    [`${folder}/package.json`]: JSON.stringify({
      name: options.name,
      version: options.version,
      type: "module",
      ...(options.scripts ? { scripts: options.scripts } : {}),
      honeyframe: { plugin: "plugin/plugin.yaml" },
      dependencies: { ms: "2.1.3" },
      peerDependencies: { hono: "^4.0.0" },
    }),
    [`${folder}/plugin/plugin.yaml`]: [
      "name: acme-crm",
      `version: ${options.pluginVersion ?? options.version}`,
      "routers:",
      "  - backend/router.ts:router",
      "permissions:",
      "  - acme.read",
      "",
    ].join("\n"),
    [`${folder}/plugin/backend/router.ts`]: options.router ?? [
      'import { Hono } from "hono";',
      'import ms from "ms";',
      'import { requirePermission } from "@honeyframe/edge";',
      // TypeScript: the package ships its sources, the build strips the types.
      'const day: number = ms("1d") as number;',
      "export const router = new Hono()",
      '  .get("/ping", (c) => c.json({ ok: true, day }))',
      '  .get("/secret", requirePermission("acme.read"), (c) => c.text("secret"));',
      "",
    ].join("\n"),
  });
  const packed = await new Deno.Command("npm", {
    args: ["pack", "--silent", "--ignore-scripts", "--pack-destination", tree.root],
    cwd: join(tree.root, folder),
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(packed.code, 0, new TextDecoder().decode(packed.stderr));
  return join(tree.root, new TextDecoder().decode(packed.stdout).trim().split("\n").at(-1)!);
}

/** Every file under `dir` (symlinks as their target) with its sha256: what "as it was" means. */
function snapshot(dir: string): Record<string, string> {
  const found: Record<string, string> = {};
  const walk = (current: string) => {
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) found[path] = `link:${readlinkSync(path)}`;
      else if (stat.isDirectory()) walk(path);
      else found[path] = createHash("sha256").update(readFileSync(path)).digest("hex");
    }
  };
  walk(dir);
  return found;
}

async function serves(url: string): Promise<void> {
  const ping = await fetch(`${url}/api/acme-crm/ping`);
  assert.equal(ping.status, 200);
  assert.deepEqual(await ping.json(), { ok: true, day: 86_400_000 });
  const secret = await fetch(`${url}/api/acme-crm/secret`);
  assert.equal(secret.status, 401, "requirePermission is the host's own");
  await secret.body?.cancel();
}

Deno.test("a packed plugin installs from its tarball and serves from the Deno and worker bundles", async () => {
  using tree = makeTree();
  const tarball = await packedPlugin(tree, "src/crm", {
    name: "@acme/crm-plugin",
    version: "1.2.0",
  });
  const flags = treeFlags(tree.root);
  const installed = await cli(["install", tarball, ...flags]);
  assert.equal(installed.code, 0, [...installed.out, ...installed.err].join("\n"));
  assert.match(
    installed.out[0]!,
    /^installed acme-crm 1\.2\.0 from @acme\/crm-plugin@1\.2\.0 into /,
  );
  const data = JSON.parse(readFileSync(join(tree.root, "data/package.json"), "utf8"));
  assert.ok(data.dependencies["@acme/crm-plugin"], "the package is a dependency of $DATA_DIR");
  // The same package again: said so (not "not a plugin package"); --force re-installs it.
  const again = await cli(["install", tarball, ...flags]);
  assert.equal(again.code, 1);
  assert.match(
    [...again.out, ...again.err].join("\n"),
    /@acme\/crm-plugin@1\.2\.0 is already installed; use --force to re-install it/,
  );
  const forced = await cli(["install", tarball, "--force", ...flags]);
  assert.equal(forced.code, 0, [...forced.out, ...forced.err].join("\n"));
  assert.match(forced.out[0]!, /^re-installed acme-crm 1\.2\.0 from @acme\/crm-plugin@1\.2\.0 /);
  const table = (await cli(["list", ...flags])).out;
  assert.match(
    table[1]!,
    /^acme-crm +1\.2\.0 +customer +mounted +1 +- +@acme\/crm-plugin@1\.2\.0 /,
  );
  const listed = JSON.parse((await cli(["list", "--json", ...flags])).out.join("\n"));
  assert.deepEqual(
    listed.plugins.map((p: Record<string, unknown>) => [p.name, p.status, p.package]),
    [
      ["acme-crm", "mounted", { name: "@acme/crm-plugin", version: "1.2.0" }],
    ],
  );

  const registryFile = join(tree.root, ".gen/registry.ts");
  const denoEntry = join(tree.root, ".gen/deno.ts");
  writeFileSync(denoEntry, serverEntrySource(registryFile, denoEntry));
  const workerEntry = join(tree.root, ".gen/worker.ts");
  writeFileSync(workerEntry, serverEntrySource(registryFile, workerEntry, "worker"));
  bundle({ entry: denoEntry, output: join(tree.root, "dist/deno.js") });
  bundle({ entry: workerEntry, output: join(tree.root, "dist/worker.js") });
  {
    await using server = await startServer(
      sandboxedDenoServer(join(tree.root, "dist/deno.js"), {
        PORT: "0",
        HOST: "127.0.0.1",
        HONEYFRAME_ADMIN_TOKEN: TOKEN,
      }),
    );
    await serves(server.url);
  }
  {
    await using server = await startServer(
      new Deno.Command("node", {
        args: [
          resolve("tests/targets/miniflare_host.mjs"),
          join(tree.root, "dist/worker.js"),
          TOKEN,
          // In the host Worker: this test is about the package's code in the bundle.
          JSON.stringify({ HONEYFRAME_ISOLATION: "none" }),
        ],
        // workerd reads the script from below its working directory.
        cwd: tree.root,
        env: { PATH: Deno.env.get("PATH") ?? "" },
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }),
      60_000,
    );
    await serves(server.url);
  }

  const removed = await cli(["uninstall", "acme-crm", ...flags]);
  assert.equal(removed.code, 0, removed.out.join("\n"));
  assert.match(removed.out[0]!, /^uninstalled acme-crm \(@acme\/crm-plugin@1\.2\.0\)/);
  const after = JSON.parse(readFileSync(join(tree.root, "data/package.json"), "utf8"));
  assert.equal(after.dependencies?.["@acme/crm-plugin"], undefined);
  assert.deepEqual(
    JSON.parse((await cli(["list", "--json", ...flags])).out.join("\n")).plugins,
    [],
  );
});

Deno.test("a refused package install leaves $DATA_DIR byte for byte as it was", async () => {
  using tree = makeTree();
  const flags = treeFlags(tree.root);
  const good = await packedPlugin(tree, "src/good", { name: "acme-good", version: "1.0.0" });
  assert.equal((await cli(["install", good, ...flags])).code, 0);
  const dataDir = join(tree.root, "data");
  const before = snapshot(dataDir);
  assert.ok(Object.keys(before).some((path) => path.includes("node_modules/ms/")));

  const bad = await packedPlugin(tree, "src/bad", {
    name: "acme-bad",
    version: "2.0.0",
    pluginVersion: "1.9.0",
  });
  const refused = await cli(["install", bad, ...flags]);
  assert.equal(refused.code, 1, [...refused.out, ...refused.err].join("\n"));
  assert.match(refused.err.join("\n"), /has errors and was not installed; nothing was changed/);
  assert.match(refused.err.join("\n"), /\[package\.version_mismatch\]/);
  assert.deepEqual(snapshot(dataDir), before, "package.json, lockfile, node_modules, plugins");

  const missing = await cli(["install", join(tree.root, "nope.tgz"), ...flags]);
  assert.equal(missing.code, 1);
  assert.match(missing.err.join("\n"), /npm install .*nope\.tgz failed; nothing was changed/);
  assert.deepEqual(snapshot(dataDir), before);
});

Deno.test("a package's lifecycle scripts never run: not for a refused install, not for an accepted one", async () => {
  using tree = makeTree();
  const flags = treeFlags(tree.root);
  const planted = (name: string) => join(tree.root, `${name}.txt`);
  const scripts = Object.fromEntries(
    ["preinstall", "install", "postinstall", "prepare"].map((hook) => [
      hook,
      `env > ${planted(hook)}`,
    ]),
  );
  const hostile = await packedPlugin(tree, "src/hostile", {
    name: "acme-hostile",
    version: "1.0.0",
    scripts,
    router: 'throw new Error("refused on purpose");\n',
  });
  const refused = await cli(["install", hostile, ...flags]);
  assert.equal(refused.code, 1, [...refused.out, ...refused.err].join("\n"));
  assert.match(refused.err.join("\n"), /nothing was changed/);
  const accepted = await packedPlugin(tree, "src/accepted", {
    name: "acme-accepted",
    version: "1.0.0",
    scripts,
  });
  const installed = await cli(["install", accepted, ...flags]);
  assert.equal(installed.code, 0, [...installed.out, ...installed.err].join("\n"));
  for (const hook of Object.keys(scripts)) {
    assert.equal(existsSync(planted(hook)), false, `${hook} ran`);
  }
});
