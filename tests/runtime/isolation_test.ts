import assert from "node:assert/strict";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { createApp } from "../../src/runtime/mod.ts";
import { registryOf } from "../helpers/registry.ts";
import { createLogger, SILENT_LOGGER } from "../../src/log/mod.ts";

const TOKEN = "isolation-test-admin-token";

/** Two plugins: `crm` with a guarding middleware and failing routes, `sales` well-behaved. */
function hostWithLog() {
  const lines: string[] = [];
  const crm = new Hono()
    .use("*", async (c, next) => {
      if (c.req.header("x-crm-key") !== "yes") return c.json({ error: "crm says no" }, 403);
      await next();
      c.header("x-crm-middleware", "ran");
      return undefined;
    })
    .get("/ok", (c) => c.text("crm ok"))
    .get("/throws", () => {
      throw new Error(`database exploded at /srv/crm/db.ts with ${TOKEN}`);
    })
    .get("/throws-string", () => {
      throw "a bare string";
    })
    .get("/async-throws", async () => {
      await Promise.resolve();
      throw new TypeError("cannot read properties of undefined");
    })
    .get("/http-exception", () => {
      throw new HTTPException(418, { message: "short and stout" });
    })
    .post("/json", async (c) => c.json(await c.req.json()));
  const sales = new Hono().get("/ok", (c) => c.text("sales ok"));
  const app = createApp(registryOf({ crm, sales }), {
    adminToken: TOKEN,
    log: createLogger({ secrets: [TOKEN], write: (line) => lines.push(line) }),
  });
  return { app, lines };
}

const crmKey = { headers: { "x-crm-key": "yes" } };

Deno.test("a failing plugin handler gives a 500 that names only the plugin, and is logged with its stack", async () => {
  const { app, lines } = hostWithLog();
  for (const path of ["/api/crm/throws", "/api/crm/throws-string", "/api/crm/async-throws"]) {
    const response = await app.request(path, crmKey);
    assert.equal(response.status, 500, path);
    const requestId = response.headers.get("X-Request-Id");
    assert.match(
      requestId ?? "",
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-z]{6,}$/,
      "every response carries a request id",
    );
    assert.deepEqual(await response.json(), {
      error: "plugin_error",
      plugin: "crm",
      request_id: requestId,
      message: "the plugin crm failed to handle the request",
    });
    assert.ok(lines.at(-1)!.includes(`request_id=${requestId} plugin=crm`), "the log has the id");
  }
  assert.equal(lines.length, 3);
  assert.match(
    lines[0]!,
    /^\d{4}-\d\d-\d\dT[\d:.]+Z ERROR plugin crm failed on GET \/api\/crm\/throws .*\nError: database exploded/,
  );
  assert.match(lines[0]!, /\n\s+at /, "the stack is logged");
  assert.match(lines[1]!, /thrown value: a bare string/);
  assert.match(lines[2]!, /TypeError: cannot read properties/);
});

Deno.test("the admin token never reaches the log, even when plugin code puts it in an error", async () => {
  const { app, lines } = hostWithLog();
  await app.request("/api/crm/throws", crmKey);
  assert.equal(lines.length, 1);
  assert.ok(!lines[0]!.includes(TOKEN));
  assert.match(lines[0]!, /\[redacted\]/);
});

Deno.test("an HTTPException from a plugin keeps its status and is not logged as a failure", async () => {
  const { app, lines } = hostWithLog();
  const response = await app.request("/api/crm/http-exception", crmKey);
  assert.equal(response.status, 418);
  assert.equal(await response.text(), "short and stout");
  assert.deepEqual(lines, []);
});

Deno.test("a plugin's middleware applies to its own routes only", async () => {
  const { app } = hostWithLog();
  assert.equal((await app.request("/api/crm/ok")).status, 403, "crm's guard runs on crm routes");
  const allowed = await app.request("/api/crm/ok", crmKey);
  assert.equal(await allowed.text(), "crm ok");
  assert.equal(allowed.headers.get("x-crm-middleware"), "ran");

  const sales = await app.request("/api/sales/ok");
  assert.equal(sales.status, 200, "sales is not guarded by crm");
  assert.equal(sales.headers.get("x-crm-middleware"), null);
  assert.equal((await app.request("/healthz")).status, 200, "the host is not guarded by crm");
  const admin = await app.request("/api/plugins", {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(admin.status, 200);
  assert.equal(admin.headers.get("x-crm-middleware"), null);
});

Deno.test("no error response carries a stack trace or a server path", async () => {
  const { app } = hostWithLog();
  const errorPaths: [string, RequestInit][] = [
    ["/api/plugins", {}],
    ["/api/plugins", { headers: { Authorization: "Bearer wrong" } }],
    ["/api/plugins", { headers: { Authorization: "Basic abc" } }],
    ["/nowhere", {}],
    ["/api/unknown-plugin/x", {}],
    ["/api/crm/ok", {}],
    ["/api/crm/throws", crmKey],
    ["/api/crm/throws-string", crmKey],
    ["/api/crm/async-throws", crmKey],
    ["/api/crm/http-exception", crmKey],
    ["/api/crm/json", {
      method: "POST",
      body: "{not json",
      headers: { "x-crm-key": "yes", "content-type": "application/json" },
    }],
    ["/api/sales/ok", { method: "DELETE" }],
    ["/%E0%A4%A", {}],
  ];
  const closed = createApp(registryOf({}), { log: SILENT_LOGGER });
  for (const [path, init] of errorPaths) {
    for (const target of [app, closed]) {
      const response = await target.request(path, init);
      assert.ok(response.status >= 400, `${path} is an error path (got ${response.status})`);
      const body = await response.text();
      assert.doesNotMatch(
        body,
        /\bat .+:\d+:\d+|\/srv\/|file:\/\/|\/tmp\/|node_modules|\.ts\b/,
        `${path}: ${body}`,
      );
      assert.ok(!body.includes(TOKEN), path);
      assert.ok(!body.includes(Deno.cwd()), path);
    }
  }
});

Deno.test("a plugin router's own onError still handles its errors", async () => {
  const lines: string[] = [];
  const crm = new Hono().get("/oops", () => {
    throw new Error("handled by the plugin");
  });
  crm.onError((error, c) => c.json({ mine: error.message }, 418));
  const app = createApp(registryOf({ crm }), {
    log: createLogger({ write: (line) => lines.push(line) }),
  });
  const response = await app.request("/api/crm/oops");
  assert.deepEqual([response.status, await response.json()], [418, {
    mine: "handled by the plugin",
  }]);
  assert.deepEqual(lines, []);
});
