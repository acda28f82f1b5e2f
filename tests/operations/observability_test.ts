/**
 * What an operator sees of a running host, in process: request ids, the access log as JSON lines,
 * per-plugin metrics that match the requests sent (checked by `promtool check metrics`), who may
 * read them, the probes, the 504 of a plugin that never answers, and plugin health.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { createLogger } from "../../src/log/mod.ts";
import { createApp, type HealthCheck, PluginLifecycle } from "../../src/runtime/mod.ts";
import { MemoryStore } from "../../src/state/mod.ts";
import { HOST_VERSION } from "../../src/runtime/version.ts";
import { registryOf } from "../helpers/registry.ts";
import { needs } from "../helpers/system_tools.ts";

const ADMIN = "observability-admin-token";
const METRICS = "observability-metrics-token";
const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

function host(options: { health?: Record<string, HealthCheck[]>; timeoutMs?: number } = {}) {
  const lines: string[] = [];
  const crm = new Hono()
    .get("/ok", (c) => c.json({ ok: true }))
    .get("/missing", (c) => c.json({ error: "nope" }, 404))
    .get("/throws", () => {
      throw new Error(`boom with ${ADMIN}`);
    })
    .get("/slow", async (c) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return c.text("slow");
    });
  const hang = new Hono().get("/forever", () => new Promise<Response>(() => {}));
  const registry = registryOf({ crm, hang }, options.health);
  const lifecycle = new PluginLifecycle(registry, new MemoryStore());
  const app = createApp(registry, {
    adminToken: ADMIN,
    metricsToken: METRICS,
    accessLog: true,
    lifecycle,
    pluginTimeoutMs: options.timeoutMs ?? 200,
    log: createLogger({ format: "json", secrets: [ADMIN], write: (line) => lines.push(line) }),
  });
  return { app, lines, lifecycle };
}

/** The value of one sample of the exposition text, by its name and labels as written. */
function sample(text: string, series: string): number {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  assert.ok(line, `no sample ${series}`);
  return Number(line.slice(series.length + 1));
}

