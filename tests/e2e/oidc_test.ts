/**
 * End to end: people sign in through a real OpenID Connect provider (the `oidc-provider` package on
 * 127.0.0.1, with its own login form) in headless Chromium. Alice's group grants the host's
 * permissions and the plugin's `crm.report`, Bob's only `plugins.read` and `crm.read`: each sees
 * exactly the menu entries and pages (the Administration pages and a plugin's pages) their groups
 * allow, gets the 403 page for the others, and signs out; the admin token still signs in. The
 * audit log names each person by email and subject. The state is in a real PostgreSQL, so sessions
 * (token and OpenID Connect) are made and checked there. Loopback only, bounded in time.
 */
import { runBrowserScript } from "../helpers/browser.ts";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { buildServerEntry } from "../helpers/build.ts";
import { sandboxedDenoServer, startServer } from "../helpers/process.ts";
import { makeTree, manifest } from "../helpers/tree.ts";
import { needs } from "../helpers/system_tools.ts";
import { grantGroups, startOidcProvider } from "../helpers/oidc.ts";
import { startPostgres } from "../helpers/postgres.ts";

const TOKEN = "oidc-e2e-admin-token-0123456789";
const CLIENT_ID = "honeyframe-edge";
const CLIENT_SECRET = "oidc-e2e-client-secret-0123456789";
const SCREENSHOTS = resolve("tests/.output/screenshots");

Deno.test(
  "people sign in through an OpenID Connect provider and see what their groups allow",
  needs("chromium", "postgresql"),
  async () => {
    await using provider = await startOidcProvider(CLIENT_ID, CLIENT_SECRET);
    await using postgres = await startPostgres();
    const issuer = provider.issuer;
    // A plugin with a public page, a page behind a nav entry's permission and one behind its own.
    using tree = makeTree({
      "data/plugins/crm/plugin.yaml": manifest(
        "crm",
        "display_name: CRM",
        "frontend_entry: pages.tsx",
        "permissions: [crm.read, crm.report]",
        "nav:",
        "  - label: Customers",
        "    path: /",
        "  - label: Reports",
        "    path: /reports",
        "    permission: crm.report",
      ),
      "data/plugins/crm/pages.tsx": `export const pages = {
  "/": () => <h1>Customers</h1>,
  "/reports": () => <h1>Reports</h1>,
  "/forecast": { component: () => <h1>Forecast</h1>, permission: "crm.report" },
};
`,
    });
    const entry = await buildServerEntry(tree.root);
    await using server = await startServer(sandboxedDenoServer(entry, {
      PORT: "0",
      HOST: "127.0.0.1",
      HONEYFRAME_ADMIN_TOKEN: TOKEN,
      HONEYFRAME_DATABASE_URL: await postgres.createDatabase(),
      HONEYFRAME_OIDC_ISSUER: issuer,
      HONEYFRAME_OIDC_CLIENT_ID: CLIENT_ID,
      HONEYFRAME_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    }));
    await provider.allowRedirect(`${server.url}/auth/callback`);
    assert.match(server.output(), /State: postgres \(127\.0\.0\.1:/, "sessions live in PostgreSQL");

    // Alice's group may read and manage plugins and read the audit log; Bob's may read plugins.
    await grantGroups(server.url, TOKEN, {
      crm_admin: ["plugins.read", "plugins.manage", "audit.read", "crm.read", "crm.report"],
      crm_viewer: ["plugins.read", "crm.read"],
    });

    mkdirSync(SCREENSHOTS, { recursive: true });
    const { code, text } = await runBrowserScript(
      "tests/e2e/oidc.mjs",
      [server.url, TOKEN, new URL(issuer).host, SCREENSHOTS],
      120_000,
    );
    assert.equal(code, 0, text);
    assert.match(text, /oidc e2e: all steps passed/);

    // The audit log names each person by email, with their subject, and the refusal.
    const audit = await (await fetch(`${server.url}/api/audit?limit=50`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    })).json() as {
      events: { actor: string; action: string; outcome: string; detail?: string }[];
    };
    const seen = audit.events.map((event) =>
      `${event.actor} ${event.action} ${event.outcome} ${event.detail ?? ""}`.trim()
    );
    for (
      const expected of [
        /^alice@example\.com sign_in success oidc subject alice, email alice@example\.com, org default, groups crm_admin$/,
        /^alice@example\.com sign_out success oidc subject alice/,
        /^bob@example\.com sign_in success oidc subject bob/,
        /^bob@example\.com access failure needs audit\.read$/,
        /^bob@example\.com sign_out success/,
        /^admin sign_in success admin token$/,
      ]
    ) {
      assert.ok(seen.some((line) => expected.test(line)), `${expected} in\n${seen.join("\n")}`);
    }
  },
);
