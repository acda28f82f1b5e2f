/**
 * The Cloudflare D1 state store, in workerd through Miniflare: the conformance suite on a D1
 * database, and the worker bundle on persisted D1 data (a disable survives a restart, two
 * instances converge).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Miniflare } from "npm:miniflare@4.20260426.0";
import { type D1Database, openStore, openWorkerStore } from "../../src/state/mod.ts";
import { bundle } from "../../src/build/bundle.ts";
import { stateStoreConformance } from "./conformance.ts";

const TOKEN = "d1-test-admin-token";
const COMPATIBILITY_DATE = "2026-04-01";

Deno.test("the D1 store passes the state store conformance suite in workerd", async (t) => {
  const miniflare = new Miniflare({
    modules: true,
    script: "export default { fetch: () => new Response(null, { status: 204 }) };",
    compatibilityDate: COMPATIBILITY_DATE,
    d1Databases: ["HONEYFRAME_D1"],
  });
  try {
    const database = await miniflare.getD1Database("HONEYFRAME_D1") as unknown as D1Database;
    await stateStoreConformance(t, async () => {
      // Each case starts on an empty database: every table of the case before is dropped.
      const { results } = await database.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
      ).all<{ name: string }>();
      for (const { name } of results) await database.prepare(`DROP TABLE "${name}"`).all();
      const store = await openStore({ kind: "d1", database });
      assert.equal(store.kind, "d1");
      assert.equal(store.shared, true);
      return store;
    });
  } finally {
    await miniflare.dispose();
  }
});

Deno.test("the worker bundle keeps its state in D1: a disable survives a restart and reaches a second instance", async () => {
  const dir = mkdtempSync(join(tmpdir(), "honeyframe-d1-"));
  const worker = join(dir, "worker.js");
  bundle({ entry: resolve("main_worker.ts"), output: worker });
  const persist = join(dir, "d1");
  const start = async () => {
    const miniflare = new Miniflare({
      modules: true,
      scriptPath: worker,
      modulesRoot: dir,
      compatibilityDate: COMPATIBILITY_DATE,
      bindings: { HONEYFRAME_ADMIN_TOKEN: TOKEN },
      d1Databases: ["HONEYFRAME_D1"],
      d1Persist: persist,
    });
    await miniflare.ready;
    return miniflare;
  };
  const call = async (miniflare: Miniflare, path: string, method = "GET") => {
    const response = await miniflare.dispatchFetch(`http://localhost${path}`, {
      method,
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    return { status: response.status, body: await response.json() as Record<string, unknown> };
  };
  const ping = async (miniflare: Miniflare) => (await call(miniflare, "/api/_demo/ping")).status;
  try {
    const one = await start();
    const other = await start();
    try {
      assert.equal(await ping(one), 200);
      assert.equal(await ping(other), 200, "the second instance has read the state: enabled");

      assert.equal((await call(one, "/api/plugins/_demo/disable", "POST")).status, 200);
      assert.equal(await ping(one), 404);
      const disabledAt = Date.now();
      while (await ping(other) === 200) {
        assert.ok(Date.now() - disabledAt < 5_000, "the second instance converges within 5 s");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const seenAfter = Date.now() - disabledAt;
      assert.ok(
        seenAfter >= 1_000,
        `read again only once stale, not on every request (${seenAfter} ms)`,
      );
    } finally {
      await one.dispose();
      await other.dispose();
    }

    const restarted = await start();
    try {
      assert.equal(await ping(restarted), 404, "still disabled after a restart");
      const audit = await call(restarted, "/api/audit?limit=5");
      const events = audit.body.events as { action: string; target?: string; outcome: string }[];
      assert.ok(
        events.some((event) =>
          event.action === "disable" && event.target === "_demo" && event.outcome === "success"
        ),
        JSON.stringify(events),
      );
      assert.equal((await call(restarted, "/api/plugins/_demo/enable", "POST")).status, 200);
      assert.equal(await ping(restarted), 200);
    } finally {
      await restarted.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

Deno.test("a HONEYFRAME_D1 binding that is not a D1 database answers 500 misconfigured", async () => {
  const dir = mkdtempSync(join(tmpdir(), "honeyframe-d1-"));
  const worker = join(dir, "worker.js");
  bundle({ entry: resolve("main_worker.ts"), output: worker });
  try {
    const miniflare = new Miniflare({
      modules: true,
      scriptPath: worker,
      modulesRoot: dir,
      compatibilityDate: COMPATIBILITY_DATE,
      bindings: { HONEYFRAME_ADMIN_TOKEN: TOKEN, HONEYFRAME_D1: "not a database" },
    });
    try {
      const response = await miniflare.dispatchFetch("http://localhost/api/_demo/ping");
      assert.equal(response.status, 500);
      assert.equal((await response.json() as { error: string }).error, "misconfigured");
    } finally {
      await miniflare.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

Deno.test("HONEYFRAME_STORE=d1 outside a Worker stops the Deno server with one line", async () => {
  const dir = mkdtempSync(join(tmpdir(), "honeyframe-d1-"));
  try {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", resolve("main.ts")],
      env: { PATH: Deno.env.get("PATH") ?? "", DATA_DIR: dir, PORT: "0", HONEYFRAME_STORE: "d1" },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 1);
    const lines =
      (new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr))
        .trim().split("\n");
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(
      lines[0]!,
      /cannot start: the state store: HONEYFRAME_STORE=d1 needs a Cloudflare D1 binding named HONEYFRAME_D1 \(Workers only\)/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

Deno.test("a Worker refuses the stores it cannot run, naming the ones it can", async () => {
  for (const store of ["postgres", "sqlite", "denokv"]) {
    await assert.rejects(
      openWorkerStore(
        { HONEYFRAME_STORE: store, HONEYFRAME_DATABASE_URL: "postgres://db/hf" },
        undefined,
      ),
      new RegExp(
        `HONEYFRAME_STORE=${store} cannot run in a Worker: use d1 \\(a HONEYFRAME_D1 binding\\) or memory`,
      ),
    );
  }
  assert.equal((await openWorkerStore({}, undefined)).kind, "memory");
});