async function promtool(text: string): Promise<{ code: number; output: string }> {
  const child = new Deno.Command("promtool", {
    args: ["check", "metrics"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  const decoder = new TextDecoder();
  return { code, output: decoder.decode(stdout) + decoder.decode(stderr) };
}

Deno.test("every response carries an X-Request-Id; a sane incoming one is kept, others replaced", async () => {
  const { app } = host();
  const ids = new Set<string | null>();
  for (const path of ["/healthz", "/api/crm/ok", "/no/such/route", "/api/plugins", "/api/crm/ok"]) {
    const id = (await app.request(path)).headers.get("X-Request-Id");
    assert.match(id ?? "", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-z]{6,}$/, path);
    ids.add(id);
  }
  assert.equal(ids.size, 5, "each request has its own id");
  const other = host().app;
  const prefix = (id: string | null) => id?.slice(0, 13);
  assert.notEqual(
    prefix((await other.request("/healthz")).headers.get("X-Request-Id")),
    prefix([...ids][0]!),
    "instances do not share ids",
  );
  const kept = await app.request("/api/crm/ok", { headers: { "X-Request-Id": "lb-7f3a_9=" } });
  assert.equal(kept.headers.get("X-Request-Id"), "lb-7f3a_9=");
  for (const insane of ["a b", "x".repeat(129), "<script>", "id\u00e9"]) {
    const response = await app.request("/api/crm/ok", { headers: { "X-Request-Id": insane } });
    assert.match(
      response.headers.get("X-Request-Id") ?? "",
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-z]{6,}$/,
      insane,
    );
  }
});

Deno.test("the access log is one JSON object per request, with id, method, path, status, duration and plugin", async () => {
  const { app, lines } = host();
  const response = await app.request("/api/crm/ok", { headers: { "X-Request-Id": "req-1" } });
  await app.request("/healthz");
  const records = lines.map((line) => JSON.parse(line));
  const access = records.find((record) => record.request_id === "req-1");
  assert.deepEqual(Object.keys(access).sort(), [
    "duration_ms",
    "level",
    "method",
    "msg",
    "path",
    "plugin",
    "request_id",
    "status",
    "time",
  ]);
  assert.equal(response.status, 200);
  assert.equal(access.level, "info");
  assert.equal(access.method, "GET");
  assert.equal(access.path, "/api/crm/ok");
  assert.equal(access.status, 200);
  assert.equal(access.plugin, "crm");
  assert.equal(typeof access.duration_ms, "number");
  assert.ok(!Number.isNaN(Date.parse(access.time)));
  const probe = records.find((record) => record.path === "/healthz");
  assert.equal(probe.plugin, undefined, "host routes name no plugin");
});

Deno.test("a plugin failure is one JSON error line with the request id, the plugin and the stack, secrets redacted", async () => {
  const { app, lines } = host();
  const response = await app.request("/api/crm/throws", { headers: { "X-Request-Id": "req-2" } });
  const body = await response.json();
  assert.equal(response.status, 500);
  assert.equal(body.request_id, "req-2");
  const failure = lines.map((line) => JSON.parse(line)).find((record) => record.level === "error");
  assert.equal(failure.request_id, "req-2");
  assert.equal(failure.plugin, "crm");
  assert.equal(failure.error.name, "Error");
  assert.match(failure.error.stack, /\n\s+at /);
  assert.ok(!lines.join("\n").includes(ADMIN), "the admin token is never logged");
  assert.match(failure.error.message, /boom with \[redacted\]/);
});

Deno.test("a handler that never answers gets 504 plugin_timeout with the request id, and is counted", async () => {
  const { app } = host({ timeoutMs: 100 });
  const response = await app.request("/api/hang/forever", { headers: { "X-Request-Id": "req-3" } });
  assert.equal(response.status, 504);
  assert.deepEqual(await response.json(), {
    error: "plugin_timeout",
    plugin: "hang",
    request_id: "req-3",
    message: "the plugin hang did not answer within 100 ms",
  });
  const metrics = await (await app.request("/metrics", bearer(ADMIN))).text();
  assert.equal(
    sample(metrics, 'honeyframe_plugin_failures_total{plugin="hang",kind="timeout"}'),
    1,
  );
  assert.equal(sample(metrics, 'honeyframe_plugin_requests_total{plugin="hang",class="5xx"}'), 1);
});

Deno.test("metrics count exactly the requests sent, per plugin and status class", async () => {
  const { app, lifecycle } = host();
  const sent = { ok: 7, missing: 3, throws: 2, slow: 4 };
  for (const [route, count] of Object.entries(sent)) {
    for (let index = 0; index < count; index++) await app.request(`/api/crm/${route}`);
  }
  await lifecycle.setEnabled("hang", false, "admin");
  await app.request("/api/hang/forever"); // disabled: 404 from the host, not the plugin's
  const response = await app.request("/metrics", bearer(METRICS));
  assert.equal(response.status, 200);
  assert.match(response.headers.get("Content-Type") ?? "", /^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  const crm = (series: string, labels = "") => sample(text, `${series}{plugin="crm"${labels}}`);
  assert.equal(crm("honeyframe_plugin_requests_total", ',class="2xx"'), sent.ok + sent.slow);
  assert.equal(crm("honeyframe_plugin_requests_total", ',class="4xx"'), sent.missing);
  assert.equal(crm("honeyframe_plugin_requests_total", ',class="5xx"'), sent.throws);
  assert.equal(crm("honeyframe_plugin_failures_total", ',kind="exception"'), sent.throws);
  assert.equal(crm("honeyframe_plugin_failures_total", ',kind="timeout"'), 0);
  const total = sent.ok + sent.missing + sent.throws + sent.slow;
  assert.equal(crm("honeyframe_plugin_request_duration_seconds_count"), total);
  assert.equal(crm("honeyframe_plugin_request_duration_seconds_bucket", ',le="+Inf"'), total);
  assert.ok(crm("honeyframe_plugin_request_duration_seconds_bucket", ',le="0.025"') <= total - 4);
  assert.ok(crm("honeyframe_plugin_request_duration_seconds_sum") >= 0.03 * sent.slow);
  assert.equal(
    sample(text, 'honeyframe_plugin_requests_total{plugin="hang",class="4xx"}'),
    0,
    "a disabled plugin's 404 is the host's",
  );
  assert.equal(
    sample(text, 'honeyframe_plugin_status{plugin="hang",source="data",status="disabled"}'),
    1,
  );
  assert.equal(
    sample(text, 'honeyframe_plugin_status{plugin="crm",source="data",status="mounted"}'),
    1,
  );
  const { version } = JSON.parse(Deno.readTextFileSync("package.json"));
  assert.equal(HOST_VERSION, version, "src/runtime/version.ts follows package.json");
  assert.equal(
    sample(text, `honeyframe_build_info{version="${version}",fingerprint="sha256-handwritten"}`),
    1,
  );
});

Deno.test("the metrics pass promtool check metrics", needs("promtool"), async () => {
  const { app } = host();
  for (const route of ["ok", "missing", "throws", "slow"]) await app.request(`/api/crm/${route}`);
  await app.request("/api/hang/forever");
  const text = await (await app.request("/metrics", bearer(ADMIN))).text();
  const checked = await promtool(text);
  assert.equal(checked.code, 0, checked.output);
  assert.equal(checked.output.trim(), "", "no lint findings");
});

Deno.test("promtool catches a broken exposition (the check bites)", needs("promtool"), async () => {
  const checked = await promtool('# TYPE x counter\nx{a="1"} one\n');
  assert.notEqual(checked.code, 0);
});

Deno.test("/metrics needs the admin or the metrics token; the metrics token opens nothing else", async () => {
  const { app } = host();
  assert.equal((await app.request("/metrics")).status, 401);
  assert.equal((await app.request("/metrics", bearer("wrong-token-wrong-token"))).status, 401);
  assert.equal((await app.request("/metrics", bearer(ADMIN))).status, 200);
  assert.equal((await app.request("/metrics", bearer(METRICS))).status, 200);
  assert.equal((await app.request("/api/plugins", bearer(METRICS))).status, 401);
  const closed = createApp(registryOf({}), { log: createLogger({ write: () => {} }) });
  assert.equal((await closed.request("/metrics")).status, 401, "closed without any token");
});

Deno.test("/livez always answers; /readyz answers 200 once the state is loaded and the store answers, 503 otherwise", async () => {
  const registry = registryOf({});
  const store = new MemoryStore();
  const lifecycle = new PluginLifecycle(registry, store);
  const lines: string[] = [];
  const app = createApp(registry, {
    lifecycle,
    log: createLogger({ write: (line) => lines.push(line) }),
  });
  assert.equal((await app.request("/livez")).status, 200);
  const early = await app.request("/readyz");
  assert.equal(early.status, 503);
  assert.deepEqual(await early.json(), {
    status: "unavailable",
    reason: "the plugin state is not loaded yet",
  });
  await lifecycle.ready();
  assert.deepEqual(await (await app.request("/readyz")).json(), {
    status: "ready",
    store: "memory",
  });
  store.ping = () => Promise.reject(new Error("connection refused at 10.0.0.5"));
  const down = await app.request("/readyz");
  assert.equal(down.status, 503);
  assert.deepEqual(await down.json(), {
    status: "unavailable",
    reason: "the state store (memory) does not answer",
  });
  await app.request("/readyz");
  assert.equal(lines.filter((line) => line.includes("not ready")).length, 1, "logged once");
  assert.match(lines.join("\n"), /connection refused at 10\.0\.0\.5/, "the cause goes to the log");
  store.ping = () => Promise.resolve();
  assert.equal((await app.request("/readyz")).status, 200);
  assert.match(lines.at(-1) ?? "", /INFO ready again: the state store \(memory\) answers/);
  assert.deepEqual(await (await app.request("/healthz")).json(), { status: "ok" });
});

Deno.test("GET /api/plugins/<name>/health runs the plugin's health() with a time limit", async () => {
  let database = true;
  const { app, lifecycle } = host({
    health: {
      crm: [() => ({ ok: database, detail: database ? "db answers" : "db refused" })],
      hang: [() => new Promise(() => {}), () => ({ ok: true })],
    },
  });
  const health = (name: string) => app.request(`/api/plugins/${name}/health`, bearer(ADMIN));
  const ok = await health("crm");
  assert.equal(ok.status, 200);
  assert.deepEqual(
    { ...await ok.json(), duration_ms: 0 },
    { plugin: "crm", status: "ok", ok: true, detail: "db answers", duration_ms: 0 },
  );
  database = false;
  const failing = await health("crm");
  assert.equal(failing.status, 503);
  assert.equal((await failing.json()).detail, "db refused");
  const started = Date.now();
  const hung = await (await health("hang")).json();
  assert.ok(Date.now() - started < 4000, "bounded by the 2 s limit");
  assert.equal(hung.status, "failing");
  assert.match(hung.detail, /did not answer within 2000 ms/);
  await lifecycle.setEnabled("hang", false, "admin");
  assert.equal((await (await health("hang")).json()).status, "disabled");
  assert.equal((await health("nobody")).status, 404);
  assert.equal((await app.request("/api/plugins/crm/health")).status, 401);
});

Deno.test("a health() that throws, answers nonsense or is missing is reported, never fatal", async () => {
  const { app } = host({
    health: {
      crm: [() => {
        throw new TypeError("no pool");
      }, () => ({ fine: "yes" }) as never],
    },
  });
  const crm = await (await app.request("/api/plugins/crm/health", bearer(ADMIN))).json();
  assert.equal(crm.status, "failing");
  assert.match(crm.detail, /health\(\) failed: TypeError: no pool/);
  assert.match(crm.detail, /did not return \{ ok: boolean/);
  const hang = await (await app.request("/api/plugins/hang/health", bearer(ADMIN))).json();
  assert.deepEqual(hang, {
    plugin: "hang",
    status: "unchecked",
    ok: null,
    detail: "the plugin's router modules export no health()",
    duration_ms: 0,
  });
});
