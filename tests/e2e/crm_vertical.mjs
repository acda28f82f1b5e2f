// Drives Debian's Chromium through the crm example's page and the dashboard (run by Node from
// tests/e2e/crm_vertical_test.ts). Usage: node crm_vertical.mjs <base url> <admin token>
import assert from "node:assert/strict";
import { launchBrowser } from "./_browser.mjs";

const [baseUrl, token] = process.argv.slice(2);
const browser = await launchBrowser();

try {
  const page = await browser.context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (message) => {
    // (The browser's own /favicon.ico request is expected to 404.)
    if (message.type() === "error" && !/\/favicon\.ico$/.test(message.location().url ?? "")) {
      errors.push(`${message.text()} (${message.location().url})`);
    }
  });
  await page.goto(`${baseUrl}/admin/sign-in?next=%2Fplugins%2Fcrm%2F`);
  await page.getByLabel("Admin token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${baseUrl}/plugins/crm/`);

  // The page: the mart's eight customers, by lifetime value.
  assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "Customers");
  const names = () => page.locator("tbody tr:visible th").allInnerTexts();
  assert.equal((await names()).length, 8);
  assert.equal((await names())[0], "Katherine Johnson");
  assert.match(await page.locator("[data-customer-shown]").innerText(), /^8 of 8$/);

  // The filter narrows the table in the browser, without a request.
  let requests = 0;
  page.on("request", () => requests++);
  await page.getByLabel("Filter by name").fill("jo");
  assert.deepEqual(await names(), ["Katherine Johnson"]);
  assert.match(await page.locator("[data-customer-shown]").innerText(), /^1 of 8$/);
  await page.getByLabel("Filter by name").fill("");
  assert.equal((await names()).length, 8);
  assert.equal(requests, 0, "the filter asks the server nothing");

  // The dashboard's block counts the mart's customers.
  await page.goto(`${baseUrl}/dashboard`);
  assert.equal(await page.locator("[data-customer-count]").innerText(), "8");

  assert.deepEqual(errors, [], "no error in the browser");
  console.log("crm vertical: all steps passed");
} finally {
  await browser.close();
}
