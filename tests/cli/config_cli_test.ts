/**
 * `plugins config get|set|unset`, `plugins secrets rotate` and `plugins uninstall --purge` on a
 * real SQLite state store (the one `DATA_DIR` names, as the server would open it): values read as
 * their declared types, a secret only from standard input and never in the database file in clear,
 * invalid values refused with the plugin and field, a rotation that leaves every secret readable
 * under the new key only, and a purge that deletes settings and storage.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cli, treeFlags } from "../helpers/cli.ts";
import { makeTree, manifest, pingRouter } from "../helpers/tree.ts";
import { openStore } from "../../src/state/mod.ts";
import { importSecretsKey, PluginConfigs } from "../../src/runtime/mod.ts";

const KEY = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));
const NEXT_KEY = btoa(String.fromCharCode(...new Uint8Array(32).fill(9)));
const SECRET = "sk_live_cli-secret-0123456789";

function crmTree() {
  return makeTree({
    "data/plugins/crm/plugin.yaml": manifest(
      "crm",
      "routers:",
      "  - backend/routers/main.ts:router",
      "config:",
      "  api_url: { type: url, required: true }",
      "  api_key: { type: string, secret: true, required: true }",
      "  page_size: { type: number, default: 50 }",
      "  region: { type: enum, values: [eu, us], default: eu }",
    ),
    "data/plugins/crm/backend/routers/main.ts": pingRouter("crm"),
  });
}

/** What the plugin reads: the settings opened with `key`, straight from the database file. */
async function readAs(root: string, key: string) {
  const store = await openStore({ kind: "sqlite", path: join(root, "data/honeyframe.db") });
  try {
    const config = {
      name: "crm",
      status: "mounted" as const,
      config: {
        api_key: { type: "string" as const, secret: true, required: true },
        page_size: { type: "number" as const, default: 50, secret: false, required: false },
      },
    };
    return await new PluginConfigs(store, { plugins: [config] }, importSecretsKey(key))
      .values("crm");
  } finally {
    await store.close();
  }
}

