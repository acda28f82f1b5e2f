// Drives Debian's Chromium against plugin frames with playwright-core (run by Node from
// tests/e2e/plugin_frames_test.ts). Usage: node plugin_frames.mjs <base url> <second server's url>
// <its plugin origin> <admin token> <screenshot dir>
import assert from "node:assert/strict";
import { join } from "node:path";
import { launchBrowser, signInAs as signInThrough, signOut } from "./_browser.mjs";

const [baseUrl, secondUrl, pluginOrigin, adminToken, screenshots] = process.argv.slice(2);
const browser = await launchBrowser();
const signInAs = (page, login, path) => signInThrough(page, baseUrl, login, path);

/** The attacks' outcomes, once the frame's script has written them. */
async function attackResults(page) {
  const frame = page.frameLocator('iframe[data-honeyframe-plugin="blk"]');
  const results = frame.locator("#results");
  await assert.doesNotReject(() =>
    results.filter({ hasNotText: "pending" }).waitFor({ timeout: 20_000 })
  );
  return JSON.parse(await results.innerText());
}

/** Whether the page, and each frame's document, is no wider than the viewport. */
async function scrollsSideways(page) {
  for (const frame of page.frames()) {
    const wide = await frame.evaluate(() =>
      document.documentElement.scrollWidth > document.documentElement.clientWidth
    );
    if (wide) return frame.url();
  }
  return false;
}

const page = await browser.context.newPage();
try {
  // Alice (who may manage plugins) opens the attacker's page: every attempt fails.
  await signInAs(page, "alice", "/plugins/blk/");
  const frame = page.locator('iframe[data-honeyframe-plugin="blk"]');
  assert.equal(await frame.getAttribute("title"), "Blocks: home");
  assert.equal(await frame.getAttribute("sandbox"), "allow-scripts allow-forms allow-popups");
  const alice = await attackResults(page);
  assert.match(alice.cookie, /^failed: SecurityError$/, JSON.stringify(alice));
  assert.match(alice.local_storage, /^failed: SecurityError$/, JSON.stringify(alice));
  assert.match(alice.parent_document, /^failed: SecurityError$/, JSON.stringify(alice));
  // A cross-origin request the host does not allow: the browser hides the answer.
  assert.match(alice.settings, /^failed: TypeError$/, JSON.stringify(alice));
  assert.match(alice.disable, /^failed: TypeError$/, JSON.stringify(alice));
  assert.match(alice.disable_with_csrf, /^failed: TypeError$/, JSON.stringify(alice));
  assert.equal(alice.own_read, "200", JSON.stringify(alice));
  assert.equal(alice.own_write, "200", JSON.stringify(alice));
  assert.equal(alice.echo, "cookie:none authorization:bearer", JSON.stringify(alice));
  assert.equal(alice.other_plugin, "401", JSON.stringify(alice));
  assert.match(alice.admin_api, /^failed: TypeError$/, JSON.stringify(alice));
  // The token itself, presented from outside a browser: its plugin's API only.
  const bearer = { headers: { Authorization: `Bearer ${alice.token}` } };
  for (
    const [path, expected] of [
      ["/api/blk/whoami", 200],
      ["/api/other/whoami", 401],
      ["/api/plugins", 401],
      ["/api/audit", 401],
    ]
  ) {
    assert.equal((await fetch(`${baseUrl}${path}`, bearer)).status, expected, path);
  }
  await page.screenshot({ path: join(screenshots, "frames-alice.png"), fullPage: true });

  // A plugin route opened at the top level (the session cookie sent) sees no host cookie.
  const echoed = await page.goto(`${baseUrl}/api/blk/echo`);
  const headers = await echoed.json();
  assert.ok(!/hf_/.test(headers.cookie ?? ""), JSON.stringify(headers));

  // A link inside the frame navigates the page; the back button returns.
  await page.goto(`${baseUrl}/plugins/blk/`);
  await page.frameLocator('iframe[data-honeyframe-plugin="blk"]').getByRole("link", {
    name: "To the second page",
  }).click();
  await page.waitForURL(`${baseUrl}/plugins/blk/second?from=home`);
  assert.equal(
    await page.frameLocator("iframe.plugin-frame").getByRole("heading", { level: 1 }).innerText(),
    "Second page home",
  );
  await page.goBack();
  await page.waitForURL(`${baseUrl}/plugins/blk/`);
  assert.equal(
    await page.frameLocator("iframe.plugin-frame").getByRole("heading", { level: 1 }).innerText(),
    "Blocks home",
  );
  // The frame is as tall as its content; nothing scrolls sideways.
  const height = await frame.evaluate((element) => element.getBoundingClientRect().height);
  assert.ok(height > 150, `the frame is ${height}px tall`);
  for (const width of [390, 768, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(200);
    assert.equal(await scrollsSideways(page), false, `at ${width}px`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await signOut(page);

  // Bob may read blk but not write it: the same page's calls get 200 and 403.
  await signInAs(page, "bob", "/plugins/blk/");
  const bob = await attackResults(page);
  assert.equal(bob.own_read, "200", JSON.stringify(bob));
  assert.equal(bob.own_write, "403", JSON.stringify(bob));
  await signOut(page);

  // The public dashboard: blk's block is framed, titled, and gets no token.
  await page.goto(`${baseUrl}/dashboard`);
  const block = page.locator('iframe[data-honeyframe-plugin="blk"]');
  assert.equal(await block.getAttribute("title"), "Summary (Blocks)");
  const blockToken = page.frameLocator('iframe[data-honeyframe-plugin="blk"]').locator(
    "#block-token",
  );
  await blockToken.filter({ hasNotText: "pending" }).waitFor();
  assert.match(await blockToken.innerText(), /^failed: Error$/);
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(200);
    assert.equal(await scrollsSideways(page), false, `dashboard at ${width}px`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });

  // A frame document opened on its own is still sandboxed, and needs a ticket.
  const direct = await page.goto(`${baseUrl}/frames/blk/page/`);
  assert.equal(direct.status(), 401);
  assert.match(direct.headers()["content-security-policy"], /^sandbox allow-scripts/);
  assert.equal(await page.evaluate(() => globalThis.origin), "null");

  // The second server serves frames from its plugin origin, and nothing else there.
  await page.goto(`${secondUrl}/admin/sign-in`);
  await page.getByLabel("Admin token").fill(adminToken);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/admin\/plugins$/);
  await page.goto(`${secondUrl}/plugins/blk/`);
  const far = page.locator('iframe[data-honeyframe-plugin="blk"]');
  assert.match(await far.getAttribute("src"), new RegExp(`^${pluginOrigin}/frames/blk/page/`));
  const admin = await attackResults(page);
  assert.equal(admin.own_read, "200", JSON.stringify(admin));
  assert.match(admin.cookie, /^failed: SecurityError$/, JSON.stringify(admin));
  assert.match(admin.settings, /^failed: TypeError$/, JSON.stringify(admin));
  const elsewhere = await page.goto(`${pluginOrigin}/admin/settings`);
  assert.equal(elsewhere.status(), 404);

  console.log("frames e2e: all steps passed");
} catch (error) {
  await page.screenshot({ path: join(screenshots, "frames-failure.png"), fullPage: true });
  throw error;
} finally {
  await browser.close();
}
