// Shared by the Chromium scripts of tests/e2e (run by Node): Debian's Chromium, headless, in a
// profile of its own, and signing in through the OpenID Connect provider's own forms.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

/**
 * Launches Chromium in a fresh profile; `close()` ends it and removes the profile.
 *
 * @returns The browser context and its `close`.
 */
export async function launchBrowser() {
  const userDataDir = mkdtempSync(join(tmpdir(), "honeyframe-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    // Without the background-networking flags Chromium keeps trying Google's hosts, which this
    // closed network refuses.
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(15_000);
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Signs in through the provider's own login and consent forms, starting from `path` on the host.
 *
 * @param page The page.
 * @param baseUrl The host's URL.
 * @param login Who signs in (`alice`, `bob`).
 * @param path Where to start; the person lands there.
 * @param provider The provider's name on the sign-in link (any, by default).
 */
export async function signInAs(page, baseUrl, login, path, provider = /^Sign in with /) {
  await page.goto(`${baseUrl}${path}`);
  assert.match(page.url(), /\/admin\/sign-in\?next=/);
  const name = typeof provider === "string" ? `Sign in with ${provider}` : provider;
  await page.getByRole("link", { name }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password");
  await page.locator('button[type="submit"]').click();
  // The provider asks for consent once per person.
  await page.locator('button[type="submit"]').click();
  await page.waitForURL(`${baseUrl}${path}`);
}

/**
 * Signs out, then forgets the provider's session too, so that the next person starts afresh.
 *
 * @param page The page.
 */
export async function signOut(page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/admin\/sign-in$/);
  await page.context().clearCookies();
}
