/**
 * Dependencies at run time: the registry lists plugins after what they require, a plugin that
 * enabled plugins require is disabled only with `?cascade=true`, and a plugin is enabled only while
 * what it requires is; each change and refusal audited.
 */
import assert from "node:assert/strict";
import { createApp, PluginLifecycle } from "../../src/runtime/mod.ts";
import { MemoryStore } from "../../src/state/mod.ts";
import { loadRegistry } from "../helpers/build.ts";
import { makeTree } from "../helpers/tree.ts";
import { csrfOf, form, ORIGIN, signInWith } from "../helpers/admin_forms.ts";

const TOKEN = "dependencies-admin-token-01";
const AUTH = { Authorization: `Bearer ${TOKEN}` };

function tree() {
  const plugin = (name: string, requires: string[]) => ({
    [`plugins/${name}/plugin.yaml`]: [
      `name: ${name}`,
      "version: 1.2.0",
      ...(requires.length
        ? ["requires:", "  plugins:", ...requires.map((r) => `    ${r}: ^1.0.0`)]
        : []),
      "",
    ].join("\n"),
  });
  return makeTree({
    ...plugin("report", ["billing"]),
    ...plugin("app", ["crm"]),
    ...plugin("crm", ["billing"]),
    ...plugin("billing", []),
    ...plugin("solo", []),
  });
}

Deno.test("disabling a required plugin is refused, or cascades; enabling needs what it requires", async () => {
  using plugins = tree();
  const registry = await loadRegistry(plugins.root);
  const store = new MemoryStore();
  const app = createApp(registry, {
    adminToken: TOKEN,
    lifecycle: new PluginLifecycle(registry, store),
  });
  const post = (path: string) =>
    app.request(`/api/plugins/${path}`, { method: "POST", headers: AUTH });

  const listed = await (await app.request("/api/plugins", { headers: AUTH })).json();
  assert.deepEqual(
    listed.plugins.map((item: { name: string }) => item.name),
    ["billing", "crm", "app", "report", "solo"],
    "each after what it requires, ties by name",
  );
  const billing = listed.plugins[0];
  assert.deepEqual([billing.requires, billing.dependents], [null, ["crm", "report"]]);
  assert.deepEqual(listed.plugins[2].requires, { host: null, plugins: { crm: "^1.0.0" } });

  const refused = await post("billing/disable");
  assert.equal(refused.status, 409);
  const body = await refused.json();
  assert.deepEqual([body.error, body.dependents], ["has_dependents", ["app", "crm", "report"]]);
  assert.equal(await (await app.request("/api/billing/x")).status, 404, "unknown route");

  const cascaded = await post("billing/disable?cascade=true");
  assert.equal(cascaded.status, 200);
  assert.deepEqual(await cascaded.json(), {
    name: "billing",
    status: "disabled",
    also_disabled: ["app", "crm", "report"],
  });
  const statuses = async () =>
    Object.fromEntries(
      (await (await app.request("/api/plugins", { headers: AUTH })).json()).plugins.map(
        (item: { name: string; status: string }) => [item.name, item.status],
      ),
    );
  assert.deepEqual(await statuses(), {
    billing: "disabled",
    crm: "disabled",
    app: "disabled",
    report: "disabled",
    solo: "mounted",
  });

  const blocked = await post("crm/enable");
  assert.equal(blocked.status, 409);
  const blockedBody = await blocked.json();
  assert.deepEqual([blockedBody.error, blockedBody.dependencies], ["dependency_disabled", [
    "billing",
  ]]);
  assert.equal((await post("billing/enable")).status, 200);
  assert.equal((await post("crm/enable")).status, 200);
  assert.equal((await post("app/enable")).status, 200);
  assert.equal((await post("crm/disable")).status, 409, "app still requires crm");
  assert.equal((await post("report/disable")).status, 200, "nothing requires report");

  const events = (await store.recentAudit(50)).reverse().filter((event) =>
    event.action === "enable" || event.action === "disable"
  ).map((event) => [event.action, event.target, event.outcome, event.detail ?? ""]);
  assert.deepEqual(events, [
    ["disable", "billing", "failure", "required by app, crm, report"],
    ["disable", "report", "success", "cascade: requires billing"],
    ["disable", "app", "success", "cascade: requires billing"],
    ["disable", "crm", "success", "cascade: requires billing"],
    ["disable", "billing", "success", ""],
    ["enable", "crm", "failure", "requires billing (disabled)"],
    ["enable", "billing", "success", ""],
    ["enable", "crm", "success", ""],
    ["enable", "app", "success", ""],
    ["disable", "crm", "failure", "required by app"],
    ["disable", "report", "success", ""],
  ]);
});

Deno.test("the Plugins page and a plugin's page show what it requires and what requires it", async () => {
  using plugins = tree();
  const registry = await loadRegistry(plugins.root);
  const app = createApp(registry, {
    adminToken: TOKEN,
    lifecycle: new PluginLifecycle(registry, new MemoryStore()),
  });
  const cookie = await signInWith(app, TOKEN);
  const page = async (path: string) =>
    await (await app.request(`${ORIGIN}${path}`, { headers: { cookie } })).text();
  const list = await page("/admin/plugins");
  assert.match(list, /billing<\/a><div class="meta">required by crm, report<\/div>/);
  assert.match(list, /crm<\/a><div class="meta">requires billing · required by app<\/div>/);
  const crm = await page("/admin/plugins/crm");
  assert.match(
    crm,
    /<dt>Requires<\/dt><dd><div><a href="\/admin\/plugins\/billing">billing<\/a> <code>\^1\.0\.0<\/code><\/div><\/dd>/,
  );
  assert.match(crm, /<dt>Required by<\/dt><dd><a href="\/admin\/plugins\/app">app<\/a><\/dd>/);
  const csrf = await csrfOf(app, cookie);
  const refused = await app.request(
    `${ORIGIN}/admin/plugins/billing/disable`,
    form({ csrf }, cookie),
  );
  assert.equal(refused.status, 409);
  assert.equal(
    await refused.text(),
    "Enabled plugins require billing: app, crm, report. Disable them first.",
  );
});
