/**
 * Every runtime target, started for real on 127.0.0.1 from the bundles of `deno task bundle`, runs
 * one shared suite. The Deno and Node bundles run with file-system access denied.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { bundle } from "../../src/build/bundle.ts";
import { serverEntrySource } from "../../src/build/server_entry.ts";
import { startServer } from "../helpers/process.ts";
import { makeTree } from "../helpers/tree.ts";

const deno = Deno.execPath();
const TOKEN = "runtime-test-admin-token";
const bundles = {
  deno: resolve("dist/server.js"),
  node: resolve("dist/server.mjs"),
  worker: resolve("dist/worker.js"),
};

/** Environment for a child server: only what it needs. */
const serverEnv = {
  PORT: "0",
  HOST: "127.0.0.1",
  HONEYFRAME_ADMIN_TOKEN: TOKEN,
  PATH: Deno.env.get("PATH") ?? "",
};

/** The shared suite: what every runtime must answer. */
async function assertServesTheHost(url: string): Promise<void> {
  const ping = await fetch(`${url}/api/_demo/ping`);
  assert.equal(ping.status, 200);
  assert.deepEqual(await ping.json(), { ok: true, plugin: "_demo" });

  const health = await fetch(`${url}/healthz`);
  assert.equal(health.status, 200);
  await health.body?.cancel();

  for (
    const headers of [{}, { Authorization: "Bearer not-the-token" }] as Record<string, string>[]
  ) {
    const denied = await fetch(`${url}/api/plugins`, { headers });
    assert.equal(denied.status, 401);
    assert.equal((await denied.json()).error, "unauthorized");
  }
  const admin = await fetch(`${url}/api/plugins`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(admin.status, 200);
  const body = await admin.json();
  assert.deepEqual(
    body.plugins.map((plugin: { name: string; status: string }) => [plugin.name, plugin.status]),
    [
      ["_demo", "mounted"],
    ],
  );
  assert.match(body.registry.fingerprint, /^sha256-[0-9a-f]{64}$/);

  // The _demo page loads its client module, served from the bundle with the registry's bytes.
  const page = await (await fetch(`${url}/plugins/_demo/`)).text();
  const script = /<script type="module" src="(\/assets\/plugins\/_demo\/([0-9a-f]{16})\.js)">/
    .exec(page);
  assert.ok(script, "the page loads the client module");
  const { registry } = await import("../../.gen/registry.ts");
  assert.equal(script[2], registry.plugins[0]!.client?.hash);
  const asset = await fetch(`${url}${script[1]}`);
  assert.equal(asset.headers.get("content-type"), "text/javascript; charset=utf-8");
  assert.equal(await asset.text(), registry.assets?._demo?.js, "the same bytes on every runtime");
  const cached = await fetch(`${url}${script[1]}`, {
    headers: { "If-None-Match": asset.headers.get("etag")! },
  });
  assert.equal(cached.status, 304);
  await cached.body?.cancel();

  const missing = await fetch(`${url}/nope`);
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error, "not_found");
}

Deno.test("deno task bundle writes the three bundles from a fresh registry", async () => {
  const env = { ...Deno.env.toObject() };
  delete env.DATA_DIR;
  delete env.INSTALL_DIR;
  const output = await new Deno.Command(deno, { args: ["task", "bundle"], env, clearEnv: true })
    .output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  for (const file of Object.values(bundles)) assert.ok(Deno.statSync(file).size > 1000, file);
});

/** The Deno bundle's sandbox: no reads, no writes. */
function denoSandbox(bundle: string): Deno.Command {
  return new Deno.Command(deno, {
    args: [
      "run",
      "--no-prompt",
      "--no-config",
      "--unstable-no-legacy-abort",
      "--deny-read",
      "--deny-write",
      "--allow-net",
      "--allow-env",
      bundle,
    ],
    env: serverEnv,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  });
}

/** The Node bundle's sandbox: reads of the bundle file only, no writes. */
function nodeSandbox(bundle: string): Deno.Command {
  return new Deno.Command("node", {
    args: ["--experimental-permission", `--allow-fs-read=${bundle}`, bundle],
    env: serverEnv,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  });
}

Deno.test("the Deno bundle serves with reads and writes denied", async () => {
  await using server = await startServer(denoSandbox(bundles.deno));
  await assertServesTheHost(server.url);
});

Deno.test("the Node bundle serves with reads allowed only for the bundle file", async () => {
  await using server = await startServer(nodeSandbox(bundles.node));
  await assertServesTheHost(server.url);
});

Deno.test("a file read inserted into the runtime makes the Deno and Node sandboxes refuse to serve", async () => {
  using tree = makeTree();
  const variants = [
    { runtime: "deno", output: "server.js", sandbox: denoSandbox },
    { runtime: "node", output: "server.mjs", sandbox: nodeSandbox },
  ] as const;
  for (const variant of variants) {
    const entry = join(tree.root, `entry_${variant.runtime}.ts`);
    writeFileSync(
      entry,
      `import { readFileSync } from "node:fs";\n` +
        `readFileSync(${JSON.stringify(resolve("deno.json"))}, "utf8");\n` +
        serverEntrySource(resolve(".gen/registry.ts"), entry, variant.runtime),
    );
    const output = join(tree.root, variant.output);
    bundle({ entry, output });
    await assert.rejects(
      startServer(variant.sandbox(output), 15_000),
      /NotCapable|Requires read access|ERR_ACCESS_DENIED/,
      `${variant.runtime}: the inserted read must be refused`,
    );
  }
});

Deno.test("the worker bundle serves in workerd through Miniflare, the token passed as a binding", async () => {
  await using server = await startServer(
    new Deno.Command("node", {
      args: [resolve("tests/targets/miniflare_host.mjs"), bundles.worker, TOKEN],
      env: { PATH: serverEnv.PATH },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }),
    60_000,
  );
  await assertServesTheHost(server.url);
});

Deno.test("the worker bundle serves under Bun", async () => {
  await using server = await startServer(
    new Deno.Command(resolve("node_modules/.bin/bun"), {
      args: [bundles.worker],
      env: serverEnv,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }),
  );
  await assertServesTheHost(server.url);
});
