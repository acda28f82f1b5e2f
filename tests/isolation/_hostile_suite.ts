/**
 * Issue 29's review as customer plugins, shared by the runtimes that isolate them: the plugins
 * (served next to the bundled `_demo`) and the steps every server runtime must pass against them.
 * Built-ins hooked in a worker change nothing of the host's; whatever ends a worker (a throw from a
 * timer, an unhandled rejection, a spin past the time limit) answers that request 500 or 504 and
 * the worker is started again; what ends the plugin process (an allocation past its heap) makes its
 * plugins 503 until it is back; the host and `_demo` answer throughout.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { RunningServer } from "../helpers/process.ts";
import { manifest } from "../helpers/tree.ts";

/** The admin token the suite's servers get. */
export const TOKEN = "isolation-admin-token-0123456789";
/** The plugin time limit the suite's servers get. */
export const TIMEOUT_MS = 1_500;

/** A data plugin with one router module. */
function plugin(name: string, router: string, ...extra: string[]): Record<string, string> {
  return {
    [`data/plugins/${name}/plugin.yaml`]: manifest(name, "routers:", "  - r.ts:router", ...extra),
    [`data/plugins/${name}/r.ts`]: `import { Hono } from "hono";\n${router}`,
  };
}

/** The hostile plugins, as files of the data root. */
export const HOSTILE = {
  ...plugin(
    "hooker",
    `const seen: string[] = [];
Array.prototype.includes = () => true;
Array.prototype.some = () => true;
const subtle = crypto.subtle;
const original = subtle.digest.bind(subtle);
subtle.digest = async (algorithm: AlgorithmIdentifier, data: BufferSource) => {
  seen.push(new TextDecoder().decode(data as ArrayBuffer));
  await original(algorithm, data);
  return new ArrayBuffer(32);
};
export const router = new Hono().get("/seen", (c) => c.json(seen));`,
  ),
  ...plugin(
    "wrecker",
    `import process from "node:process";
let served = 0;
export const router = new Hono()
  .get("/count", (c) => c.json({ served: ++served }))
  .get("/timer-throw", (c) => {
    setTimeout(() => { throw new Error("from a timer"); }, 0);
    return c.text("answered first");
  })
  .get("/reject", (c) => {
    void Promise.reject(new Error("nobody catches this"));
    return c.text("answered first");
  })
  .get("/close", (c) => { (globalThis as { close(): void }).close(); return c.text("closed"); })
  .get("/deno-kill", (c) => { Deno.kill(Deno.pid, "SIGKILL"); return c.text("killed"); })
  .get("/process-kill", (c) => { process.kill(process.pid); return c.text("killed"); })
  .get("/abort", (c) => { process.abort(); return c.text("aborted"); })
  .get("/spin", () => { while (true) { /* spin */ } })
  .get("/stream", (c) => {
    const body = new ReadableStream({
      async start(controller) {
        for (let i = 0; i < 3; i++) {
          controller.enqueue(new TextEncoder().encode("data: " + i + "\\n\\n"));
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        controller.close();
      },
    });
    return new Response(body, { headers: { "Content-Type": "text/event-stream" } });
  })
  .post("/echo", async (c) => c.text(await c.req.text()))
  .get("/fetch", async (c) => {
    try {
      await fetch(c.req.query("url")!, { signal: AbortSignal.timeout(1000) });
      return c.text("reached");
    } catch (error) {
      return c.text("refused: " + (error as Error).name);
    }
  })
  .get("/hog", () => {
    const hoard: string[][] = [];
    while (true) hoard.push(new Array(1e6).fill("x".repeat(16)));
  });`,
  ),
  // The build's import worker has no name; the plugin process names a plugin's worker after it.
  ...plugin(
    "spinner",
    `if ((globalThis as { name?: string }).name === "spinner") while (true) { /* spins */ }
export const router = new Hono();`,
  ),
};

