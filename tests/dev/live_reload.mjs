// Drives Debian's Chromium against `deno task dev` (run by Node from tests/dev/live_reload_test.ts).
// Usage: node live_reload.mjs <dev url> <the page module to edit>
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { launchBrowser } from "../e2e/_browser.mjs";

const [baseUrl, pageFile] = process.argv.slice(2);
const pageSource = (title) => `export const pages = { "/": () => <h1 id="title">${title}</h1> };\n`;
const browser = await launchBrowser();
const page = await browser.context.newPage();
const logged = [];
page.on("console", (message) => logged.push(`${message.type()}: ${message.text()}`));
const title = page.locator("#title");
const overlay = page.locator("#honeyframe-dev-overlay");
try {
  await page.goto(`${baseUrl}/plugins/crm/`);
  assert.equal(await title.innerText(), "one");
  // Wait until the page listens (its script is a module, run after parsing).
  await page.locator('html[data-honeyframe-dev="live"]').waitFor({ state: "attached" });
  await page.evaluate(() => (globalThis.marker = "before the save"));

  // A save: the page reloads by itself and shows the new version.
  writeFileSync(pageFile, pageSource("two"));
  await page.waitForFunction(() => document.getElementById("title")?.textContent === "two", null, {
    timeout: 30_000,
  });
  assert.equal(await page.evaluate(() => globalThis.marker), undefined, "the page was reloaded");

  // A broken save: the overlay names the place; the last good version is still the page.
  writeFileSync(pageFile, `export const pages = {\n  "/": () => <h1 id="title">three</h1>,,\n};\n`);
  await overlay.waitFor({ timeout: 30_000 });
  const shown = await overlay.innerText();
  assert.match(shown, /the last good version is still serving/);
  assert.match(shown, /plugins\/crm\/frontend\/pages\.tsx:2:\d+/);
  assert.match(shown, /frontend_entry\.import_failed/);
  assert.match(shown, /<h1 id="title">three<\/h1>,,/, "the source line");
  assert.equal(await title.innerText(), "two");
  // A page opened now is told at once.
  const second = await browser.context.newPage();
  await second.goto(`${baseUrl}/plugins/crm/`);
  await second.locator("#honeyframe-dev-overlay").waitFor({ timeout: 15_000 });
  await second.close();

  // Mended: the page reloads, without the overlay.
  writeFileSync(pageFile, pageSource("three"));
  await page.waitForFunction(
    () => document.getElementById("title")?.textContent === "three",
    null,
    {
      timeout: 30_000,
    },
  );
  assert.equal(await overlay.count(), 0);

  // Under --check, code that builds but does not type-check breaks the save too.
  writeFileSync(
    pageFile,
    `const count: number = "four";\nexport const pages = { "/": () => <h1 id="title">{count}</h1> };\n`,
  );
  await overlay.waitFor({ timeout: 30_000 });
  const typed = await overlay.innerText();
  assert.match(typed, /plugins\/crm\/frontend\/pages\.tsx:1:7/);
  assert.match(typed, /code\.type_error/);
  assert.match(typed, /TS2322/);
  assert.equal(await title.innerText(), "three");
  const violations = logged.filter((line) => /Content Security Policy|Refused to/i.test(line));
  assert.deepEqual(violations, [], "no Content-Security-Policy violation");
  console.log("live reload e2e: all steps passed");
} finally {
  await browser.close();
}
