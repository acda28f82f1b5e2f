// Drives Debian's Chromium through the admin UI with playwright-core (run by Node from
// tests/e2e/admin_ui_test.ts). Usage: node admin_ui.mjs <base url> <admin token> <screenshot dir>
// <a secret to set>
import assert from "node:assert/strict";
import { join } from "node:path";
import { launchBrowser } from "./_browser.mjs";

const [baseUrl, token, screenshots, secret] = process.argv.slice(2);
const browser = await launchBrowser();
const context = browser.context;

try {
  const page = await context.newPage();
  // No console error and no Content-Security-Policy violation anywhere in the run.
  const consoleErrors = [];
  // (The wrong token's 401 page, the 404 page, the refused settings' 422 page and the browser's
  // own /favicon.ico request are expected.)
  const expected = [
    /\/admin\/sign-in$/,
    /\/favicon\.ico$/,
    /\/admin\/nothing-here$/,
    /\/admin\/plugins\/crm\/settings$/,
  ];
  page.on("console", (message) => {
    const where = message.location().url ?? "";
    if (message.type() !== "error") return;
    if (
      /^Failed to load resource/.test(message.text()) && expected.some((url) => url.test(where))
    ) {
      return;
    }
    consoleErrors.push(`${message.text()} (${where})`);
  });
  page.on("pageerror", (error) => consoleErrors.push(String(error)));

  // Not signed in: the admin pages send us to the sign-in form.
  await page.goto(`${baseUrl}/admin/plugins`);
  assert.match(page.url(), /\/admin\/sign-in\?next=%2Fadmin%2Fplugins$/);

  // A wrong token is refused, the right one signs in.
  await page.getByLabel("Admin token").fill("certainly-not-the-token");
  await page.getByRole("button", { name: "Sign in" }).click();
  assert.match(await page.getByRole("alert").innerText(), /not the admin token/);
  await page.getByLabel("Admin token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${baseUrl}/admin/plugins`);
  assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "Plugins");

  // The plugin table: a healthy customer plugin, a shadowed one and a broken one.
  const row = (name, source) => page.locator(`tr[data-plugin="${name}"][data-source="${source}"]`);
  const cells = async (name, source) =>
    (await row(name, source).locator("th, td").allInnerTexts()).map((t) => t.trim());
  const demo = await cells("_demo", "install");
  assert.deepEqual(demo.slice(0, 4), ["_demo", "Demo", "0.1.0", "bundled"]);
  assert.match(demo[4], /^mounted/);
  const finance = await cells("finance", "data");
  assert.equal(finance[3], "customer");
  assert.match(finance[4], /^mounted/);
  const shadowed = await cells("_demo", "data");
  assert.equal(shadowed[4], "shadowed");
  assert.equal(shadowed[5], "1 error · 1 warning", "why it is shadowed is one click away");
  const broken = await cells("broken", "data");
  assert.equal(broken[4], "error");
  assert.equal(broken[5], "1 error", "problems are counted in the list");
  await page.screenshot({ path: join(screenshots, "plugins-page.png"), fullPage: true });

  // The search, by name and by source, keeps the status filter's links.
  await page.getByLabel("Search plugins").fill("fin");
  await page.getByRole("button", { name: "Search" }).click();
  await page.waitForURL(`${baseUrl}/admin/plugins?q=fin`);
  assert.deepEqual(
    await page.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.dataset.plugin)),
    ["finance"],
  );
  await page.getByLabel("Search plugins").fill("bundled");
  await page.getByRole("button", { name: "Search" }).click();
  await page.waitForURL(`${baseUrl}/admin/plugins?q=bundled`);
  assert.deepEqual(
    await page.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.dataset.plugin)),
    ["_demo"],
  );
  await page.screenshot({ path: join(screenshots, "plugins-search.png"), fullPage: true });
  await page.goto(`${baseUrl}/admin/plugins`);

  // The status filter.
  await page.getByRole("link", { name: /^Error \(1\)$/ }).click();
  assert.deepEqual(
    await page.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.dataset.plugin)),
    ["broken"],
  );

  // A detail page: the problems in full, with line and column.
  await page.getByRole("link", { name: "broken", exact: true }).click();
  await page.waitForURL(`${baseUrl}/admin/plugins/broken`);
  assert.match(
    await page.locator("main").innerText(),
    /plugin\.yaml:\d+:\d+ › routers\[0\]: `backend\/missing\.ts` is not a file in the plugin[\s\S]*router\.not_found/,
  );
  await page.goto(`${baseUrl}/admin/plugins/finance`);
  assert.match(await page.locator("main").innerText(), /GET\s+\/api\/finance\/ping/);
  await page.screenshot({ path: join(screenshots, "plugin-detail.png"), fullPage: true });

  // Disabling from the detail page asks first; cancelling changes nothing; confirming disables.
  await page.getByRole("link", { name: "Disable finance" }).click();
  await page.waitForURL(`${baseUrl}/admin/plugins/finance/disable`);
  assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "Disable Finance?");
  await page.screenshot({ path: join(screenshots, "confirm-disable.png"), fullPage: true });
  await page.getByRole("link", { name: "Cancel" }).click();
  await page.waitForURL(`${baseUrl}/admin/plugins/finance`);
  assert.equal((await page.request.get(`${baseUrl}/api/finance/ping`)).status(), 200);
  await page.getByRole("link", { name: "Disable finance" }).click();
  await page.getByRole("button", { name: "Disable finance" }).click();
  await page.waitForURL(`${baseUrl}/admin/plugins`);
  assert.equal((await page.request.get(`${baseUrl}/api/finance/ping`)).status(), 404);
  assert.match((await cells("finance", "data"))[4], /^disabled/);
  // Enabling from the list asks too.
  await row("finance", "data").getByRole("link", { name: "Enable finance" }).click();
  assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "Enable Finance?");
  await page.getByRole("button", { name: "Enable finance" }).click();
  await page.waitForURL(`${baseUrl}/admin/plugins`);
  assert.equal((await page.request.get(`${baseUrl}/api/finance/ping`)).status(), 200);

  // A plugin that needs its settings: the list links to them, the form refuses a bad value next
  // to its field, saves the rest, and keeps the secret write-only.
  const crm = await cells("crm", "data");
  assert.match(crm[4], /^mounted\s+needs settings$/);
  assert.equal((await page.request.get(`${baseUrl}/api/crm/settings`)).status(), 503);
  await row("crm", "data").getByRole("link", { name: "needs settings" }).click();
  await page.waitForURL(`${baseUrl}/admin/plugins/crm#settings`);
  const settings = page.locator("#settings");
  assert.match(await settings.getByRole("alert").innerText(), /api_url, api_key/);
  await settings.getByLabel("api_url (required)").fill("ftp://crm.example/api");
  await settings.getByLabel("api_key (required) (secret)").fill(secret);
  await settings.getByLabel("region").selectOption("us");
  await settings.getByRole("button", { name: "Save settings" }).click();
  assert.match(await settings.getByRole("status").innerText(), /Nothing was saved/);
  assert.equal(
    await settings.getByLabel("api_url (required)").getAttribute("aria-invalid"),
    "true",
  );
  assert.match(
    await settings.locator(".field-error").innerText(),
    /must be a URL \(http or https\)/,
  );
  assert.equal(
    await settings.getByLabel("api_url (required)").inputValue(),
    "ftp://crm.example/api",
  );
  assert.equal(await settings.getByLabel("api_key (required) (secret)").inputValue(), "");
  await page.screenshot({ path: join(screenshots, "plugin-settings-refused.png"), fullPage: true });
  await settings.getByLabel("api_url (required)").fill("https://crm.example/api");
  await settings.getByLabel("api_key (required) (secret)").fill(secret);
  await settings.getByRole("button", { name: "Save settings" }).click();
  await page.waitForURL(`${baseUrl}/admin/plugins/crm?saved#settings`);
  assert.equal(await settings.getByRole("status").innerText(), "Settings saved.");
  assert.equal(await settings.getByRole("alert").count(), 0, "nothing is missing any more");
  assert.match(await settings.innerText(), /Set\. Type a new value to replace it\./);
  assert.equal(await settings.getByLabel("region").inputValue(), "us");
  assert.equal((await page.content()).includes(secret), false, "the secret is never shown");
  const served = await page.request.get(`${baseUrl}/api/crm/settings`);
  assert.equal(served.status(), 200);
  assert.deepEqual(await served.json(), {
    api_url: "https://crm.example/api",
    api_key: secret,
    page_size: 50,
    region: "us",
  });
  await page.screenshot({ path: join(screenshots, "plugin-settings.png"), fullPage: true });
  // Clearing the secret: the plugin needs it again.
  await settings.getByLabel("Clear api_key").check();
  await settings.getByRole("button", { name: "Save settings" }).click();
  await page.waitForURL(`${baseUrl}/admin/plugins/crm?saved#settings`);
  assert.match(await settings.getByRole("alert").innerText(), /Required and not set: api_key/);
  assert.equal((await page.request.get(`${baseUrl}/api/crm/settings`)).status(), 503);

  // No page scrolls sideways at a phone's, a small laptop's and a desktop's width: wide tables
  // scroll inside their own box.
  for (const width of [390, 800, 1024, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    for (
      const [name, path] of [
        ["plugins", "/admin/plugins"],
        ["detail", "/admin/plugins/broken"],
        ["plugin-settings", "/admin/plugins/crm"],
        ["settings", "/admin/settings"],
        ["not-found", "/admin/nothing-here"],
      ]
    ) {
      await page.goto(`${baseUrl}${path}`);
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: globalThis.innerWidth,
      }));
      assert.ok(
        scrollWidth <= innerWidth,
        `${path} at ${width} px: ${scrollWidth} > ${innerWidth}`,
      );
      await page.screenshot({ path: join(screenshots, `${name}-${width}.png`), fullPage: true });
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${baseUrl}/admin/plugins/finance`);

  // The keyboard reaches the skip link first, and it moves focus to the content.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Skip to content");

  // The _demo nav entry leads to its page, inside the layout.
  const demoLink = page.getByRole("navigation", { name: "Main" }).getByRole("link", {
    name: "Demo",
  });
  await demoLink.click();
  await page.waitForURL(`${baseUrl}/plugins/_demo/`);
  assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "Demo");
  assert.equal(await demoLink.getAttribute("aria-current"), "page");
  await page.screenshot({ path: join(screenshots, "demo-page.png"), fullPage: true });

  // Its client module (bundled at build time, served by the host) makes the counter count.
  const counter = page.locator('[data-honeyframe-island="counter"] button');
  await counter.waitFor();
  assert.equal(await counter.innerText(), "Clicked 0 times");
  for (let click = 0; click < 3; click++) await counter.click();
  assert.equal(await counter.innerText(), "Clicked 3 times");
  const script = await page.locator('head script[type="module"]').getAttribute("src");
  assert.match(script, /^\/assets\/plugins\/_demo\/[0-9a-f]{16}\.js$/);
  const first = await page.request.get(`${baseUrl}${script}`);
  assert.equal(first.headers()["cache-control"], "public, max-age=31536000, immutable");
  const second = await page.request.get(`${baseUrl}${script}`, {
    headers: { "If-None-Match": first.headers()["etag"] },
  });
  assert.equal(second.status(), 304);

  // The dashboard: the _demo block, and a broken block's error card, in a page that answers 200.
  const dashboard = await page.goto(`${baseUrl}/dashboard`);
  assert.equal(dashboard.status(), 200);
  assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "Dashboard");
  const welcome = page.locator("article.block", { hasText: "Welcome" });
  assert.match(await welcome.innerText(), /Welcome\s+Demo\s+Demo is installed/);
  const failed = page.locator("article.block-error");
  assert.match(await failed.innerText(), /The block crash of the plugin finance failed to render/);
  await page.screenshot({ path: join(screenshots, "dashboard.png"), fullPage: true });
  assert.deepEqual(consoleErrors, [], "no console errors, no CSP violations");

  // The audit log shows the successful sign-in (failures are written per client once their
  // minute is over, with their count: tests/runtime/admin_ui_test.ts and tests/attacks/).
  await page.getByRole("link", { name: "Audit Log" }).click();
  const audit = await page.locator("tbody").innerText();
  assert.match(audit, /admin\s+Sign-in\s+success/);
  assert.match(audit, /crm\s+success\s+set api_url, api_key, region/);
  assert.equal(audit.includes(secret), false);

  // Signing out ends the session: the admin pages ask for the token again.
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(`${baseUrl}/admin/sign-in`);
  await page.goto(`${baseUrl}/admin/settings`);
  assert.match(page.url(), /\/admin\/sign-in\?next=%2Fadmin%2Fsettings$/);
  assert.ok(await page.getByLabel("Admin token").isVisible());
  console.log("e2e: all steps passed");
} finally {
  await browser.close();
}
