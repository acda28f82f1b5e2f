import assert from "node:assert/strict";
import { after, every } from "../../src/runtime/timer.ts";

/** Resolves once `ms` have passed (on the module under test, so no global timer is involved). */
const sleep = (ms: number) => new Promise<void>((resolve) => after(resolve, ms));

Deno.test("timers fire in deadline order across durations, and a cancelled one never fires", async () => {
  const fired: string[] = [];
  after(() => fired.push("60"), 60);
  after(() => fired.push("20"), 20);
  const cancelled = after(() => fired.push("cancelled"), 30);
  after(() => fired.push("40"), 40);
  after(() => fired.push("20 again"), 20);
  cancelled.cancel();
  cancelled.cancel();
  const started = performance.now();
  await sleep(80);
  assert(performance.now() - started >= 80);
  assert.deepEqual(fired, ["20", "20 again", "40", "60"]);
});

Deno.test("a timer fires no sooner than its delay", async () => {
  const started = performance.now();
  const elapsed = await new Promise<number>((resolve) =>
    after(() => resolve(performance.now() - started), 25)
  );
  assert(elapsed >= 25, `fired after ${elapsed} ms`);
});

Deno.test("every repeats until cancelled, also when cancelled from its own tick", async () => {
  let ticks = 0;
  const timer = every(() => {
    ticks++;
    if (ticks === 3) timer.cancel();
  }, 5);
  await sleep(80);
  assert.deepEqual(ticks, 3);
});

Deno.test("a timer started while others fire is armed too", async () => {
  const fired: string[] = [];
  after(() => after(() => fired.push("inner"), 10), 10);
  await sleep(60);
  assert.deepEqual(fired, ["inner"]);
});

Deno.test("a throwing timer is reported and the others still fire", async () => {
  const reported: unknown[] = [];
  const onError = (event: ErrorEvent) => {
    reported.push(event.error);
    event.preventDefault();
  };
  globalThis.addEventListener("error", onError);
  try {
    const fired: string[] = [];
    after(() => {
      throw new Error("boom");
    }, 10);
    after(() => fired.push("after the throw"), 10);
    await sleep(40);
    assert.deepEqual(fired, ["after the throw"]);
    assert.deepEqual((reported[0] as Error).message, "boom");
  } finally {
    globalThis.removeEventListener("error", onError);
  }
});

Deno.test("on Deno no global setTimeout or setInterval is used (its first call loads Node's timers)", async () => {
  const { setTimeout: realTimeout, setInterval: realInterval } = globalThis;
  let calls = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    calls++;
    return realTimeout(...args);
  }) as typeof setTimeout;
  globalThis.setInterval = ((...args: Parameters<typeof setInterval>) => {
    calls++;
    return realInterval(...args);
  }) as typeof setInterval;
  try {
    let ticks = 0;
    const timer = every(() => ticks++, 5);
    await sleep(30);
    timer.cancel();
    assert(ticks >= 2);
    assert.deepEqual(calls, 0);
  } finally {
    Object.assign(globalThis, { setTimeout: realTimeout, setInterval: realInterval });
  }
});

Deno.test("a negative or NaN delay fires at once, as with setTimeout", async () => {
  const fired: string[] = [];
  after(() => fired.push("negative"), -5);
  after(() => fired.push("NaN"), NaN);
  await sleep(20);
  assert.deepEqual(fired.sort(), ["NaN", "negative"]);
});
