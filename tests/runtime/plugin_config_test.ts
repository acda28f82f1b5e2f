/**
 * Plugins' settings through the admin API, on a real SQLite store: the four settings of the issue's
 * example, `GET` and `PUT /api/plugins/<name>/config`, validation (422 with the fields), secrets
 * sealed before they reach the store (the database file never holds one in clear), 409 without a
 * secrets key, and the audit row naming the keys only.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Hono } from "hono";
import {
  createApp,
  defineRegistry,
  pluginContext,
  PluginLifecycle,
  StorageConflict,
} from "../../src/runtime/mod.ts";
import { createLogger } from "../../src/log/mod.ts";
import { openSqlStore } from "../../src/state/sql_store.ts";
import { sqliteDriver } from "../../src/state/sqlite_driver.ts";
import { registryOf } from "../helpers/registry.ts";
import { makeTree } from "../helpers/tree.ts";

const TOKEN = "config-admin-token-0123456789abcdef";
const SECRET = "sk_live_do-not-leak-0123456789";
const admin = { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" };

/** The routes of the fixture plugins: what they read of their context. */
const router = () =>
  new Hono()
    .get("/settings", (c) => {
      const ctx = pluginContext(c);
      ctx.log.info("read the settings", { keys: Object.keys(ctx.config).length });
      return c.json(ctx.config);
    })
    .post("/notes/:key", async (c) => {
      const storage = pluginContext(c).storage;
      const version = c.req.query("if");
      try {
        const saved = await storage.set(c.req.param("key"), await c.req.json(), {
          ...(version === undefined ? {} : { ifVersion: version === "absent" ? null : version }),
        });
        return c.json(saved);
      } catch (error) {
        if (error instanceof StorageConflict) return c.json({ conflict: error.message }, 409);
        throw error;
      }
    })
    .get("/notes/:key", async (c) => c.json(await pluginContext(c).storage.get(c.req.param("key"))))
    .get("/notes", async (c) => c.json(await pluginContext(c).storage.list()));

/** The fixture: a data plugin `crm` declaring the four settings, and `finance`. */
function crmRegistry() {
  const [crm, finance] = registryOf({ crm: router(), finance: router() }).plugins;
  return defineRegistry({
    fingerprint: "sha256-handwritten",
    permissions: [],
    plugins: [{
      ...crm!,
      config: {
        api_url: { type: "url", required: true, secret: false, description: "CRM API base URL" },
        api_key: { type: "string", required: true, secret: true },
        pin: { type: "number", required: false, secret: true },
        page_size: { type: "number", required: false, secret: false, default: 50 },
        region: {
          type: "enum",
          required: false,
          secret: false,
          values: ["eu", "us"],
          default: "eu",
        },
      },
    }, finance!],
  });
}

async function serve(database: string, secretsKey?: string) {
  const store = openSqlStore(await sqliteDriver(database), { kind: "sqlite", shared: false });
  const registry = crmRegistry();
  const lifecycle = new PluginLifecycle(registry, await store);
  await lifecycle.ready();
  const lines: string[] = [];
  const app = createApp(registry, {
    adminToken: TOKEN,
    lifecycle,
    log: createLogger({ format: "json", write: (line) => lines.push(line) }),
    ...(secretsKey ? { secretsKey } : {}),
  });
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = admin,
  ) => {
    const response = await app.request(path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  };
  return { call, store: await store, lines };
}

Deno.test("operators set a plugin's settings through the API; secrets are sealed and never shown", async () => {
  using tree = makeTree();
  const database = join(tree.root, "honeyframe.db");
  const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
  const { call, store } = await serve(database, key);

  assert.deepEqual(await call("GET", "/api/plugins/crm/config"), {
    status: 200,
    body: {
      plugin: "crm",
      values: {
        api_url: null,
        api_key: { secret: true, set: false },
        pin: { secret: true, set: false },
        page_size: 50,
        region: "eu",
      },
      missing: ["api_url", "api_key"],
    },
  });
  assert.equal((await call("GET", "/api/plugins/nope/config")).status, 404);
  const strangers: Record<string, string>[] = [
    {},
    { Authorization: "Bearer not-the-admin-token-0123456789" },
  ];
  for (const headers of strangers) {
    assert.equal((await call("GET", "/api/plugins/crm/config", undefined, headers)).status, 401);
    const put = await call("PUT", "/api/plugins/crm/config", { page_size: 1 }, {
      ...headers,
      "Content-Type": "application/json",
    });
    assert.equal(put.status, 401, "only the admin token changes settings through the API");
  }

  const refused = await call("PUT", "/api/plugins/crm/config", {
    api_url: "ftp://files.example.com",
    region: "asia",
    page_size: "50",
    colour: "red",
  });
  assert.equal(refused.status, 422);
  assert.deepEqual(refused.body, {
    error: "invalid_config",
    fields: {
      api_url: "must be a URL (http or https)",
      region: "must be one of eu, us",
      page_size: "must be a number",
      colour: "is not a setting of crm",
    },
  });
  assert.deepEqual((await call("GET", "/api/plugins/crm/config")).body.missing, [
    "api_url",
    "api_key",
  ], "nothing was written");

  const saved = await call("PUT", "/api/plugins/crm/config", {
    api_url: "https://crm.example.com/api",
    api_key: SECRET,
    page_size: 100,
  });
  assert.equal(saved.status, 200);
  assert.deepEqual(saved.body.values, {
    api_url: "https://crm.example.com/api",
    api_key: { secret: true, set: true },
    pin: { secret: true, set: false },
    page_size: 100,
    region: "eu",
  });
  assert.deepEqual(saved.body.missing, []);
  assert.ok(!JSON.stringify(saved.body).includes(SECRET));

  const cleared = await call("PUT", "/api/plugins/crm/config", { page_size: null });
  assert.equal(cleared.body.values.page_size, 50, "back to the default");

  const audit = (await store.recentAudit(10)).filter((event) => event.action === "plugin_config");
  assert.deepEqual(audit.map((event) => [event.target, event.detail]), [
    ["crm", "cleared page_size"],
    ["crm", "set api_url, api_key, page_size"],
  ]);
  await store.close();
  const file = readFileSync(database);
  assert.ok(!file.includes(SECRET), "no secret in clear in the file");
  assert.ok(!file.includes(btoa(SECRET)));
  assert.ok(file.includes("https://crm.example.com/api"), "the file is the one written");
});

