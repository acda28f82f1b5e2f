// Drives Debian's Chromium against plugin styles and islands (run by Node from
// tests/e2e/plugin_ui_test.ts). Usage: node plugin_ui.mjs <base url>
import assert from "node:assert/strict";
import { launchBrowser } from "./_browser.mjs";

const [baseUrl] = process.argv.slice(2);
const browser = await launchBrowser();
const page = await browser.context.newPage();
// Every message the browser logs: a Content-Security-Policy violation is one.
const logged = [];
page.on("console", (message) => logged.push(`${message.type()}: ${message.text()}`));
page.on("pageerror", (error) => logged.push(`pageerror: ${error.message}`));
const style = (selector, property) =>
  page.locator(selector).evaluate(
    (element, name) => getComputedStyle(element).getPropertyValue(name),
    property,
  );
try {
  await page.goto(`${baseUrl}/plugins/styled/`);
  await page.locator("#first").waitFor();
  assert.equal(await style("#card", "color"), "rgb(1, 2, 3)", "the stylesheet applies");
  assert.equal(await style("#more", "border-top-color"), "rgb(4, 5, 6)", "its @import too");
  assert.equal(await style("#hono", "color"), "rgb(7, 8, 9)", "hono/css's <Style /> applies");
  assert.notEqual(await style("body", "background-color"), "rgb(200, 0, 0)", "body untouched");
  assert.notEqual(await style("aside.sidebar nav", "display"), "none", "the sidebar untouched");

  // Two islands, each with its own props; the hostile label is text, and no script ran.
  assert.equal(await page.locator("#first").innerText(), "first: 5");
  assert.equal(
    await page.locator("#second").innerText(),
    "</div><script>document.title='owned'</script>: 0",
  );
  assert.notEqual(await page.title(), "owned");
  await page.locator("#first").click();
  await page.locator("#first").click();
  assert.equal(await page.locator("#first").innerText(), "first: 7");
  assert.equal(await page.locator("body").getAttribute("data-styled-islands"), "2");

  // The dashboard loads the plugin's stylesheet and client module for its block.
  await page.goto(`${baseUrl}/dashboard`);
  const block = page.locator("#block");
  await block.waitFor();
  for (let click = 0; click < 3; click++) await block.click();
  assert.equal(await block.innerText(), "block: 3");

  // A customer plugin's stylesheet, inside its frame.
  await page.goto(`${baseUrl}/plugins/boxed/`);
  const frame = page.frameLocator('iframe[data-honeyframe-plugin="boxed"]');
  const boxed = frame.locator("#boxed");
  await boxed.waitFor();
  assert.equal(
    await boxed.evaluate((element) => getComputedStyle(element).color),
    "rgb(11, 12, 13)",
  );

  const violations = logged.filter((line) => /Content Security Policy|Refused to/i.test(line));
  assert.deepEqual(violations, [], "no Content-Security-Policy violation");
  assert.deepEqual(logged.filter((line) => line.startsWith("pageerror")), []);
  console.log("plugin ui e2e: all steps passed");
} finally {
  await browser.close();
}
