/**
 * The dev loop driven for real: `deno task dev` on a temporary tree, a router edited, the manifest
 * broken and mended, a plugin added, and SIGTERM. Every wait is bounded and polls 127.0.0.1 only.
 */
import assert from "node:assert/strict";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { descendants, devTask, exited, startServer } from "../helpers/process.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

const ROUTER = (text: string, extra = "") =>
  `import { Hono } from "hono";
export const router = new Hono().get("/hi", (c) => c.text(${JSON.stringify(text)}))${extra};
`;

/** Polls `url` until its body is `expected`; returns how many polls it took. */
async function until(url: string, expected: string, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (let polls = 1; Date.now() < deadline; polls++) {
    try {
      const response = await fetch(url);
      last = `${response.status} ${await response.text()}`;
      if (last === `200 ${expected}`) return polls;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} never answered ${JSON.stringify(expected)}; last: ${last}`);
}

/** Waits until the output has `count` lines matching `pattern`. */
async function lines(output: () => string, pattern: RegExp, count: number): Promise<string[]> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const found = output().split("\n").filter((line) => pattern.test(line));
    if (found.length >= count) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${count} lines matching ${pattern} in:\n${output()}`);
}

Deno.test("deno task dev rebuilds on save, keeps the last good registry on a broken save, and stops cleanly", async () => {
  using tree = makeTree({
    "plugins/crm/plugin.yaml": manifest("crm", "routers:", "  - backend/main.ts:router"),
    "plugins/crm/backend/main.ts": ROUTER("one"),
    "plugins/billing/plugin.yaml": manifest("billing", "routers:", "  - backend/main.ts:router"),
    "plugins/billing/backend/main.ts": ROUTER("billing"),
  });
  await using dev = await startServer(
    // Narrowing the network reaches the dev servers too (they launch as `deno task start` does).
    devTask(tree.root, [], { HONEYFRAME_PLUGIN_NET: "api.example.invalid" }),
    60_000,
  );
  const hi = `${dev.url}/api/crm/hi`;
  await until(hi, "one");
  assert.match(dev.output(), /dev: built 2 plugins · 2 of 2 plugins checked/);

  // A saved router: the new answer arrives, one line says what changed.
  tree.write({ "plugins/crm/backend/main.ts": ROUTER("two") });
  await until(hi, "two");
  const [changed] = await lines(dev.output, /^dev: crm changed/, 1);
  assert.match(changed!, /^dev: crm changed · 1 of 2 plugins checked in \d+\.\d\d s · serving/);

  // A broken save: its problem with file:line:col, and the last good registry keeps serving.
  tree.write({
    "plugins/crm/plugin.yaml": manifest("crm", "routers:", "  - backend/main.ts:nope"),
    "plugins/crm/backend/main.ts": ROUTER("broken"),
  });
  await lines(dev.output, /still serving the last good registry/, 1);
  assert.match(
    dev.output(),
    /^error +crm .*plugins\/crm\/plugin\.yaml:4:5: routers\[0\]: .*has no export `nope`.*\[router\.export_not_found\]$/m,
  );
  assert.equal(await (await fetch(hi)).text(), "two", "still the last good registry");

  // The mend, with a new route.
  tree.write({
    "plugins/crm/plugin.yaml": manifest("crm", "routers:", "  - backend/main.ts:router"),
    "plugins/crm/backend/main.ts": ROUTER("three", `.get("/new", (c) => c.text("new"))`),
  });
  await until(`${dev.url}/api/crm/new`, "new");
  await until(hi, "three");

  // A new plugin folder is picked up; a removed one is gone.
  tree.write({
    "plugins/sales/plugin.yaml": manifest("sales", "routers:", "  - backend/main.ts:router"),
    "plugins/sales/backend/main.ts": ROUTER("sales"),
  });
  await until(`${dev.url}/api/sales/hi`, "sales");
  rmSync(join(tree.root, "plugins/billing"), { recursive: true });
  await lines(dev.output, /^dev: billing \(removed\) changed/, 1);
  assert.equal((await fetch(`${dev.url}/api/billing/hi`)).status, 404);

  assert.ok(existsSync(join(tree.root, "gen/.build-cache.json")), "the cache sits by the registry");
  const processes = [dev.pid, ...descendants(dev.pid)];
  assert.ok(processes.length >= 3, "deno task, the supervisor, the loop and its server");
  await dev[Symbol.asyncDispose]();
  for (const pid of processes) assert.ok(await exited(pid, 10_000), `process ${pid} ended`);
});

Deno.test("deno task dev restarts its loop when the host's sources change", async () => {
  // A file created and removed in src/ is a change the watchers see that alters no source. The
  // port is fixed so that the fresh loop listens where the first one did.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  using tree = makeTree({
    "plugins/crm/plugin.yaml": manifest("crm", "routers:", "  - backend/main.ts:router"),
    "plugins/crm/backend/main.ts": ROUTER("one"),
  });
  await using dev = await startServer(
    devTask(tree.root, [], { PORT: String(port) }),
    60_000,
  );
  await until(`${dev.url}/api/crm/hi`, "one");
  const probe = join("src", `.dev-test-${Deno.pid}.tmp`);
  try {
    Deno.writeTextFileSync(probe, "");
  } finally {
    rmSync(probe, { force: true });
  }
  await lines(dev.output, /^dev: the host's sources changed: starting a fresh dev loop$/, 1);
  await lines(dev.output, /^dev: listening on http:\/\/localhost:\d+\//, 2);
  await until(`${dev.url}/api/crm/hi`, "one");
});

Deno.test("deno task dev watches a package plugin under node_modules and rebuilds it on save", async () => {
  const pkg = "node_modules/@acme/shop";
  using tree = makeTree({
    "package.json": JSON.stringify({ private: true, dependencies: { "@acme/shop": "*" } }),
    [`${pkg}/package.json`]: JSON.stringify({
      name: "@acme/shop",
      version: "1.0.0",
      type: "module",
      honeyframe: { plugin: "plugin/plugin.yaml" },
    }),
    [`${pkg}/plugin/plugin.yaml`]: manifest("shop", "routers:", "  - router.ts:router"),
    [`${pkg}/plugin/router.ts`]: ROUTER("one"),
  });
  await using dev = await startServer(
    devTask(tree.root),
    60_000,
  );
  const hi = `${dev.url}/api/shop/hi`;
  await until(hi, "one");
  tree.write({ [`${pkg}/plugin/router.ts`]: ROUTER("two") });
  await until(hi, "two").catch((error) => {
    throw new Error(`${error}\n${dev.output()}`);
  });
  await lines(dev.output, /^dev: shop changed · .* serving the new registry/, 1);
});

Deno.test("deno task dev refuses a taken port, a bad PORT and unknown options with one line, exit 2", async () => {
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const cases: [Record<string, string>, string[], RegExp][] = [
    [
      { PORT: String(taken.addr.port) },
      [],
      /^dev: cannot start: port \d+ is already in use; set PORT$/m,
    ],
    [{ PORT: "abc" }, [], /^dev: PORT must be a number from 0 to 65535, not "abc"$/m],
    [{ PORT: "0" }, ["--bogus"], /^dev: Unknown option '--bogus'/m],
  ];
  for (const [env, args, expected] of cases) {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["task", "dev", ...args],
      env: { ...env, HOST: "127.0.0.1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 2, text);
    assert.match(text, expected);
    assert.doesNotMatch(text, /Stack|^ +at /m, "no stack trace");
  }
});
