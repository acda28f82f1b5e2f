import assert from "node:assert/strict";
import { copyRequest, withUrl } from "../../src/runtime/mod.ts";

Deno.test("a request given the app's URL keeps it, and so do copies of it", async () => {
  const original = new Request("http+unix://app.example/api/crm/x?q=1", {
    method: "POST",
    headers: { "X-Request-Id": "r1" },
    body: "payload",
  });
  const seen = withUrl(original, "http://app.example/api/crm/x?q=1");
  assert.equal(seen, original, "the same request, not a copy");
  assert.equal(seen.url, "http://app.example/api/crm/x?q=1");
  assert.equal(new URL(seen.url).protocol, "http:");
  const copy = copyRequest(seen, { headers: { "X-Other": "1" } });
  assert.equal(copy.url, "http://app.example/api/crm/x?q=1");
  assert.equal(copy.method, "POST");
  assert.equal(copy.headers.get("X-Other"), "1");
  assert.equal(await copy.text(), "payload");
});

Deno.test("a request whose URL is already the app's is left as it is", () => {
  const request = new Request("http://h/a");
  assert.equal(withUrl(request, "http://h/a"), request);
  assert.equal(Object.getOwnPropertyDescriptor(request, "url"), undefined);
});
