/**
 * The pieces of the plugin process's channel on their own: frames split and joined at any chunk
 * boundary, bad frames refused; the isolation policy and what an
 * isolated plugin's worker may reach; a supervisor that cannot run.
 */
import assert from "node:assert/strict";
import {
  encodeFrame,
  FrameError,
  FrameReader,
  IsolatedPlugins,
  isolationOf,
  PluginUnavailable,
  readIsolationPolicy,
  workerNetwork,
} from "../../src/runtime/plugins/mod.ts";
import { startPluginProcess } from "../../src/adapters/_plugin_process.ts";
import { denoLaunch, denoListenLoopback } from "../../src/adapters/deno/spawn.ts";
import { nodeLaunch, nodeListenLoopback } from "../../src/adapters/node/spawn.ts";

const frames = [
  { header: { t: "req", id: 1, url: "http://x/api/p/é" } },
  { header: { t: "chunk", id: 1 }, bytes: new Uint8Array([0, 1, 2, 255]) },
  { header: { t: "end", id: 1 } },
];
const stream = new Uint8Array(frames.flatMap((frame) => [...encodeFrame(frame)]));

Deno.test("frames come out whole whatever the chunks they arrive in", () => {
  for (const size of [1, 3, 8, 13, stream.byteLength]) {
    const reader = new FrameReader();
    const out = [];
    for (let offset = 0; offset < stream.byteLength; offset += size) {
      out.push(...reader.push(stream.slice(offset, offset + size)));
    }
    assert.deepEqual(out, frames, `chunks of ${size}`);
  }
});

Deno.test("a frame too large or with a header that is not a typed JSON object is refused", () => {
  const huge = new Uint8Array(8);
  new DataView(huge.buffer).setUint32(0, (1 << 20) + 1);
  assert.throws(() => new FrameReader().push(huge), FrameError);
  for (const text of ["not json", "[1]", '{"id":1}']) {
    const header = new TextEncoder().encode(text);
    const bytes = new Uint8Array(8 + header.byteLength);
    new DataView(bytes.buffer).setUint32(0, header.byteLength);
    bytes.set(header, 8);
    assert.throws(() => new FrameReader().push(bytes), FrameError, text);
  }
});

Deno.test("an isolated plugin reaches what its manifest lists, narrowed by the operator's list", () => {
  assert.deepEqual(workerNetwork(["api.example.com", "api.example.com"], undefined), [
    "api.example.com",
  ]);
  assert.deepEqual(workerNetwork([], ["api.example.com"]), [], "none when it lists none");
  assert.deepEqual(
    workerNetwork(["*.example.org", "api.example.com", "other.net"], ["a.example.org", "*.com"]),
    ["a.example.org", "api.example.com"],
  );
});

Deno.test("HONEYFRAME_ISOLATION picks which plugins run in a worker, and refuses a typo", () => {
  assert.equal(readIsolationPolicy({}), "customer");
  assert.equal(isolationOf("data", "customer"), "worker");
  assert.equal(isolationOf("install", "customer"), "in_process");
  assert.equal(isolationOf("install", "all"), "worker");
  assert.equal(isolationOf("data", "none"), "in_process");
  assert.throws(
    () => readIsolationPolicy({ HONEYFRAME_ISOLATION: "custom" }),
    /HONEYFRAME_ISOLATION/,
  );
});

Deno.test("a plugin process whose supervisor cannot run fails its plugins at once, on Deno's and Node's launcher", async () => {
  const runtimes = [[denoLaunch, denoListenLoopback], [nodeLaunch, nodeListenLoopback]] as const;
  for (const [launch, listen] of runtimes) {
    // `false` starts and ends at once, as a Deno executable that cannot run would.
    await using process = await startPluginProcess({
      deno: "/bin/false",
      launch,
      listen,
      code: "",
      memoryMb: 64,
      net: [],
      denyNet: [],
    });
    const plugins = new IsolatedPlugins(process, {
      timeoutMs: 60_000,
      maxRestarts: 0,
      windowMs: 60_000,
    });
    const outline = { pages: [], blocks: [], health: 0 };
    const loaded = await plugins.load({
      name: "p",
      display_name: "P",
      code: "",
      net: [],
      permissions: [],
      outline,
    });
    const started = Date.now();
    const answer = await plugins.fetch("p", new Request("http://host/api/p/x")).catch((e) => e);
    assert.ok(answer instanceof PluginUnavailable, String(answer));
    assert.match(
      answer.message,
      /the plugin process's supervisor \(\/bin\/false\) ended or could not start/,
    );
    assert.ok(Date.now() - started < 5_000, "not at the 60 s time limit");
    assert.equal(loaded.routers.length, 1, "mounted from its outline, before it ever ran");
    await assert.rejects(
      plugins.load({ name: "q", display_name: "Q", code: "", net: [], permissions: [], outline }),
      /ended or could not start/,
    );
  }
});