/** What the suite's servers get in their environment (with `DATA_DIR`, absolute). */
export function hostileEnv(dataDir: string): Record<string, string> {
  return {
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    HONEYFRAME_ADMIN_TOKEN: TOKEN,
    HONEYFRAME_PLUGIN_TIMEOUT_MS: String(TIMEOUT_MS),
    HONEYFRAME_PLUGIN_MEMORY_MB: "96",
    HONEYFRAME_PLUGIN_MAX_RESTARTS: "100",
  };
}

/**
 * Runs the attacks, each as a step, against a server of {@link HOSTILE} with {@link hostileEnv}.
 *
 * @param t The test.
 * @param server The running server.
 */
export async function attackIsolatedPlugins(
  t: Deno.TestContext,
  server: RunningServer,
): Promise<void> {
  const get = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${server.url}${path}`, init);
    return { status: response.status, text: await response.text(), response };
  };
  const demoAnswers = async () => assert.equal((await get("/api/_demo/ping")).status, 200);
  /** Waits until the wrecker answers again (its worker or process restarted). */
  const wreckerBack = async () => {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if ((await get("/api/wrecker/count")).status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.fail(`the wrecker did not come back:\n${server.output()}`);
  };

  /** Each plugin as /api/plugins lists it. */
  const listed = async () => {
    const list = JSON.parse(
      (await get("/api/plugins", { headers: { Authorization: `Bearer ${TOKEN}` } })).text,
    ) as {
      plugins: { name: string; status: string; isolation?: string; errors: { code: string }[] }[];
    };
    return new Map(list.plugins.map((plugin) => [plugin.name, plugin]));
  };

  await t.step("the start-up line and /api/plugins say how each plugin runs", async () => {
    await server.printed(/Plugins: 3 isolated in the plugin process/);
    const byName = await listed();
    assert.equal(byName.get("_demo")?.isolation, "in_process");
    assert.equal(byName.get("wrecker")?.isolation, "worker");
    assert.equal(byName.get("spinner")?.status, "mounted", "its worker starts on first use");
  });

  await t.step(
    "an import that spins, on first use: 503 naming the plugin, then error",
    async () => {
      const started = performance.now();
      const first = await get("/api/spinner/anything");
      assert.equal(first.status, 503, first.text);
      assert.equal(JSON.parse(first.text).plugin, "spinner");
      assert.ok(performance.now() - started < TIMEOUT_MS + 1_000, "answered at the time limit");
      await demoAnswers();
      const spinner = (await listed()).get("spinner");
      assert.equal(spinner?.status, "error", "an import that spins is an error");
      assert.equal(spinner?.errors.at(-1)?.code, "plugin.start_failed");
      assert.equal((await get("/api/spinner/anything")).status, 503, "and stays so");
      const audit = JSON.parse(
        (await get("/api/audit", { headers: { Authorization: `Bearer ${TOKEN}` } })).text,
      ).events.filter((event: { action: string }) => event.action === "plugin_start_failed");
      assert.deepEqual(audit.map((event: { target: string }) => event.target), ["spinner"]);
    },
  );

  await t.step("hooked built-ins in a worker open no admin surface and see no token", async () => {
    assert.equal(
      (await get("/api/plugins", { headers: { Authorization: "Bearer x" } })).status,
      401,
    );
    const disable = await get("/api/plugins/_demo/disable", {
      method: "POST",
      headers: { Authorization: "Bearer x" },
    });
    assert.equal(disable.status, 401);
    assert.equal(
      (await get("/api/plugins", { headers: { Authorization: `Bearer ${TOKEN}` } })).status,
      200,
    );
    const seen = await get("/api/hooker/seen");
    assert.equal(seen.status, 200);
    assert.ok(!seen.text.includes(TOKEN), `the plugin saw the admin token: ${seen.text}`);
  });

  await t.step(
    "bodies cross in chunks both ways, and a stream arrives as it is written",
    async () => {
      const big = "y".repeat(3 << 20);
      const echoed = await get("/api/wrecker/echo", { method: "POST", body: big });
      assert.equal(echoed.status, 200);
      assert.equal(echoed.text.length, big.length);
      const stream = await get("/api/wrecker/stream");
      assert.equal(stream.response.headers.get("content-type"), "text/event-stream");
      assert.equal(stream.text, "data: 0\n\ndata: 1\n\ndata: 2\n\n");
    },
  );

  /** The wrecker's crash and restart counters in /metrics. */
  const counters = async () => {
    const text = (await get("/metrics", { headers: { Authorization: `Bearer ${TOKEN}` } })).text;
    const count = (name: string) =>
      Number(new RegExp(`^${name}\\{plugin="wrecker"\\} (\\d+)$`, "m").exec(text)?.[1]);
    return {
      crashes: count("honeyframe_plugin_crashes_total"),
      restarts: count("honeyframe_plugin_restarts_total"),
    };
  };

  for (const path of ["/timer-throw", "/reject"]) {
    await t.step(`${path}: the worker ends, is restarted, and the server goes on`, async () => {
      const before = await counters();
      // The handler answers before its timer or rejection ends the worker: the answer may arrive
      // whole, or be cut off with the worker.
      await fetch(`${server.url}/api/wrecker${path}`).then((r) => r.text()).catch(() => "");
      await demoAnswers();
      let after = await counters();
      for (const deadline = Date.now() + 10_000; after.crashes === before.crashes;) {
        if (Date.now() > deadline) assert.fail(`no crash counted:\n${server.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
        after = await counters();
      }
      await wreckerBack();
      assert.deepEqual(
        [after.crashes - before.crashes, after.restarts - before.restarts],
        [1, 1],
        "/metrics counts the crash and the restart",
      );
    });
  }

  for (const path of ["/close", "/deno-kill", "/process-kill", "/abort"]) {
    await t.step(`${path} is not available to plugin code: 500 naming the plugin`, async () => {
      const answer = await get(`/api/wrecker${path}`);
      assert.equal(answer.status, 500, answer.text);
      assert.equal(JSON.parse(answer.text).plugin, "wrecker");
      await demoAnswers();
      await wreckerBack();
    });
  }

  await t.step(
    "a handler that spins gets 504; the host, _demo and another isolated plugin keep answering throughout",
    async () => {
      const spin = get("/api/wrecker/spin");
      const slowest: number[] = [];
      const until = Date.now() + TIMEOUT_MS + 300;
      while (Date.now() < until) {
        for (const check of [demoAnswers, () => get("/healthz"), () => get("/api/hooker/seen")]) {
          const started = performance.now();
          const answer = await check();
          if (answer) assert.equal(answer.status, 200);
          slowest.push(performance.now() - started);
        }
      }
      const spun = await spin;
      assert.equal(spun.status, 504, spun.text);
      assert.equal(JSON.parse(spun.text).plugin, "wrecker");
      // Anything that waited for the spin would take its whole 1.5 s; half of it leaves room for a
      // loaded machine (a 200 ms bound failed at 211 and 220 ms with the suite running beside it).
      assert.ok(
        Math.max(...slowest) < TIMEOUT_MS / 2,
        `the host paused: ${Math.max(...slowest)} ms (the spin lasts ${TIMEOUT_MS} ms)`,
      );
      await wreckerBack();
    },
  );

  await t.step("fetches to loopback and to the metadata address are refused", async () => {
    for (const url of [`${server.url}/healthz`, "http://169.254.169.254/latest/meta-data/"]) {
      const answer = await get(`/api/wrecker/fetch?url=${encodeURIComponent(url)}`);
      assert.equal(answer.status, 200);
      assert.match(answer.text, /^refused: /, `${url}: ${answer.text}`);
    }
  });

  await t.step(
    "an allocation past the heap limit ends the plugin process: 503, then back",
    async () => {
      const hog = await get("/api/wrecker/hog");
      assert.ok([500, 503, 504].includes(hog.status), `${hog.status} ${hog.text}`);
      await demoAnswers();
      assert.equal(
        (await get("/api/plugins", { headers: { Authorization: `Bearer ${TOKEN}` } })).status,
        200,
      );
      await wreckerBack();
      assert.match(server.output(), /the plugin process ended/);
    },
  );
}
