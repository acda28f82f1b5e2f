import assert from "node:assert/strict";
import { AsyncLocalStorage } from "node:async_hooks";
import { numberedScope, type PluginCall } from "../../src/runtime/mod.ts";

function scopeWithStorage() {
  const storage = new AsyncLocalStorage<number | PluginCall>();
  return { storage, scope: numberedScope(storage) };
}

Deno.test("the scope stores a small integer and finds the call across awaits", async () => {
  const { storage, scope } = scopeWithStorage();
  const seen = await scope.run({ plugin: "crm", requestId: "req-1" }, async () => {
    const stored = storage.getStore();
    assert.equal(typeof stored, "number");
    assert.ok(Number.isInteger(stored) && (stored as number) >= 0 && (stored as number) < 2 ** 30);
    await new Promise((resolve) => setTimeout(resolve, 5));
    return scope.getStore();
  });
  assert.deepEqual(seen, { plugin: "crm", requestId: "req-1" });
  assert.equal(scope.getStore(), undefined, "outside any work");
});

Deno.test("concurrent calls each find their own request", async () => {
  const { scope } = scopeWithStorage();
  const calls = Array.from({ length: 50 }, (_, i) => ({
    plugin: i % 2 ? "crm" : "finance",
    requestId: `req-${i}`,
  }));
  const seen = await Promise.all(calls.map((call, i) =>
    scope.run(call, async () => {
      await new Promise((resolve) => setTimeout(resolve, 50 - i));
      return scope.getStore();
    })
  ));
  assert.deepEqual(seen, calls);
});

Deno.test("after the work settles, what it left behind names the plugin without the request", async () => {
  const { scope } = scopeWithStorage();
  let later: Promise<PluginCall | undefined> | undefined;
  scope.run({ plugin: "crm", requestId: "req-sync" }, () => {
    later = new Promise((resolve) => setTimeout(() => resolve(scope.getStore()), 10));
    return "answered";
  });
  // Another call of the same plugin runs meanwhile: the late timer must not take its request id.
  const other = scope.run({ plugin: "crm", requestId: "req-other" }, async () => {
    await new Promise((resolve) => setTimeout(resolve, 30));
    return scope.getStore();
  });
  assert.deepEqual(await later, { plugin: "crm" });
  assert.deepEqual(await other, { plugin: "crm", requestId: "req-other" });
});

Deno.test("a call that throws or rejects is released; its error reaches the caller", async () => {
  const { scope } = scopeWithStorage();
  assert.throws(
    () =>
      scope.run({ plugin: "crm", requestId: "r" }, () => {
        throw new Error("sync");
      }),
    /sync/,
  );
  await assert.rejects(
    scope.run({ plugin: "crm", requestId: "r" }, () => Promise.reject(new Error("async"))),
    /async/,
  );
});

Deno.test("more calls at once than the table holds are stored as they are", async () => {
  const { storage, scope } = scopeWithStorage();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  const running = Array.from(
    { length: 4096 },
    (_, i) => scope.run({ plugin: "crm", requestId: `r${i}` }, () => gate),
  );
  const overflow = scope.run({ plugin: "crm", requestId: "beyond" }, () => ({
    stored: storage.getStore(),
    seen: scope.getStore(),
  }));
  assert.deepEqual(overflow.stored, { plugin: "crm", requestId: "beyond" });
  assert.deepEqual(overflow.seen, { plugin: "crm", requestId: "beyond" });
  release();
  await Promise.all(running);
  // Released: numbered again.
  scope.run({ plugin: "crm", requestId: "again" }, () => {
    assert.equal(typeof storage.getStore(), "number");
  });
});