Deno.test("without HONEYFRAME_SECRETS_KEY a secret cannot be set; other settings can", async () => {
  using tree = makeTree();
  const { call, store } = await serve(join(tree.root, "honeyframe.db"));
  await using _store = store;
  const refused = await call("PUT", "/api/plugins/crm/config", {
    api_url: "https://crm.example.com",
    api_key: SECRET,
  });
  assert.equal(refused.status, 409);
  assert.equal(refused.body.error, "secrets_key_missing");
  assert.equal((await call("GET", "/api/plugins/crm/config")).body.values.api_url, null);
  const saved = await call("PUT", "/api/plugins/crm/config", {
    api_url: "https://crm.example.com",
  });
  assert.equal(saved.status, 200);
  assert.deepEqual(saved.body.missing, ["api_key"]);
  assert.equal(
    (await call("PUT", "/api/plugins/crm/config", { api_key: null })).status,
    200,
    "clearing needs no key",
  );
});

Deno.test("a plugin answers 503 until its required settings are set, then reads them, its own storage and its logger", async () => {
  using tree = makeTree();
  const database = join(tree.root, "honeyframe.db");
  const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
  const first = await serve(database, key);
  const unconfigured = await first.call("GET", "/api/crm/settings");
  assert.deepEqual([unconfigured.status, unconfigured.body.error, unconfigured.body.missing], [
    503,
    "plugin_not_configured",
    ["api_url", "api_key"],
  ]);
  assert.equal((await first.call("GET", "/api/finance/settings")).status, 200, "declares none");
  const listed = async () =>
    Object.fromEntries(
      (await first.call("GET", "/api/plugins")).body.plugins.map((
        plugin: { name: string; status: string; config_missing: string[] },
      ) => [plugin.name, [plugin.status, plugin.config_missing]]),
    );
  assert.deepEqual(await listed(), {
    crm: ["mounted", ["api_url", "api_key"]],
    finance: ["mounted", []],
  });
  await first.call("PUT", "/api/plugins/crm/config", {
    api_url: "https://crm.example.com/api",
    api_key: SECRET,
    pin: 1234,
    page_size: 25,
  });
  const settings = await first.call("GET", "/api/crm/settings");
  assert.equal(settings.status, 200, "serves at once");
  assert.deepEqual((await listed()).crm, ["mounted", []]);
  assert.deepEqual(settings.body, {
    api_url: "https://crm.example.com/api",
    api_key: SECRET,
    pin: 1234,
    page_size: 25,
    region: "eu",
  }, "a secret keeps its type");
  const logged = first.lines.map((line) => JSON.parse(line)).find((line) =>
    line.msg === "plugin crm: read the settings"
  );
  assert.equal(logged?.plugin, "crm");
  assert.equal(logged?.keys, 5);
  assert.match(String(logged?.request_id), /.+/, "the request id");
  assert.ok(!first.lines.join("\n").includes(SECRET), "the log never holds the secret");

  const saved = await first.call("POST", "/api/crm/notes/greeting?if=absent", { text: "hello" });
  assert.equal(saved.status, 200);
  assert.equal((await first.call("POST", "/api/crm/notes/greeting?if=absent", {})).status, 409);
  assert.equal(
    (await first.call("POST", `/api/crm/notes/greeting?if=${saved.body.version}`, { text: "hi" }))
      .status,
    200,
  );
  assert.equal(
    (await first.call("POST", `/api/crm/notes/greeting?if=${saved.body.version}`, {})).status,
    409,
    "a version changed since is a conflict",
  );
  assert.equal(
    (await first.call("GET", "/api/finance/notes/greeting")).body,
    null,
    "not finance's",
  );
  await first.store.close();

  const restarted = await serve(database, key);
  await using _store = restarted.store;
  assert.deepEqual((await restarted.call("GET", "/api/crm/notes/greeting")).body.value, {
    text: "hi",
  });
  assert.equal((await restarted.call("GET", "/api/crm/settings")).body.api_key, SECRET);
  assert.deepEqual(
    (await restarted.call("GET", "/api/crm/notes")).body.items.map((item: { key: string }) =>
      item.key
    ),
    ["greeting"],
  );
});
