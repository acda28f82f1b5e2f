// Drives Debian's Chromium through sign-in with an OpenID Connect provider (run by Node from
// tests/e2e/oidc_test.ts). Usage: node oidc.mjs <base url> <admin token> <provider> <screenshot dir>
import assert from "node:assert/strict";
import { join } from "node:path";
import { launchBrowser, signInAs as signInThrough, signOut } from "./_browser.mjs";

const [baseUrl, token, providerName, screenshots] = process.argv.slice(2);
const browser = await launchBrowser();
const context = browser.context;

/** Signs in through the provider's own login and consent forms, starting from `path`. */
const signInAs = (page, login, path) => signInThrough(page, baseUrl, login, path, providerName);

/** The Administration menu's entries, in order. */
const adminMenu = (page) =>
  page.locator('section[aria-labelledby="menu-admin"] a span').allInnerTexts();
/** The plugins' menu entries, in order. */
const pluginMenu = (page) =>
  page.locator('section[aria-labelledby="menu-plugins"] a span').allInnerTexts();

const page = await context.newPage();
try {
  // Alice lands on the page she first asked for, with every Administration entry.
  await signInAs(page, "alice", "/admin/audit");
  assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "Audit Log");
  assert.match(
    await page.locator(".who").innerText(),
    /Signed in as Alice Admin\s*\(alice@example\.com\)/,
  );
  assert.deepEqual(await adminMenu(page), ["Audit Log", "dbt", "Plugins", "Settings"]);
  await page.screenshot({ path: join(screenshots, "oidc-alice.png"), fullPage: true });
  // A plugin page shows the same session; her group opens the CRM's reports and forecast.
  await page.goto(`${baseUrl}/plugins/_demo/`);
  assert.match(await page.locator(".who").innerText(), /Alice Admin/);
  assert.deepEqual(await pluginMenu(page), ["Demo", "Customers", "Reports"]);
  for (
    const [path, heading] of [["/plugins/crm/reports", "Reports"], [
      "/plugins/crm/forecast",
      "Forecast",
    ]]
  ) {
    const response = await page.goto(`${baseUrl}${path}`);
    assert.equal(response.status(), 200, path);
    assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), heading);
  }
  await signOut(page);

  // Bob may read plugins only: no Audit Log or Settings in his menu, and 403 pages for them.
  await signInAs(page, "bob", "/admin/plugins");
  assert.deepEqual(await adminMenu(page), ["dbt", "Plugins"]);
  for (const path of ["/admin/audit", "/admin/settings", "/admin/plugins/_demo/disable"]) {
    const response = await page.goto(`${baseUrl}${path}`);
    assert.equal(response.status(), 403, path);
    assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "Not allowed");
    assert.match(await page.locator(".who").innerText(), /Bob Viewer/, "inside the layout");
  }
  await page.screenshot({ path: join(screenshots, "oidc-bob-403.png"), fullPage: true });
  // The CRM's public page, but not its reports: no menu entry, and 403 pages.
  await page.goto(`${baseUrl}/plugins/crm/`);
  assert.deepEqual(await pluginMenu(page), ["Demo", "Customers"]);
  for (const path of ["/plugins/crm/reports", "/plugins/crm/forecast"]) {
    const response = await page.goto(`${baseUrl}${path}`);
    assert.equal(response.status(), 403, path);
    assert.match(await page.locator("main").innerText(), /needs the permission crm\.report/);
  }
  await signOut(page);

  // The admin token still signs in, beside the provider.
  await page.goto(`${baseUrl}/admin/settings`);
  await page.getByLabel("Admin token").fill(token);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(`${baseUrl}/admin/settings`);
  assert.deepEqual(await adminMenu(page), ["Audit Log", "dbt", "Plugins", "Settings"]);
  assert.match(await page.locator(".who").innerText(), /admin\s*\(admin token\)/);
  console.log("oidc e2e: all steps passed");
} catch (error) {
  // Where the browser was helps more than the assertion alone.
  console.error(`at ${page.url()}:\n${(await page.locator("body").innerText()).slice(0, 1500)}`);
  throw error;
} finally {
  await browser.close();
}