Deno.test("plugins config and secrets rotate work on the server's state store", async (t) => {
  using tree = crmTree();
  const flags = treeFlags(tree.root);
  const env = { HONEYFRAME_SECRETS_KEY: KEY };

  await t.step("get shows each setting, the defaults and what is missing", async () => {
    const run = await cli(["config", "get", "crm", ...flags], env);
    assert.equal(run.code, 0, run.err.join("\n"));
    assert.match(run.out.join("\n"), /page_size\s+number\s+50/);
    assert.match(run.out.join("\n"), /api_key\s+string, required\s+\(secret, not set\)/);
    assert.match(run.out.at(-1)!, /^missing: api_url, api_key$/);
  });

  await t.step("a bad value is refused with the plugin and field, and nothing is set", async () => {
    const run = await cli(
      ["config", "set", "crm", "api_url=not a url", "page_size=12", ...flags],
      env,
    );
    assert.equal(run.code, 1);
    assert.ok(run.err.some((line) => /^error: crm: config\.api_url: /.test(line)), run.err[0]);
    const json = await cli(["config", "get", "crm", "--json", ...flags], env);
    assert.equal(JSON.parse(json.out.join("\n")).values.page_size, 50);
  });

  await t.step("a secret is refused on the command line", async () => {
    const run = await cli(["config", "set", "crm", `api_key=${SECRET}`, ...flags], env);
    assert.equal(run.code, 1);
    assert.match(run.err.join("\n"), /api_key is a secret: give it on standard input/);
  });

  await t.step("set reads types, and a secret from standard input", async () => {
    const run = await cli(
      [
        "config",
        "set",
        "crm",
        "api_url=https://crm.example/api",
        "page_size=20",
        "--secret",
        "api_key",
        ...flags,
      ],
      env,
      `${SECRET}\n`,
    );
    assert.equal(run.code, 0, run.err.join("\n"));
    assert.match(run.out[0]!, /crm: set api_url, page_size, api_key in sqlite/);
    const view = JSON.parse(
      (await cli(["config", "get", "crm", "--json", ...flags], env)).out.join("\n"),
    );
    assert.deepEqual(view.values, {
      api_url: "https://crm.example/api",
      api_key: { secret: true, set: true },
      page_size: 20,
      region: "eu",
    });
    assert.deepEqual(view.missing, []);
    assert.deepEqual((await readAs(tree.root, KEY)).values, { api_key: SECRET, page_size: 20 });
    const file = readFileSync(join(tree.root, "data/honeyframe.db"));
    assert.equal(file.includes(SECRET), false, "the database file holds the secret in clear");
  });

  await t.step("without the key, a secret cannot be set", async () => {
    const run = await cli(["config", "set", "crm", "--secret", "api_key", ...flags], {}, "x\n");
    assert.equal(run.code, 1);
    assert.match(run.err.join("\n"), /secret settings need HONEYFRAME_SECRETS_KEY/);
  });

  await t.step("rotate seals every secret under the new key, and can run again", async () => {
    const run = await cli(["secrets", "rotate", ...flags], env, `${NEXT_KEY}\n`);
    assert.equal(run.code, 0, run.err.join("\n"));
    assert.match(run.out[0]!, /^sealed 1 secrets under the new key/);
    assert.equal((await readAs(tree.root, NEXT_KEY)).values.api_key, SECRET);
    const underOldKey = await readAs(tree.root, KEY);
    assert.equal(underOldKey.values.api_key, undefined);
    assert.deepEqual(underOldKey.missing, ["api_key"], "under the old key, the secret is missing");
    const again = await cli(["secrets", "rotate", ...flags], env, `${NEXT_KEY}\n`);
    assert.equal(again.code, 0, again.err.join("\n"));
    assert.match(again.out[0]!, /^sealed 0 secrets/);
    const badKey = await cli(["secrets", "rotate", ...flags], env, "c2hvcnQ=\n");
    assert.equal(badKey.code, 1);
    assert.match(badKey.err.join("\n"), /the new key: it is 5 bytes, not 32/);
  });

  await t.step("unset clears, and the audit log names the keys only", async () => {
    const run = await cli(["config", "unset", "crm", "page_size", ...flags], {
      HONEYFRAME_SECRETS_KEY: NEXT_KEY,
    });
    assert.equal(run.code, 0, run.err.join("\n"));
    const store = await openStore({ kind: "sqlite", path: join(tree.root, "data/honeyframe.db") });
    try {
      const audit = await store.recentAudit(10);
      assert.deepEqual(
        audit.map((event) => [event.actor, event.action, event.target, event.detail]),
        [
          ["cli", "plugin_config", "crm", "cleared page_size"],
          ["cli", "plugin_config", "crm", "sealed under a new key: api_key"],
          ["cli", "plugin_config", "crm", "set api_url, page_size, api_key"],
        ],
      );
      assert.equal(JSON.stringify(audit).includes(SECRET), false);
    } finally {
      await store.close();
    }
  });

  await t.step("uninstall --purge deletes its settings and storage", async () => {
    const store = await openStore({ kind: "sqlite", path: join(tree.root, "data/honeyframe.db") });
    await store.putRecord("crm", "storage", "customer/1", '{"name":"Ada"}');
    await store.close();
    const run = await cli(["uninstall", "crm", "--purge", "--json", ...flags], env);
    assert.equal(run.code, 0, run.err.join("\n"));
    const outcome = JSON.parse(run.out.join("\n"));
    assert.equal(outcome.action, "uninstalled");
    assert.equal(outcome.purged, 3, "api_url, api_key and the stored customer");
    const after = await openStore({ kind: "sqlite", path: join(tree.root, "data/honeyframe.db") });
    try {
      assert.deepEqual(await after.listRecords("crm", "storage", { limit: 10 }), []);
      assert.deepEqual(await after.listRecords("crm", "config", { limit: 10 }), []);
    } finally {
      await after.close();
    }
  });
});

Deno.test("the config verbs refuse what they cannot do, naming it", async () => {
  using tree = crmTree();
  const flags = treeFlags(tree.root);
  const unknown = await cli(["config", "get", "crn", ...flags]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.err.join("\n"), /no plugin is called crn/);
  const action = await cli(["config", "gte", "crm", ...flags]);
  assert.equal(action.code, 2);
  assert.match(action.err[0]!, /`config` takes get, set, unset, not `gte`; did you mean `get`\?/);
  const nothing = await cli(["config", "set", "crm", ...flags]);
  assert.equal(nothing.code, 1);
  assert.match(nothing.err.join("\n"), /give the settings to set as key=value/);
  const noKey = await cli(["secrets", "rotate", ...flags], {}, `${NEXT_KEY}\n`);
  assert.equal(noKey.code, 1);
  assert.match(noKey.err.join("\n"), /needs the current key in HONEYFRAME_SECRETS_KEY/);
  const notInstalled = await cli(["uninstall", "crm2", ...flags]);
  assert.equal(notInstalled.code, 1);
});
