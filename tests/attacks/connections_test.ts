/**
 * Attack: holding the server's sockets. Clients that leave a handler that never answers must not
 * exhaust the server's descriptors: it keeps serving, and its descriptor count returns to its
 * baseline; the handler itself answers 504 after the plugin time limit. (Slow heads, bodies and
 * connection floods are the front's: `front_test.ts`.) Loopback only, bounded.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { buildServerEntry } from "../helpers/build.ts";
import { type RunningServer, sandboxedDenoServer, startServer } from "../helpers/process.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

const HANGING_PLUGIN = {
  "data/plugins/hang/plugin.yaml": manifest("hang", "routers:", "  - backend/r.ts:router"),
  "data/plugins/hang/backend/r.ts": `import { Hono } from "hono";
export const router = new Hono().get("/forever", () => new Promise<Response>(() => {}));
`,
};

const openDescriptors = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;
const fdLinks = (pid: number) =>
  readdirSync(`/proc/${pid}/fd`).map((fd) => {
    try {
      return `${fd}:${Deno.readLinkSync(`/proc/${pid}/fd/${fd}`)}`;
    } catch {
      return `${fd}:?`;
    }
  }).join(" ");

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

const HANGING_REQUEST = new TextEncoder().encode(
  "GET /api/hang/forever HTTP/1.1\r\nHost: x\r\n\r\n",
);

/** Sends a request to the hanging route and leaves after `waitMs`. */
async function connectAndClose(port: number, waitMs = 20): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(HANGING_REQUEST);
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  conn.close();
}

/**
 * Starts a sandboxed server with the hanging plugin, warmed up: one request served and one
 * abandoned, so the runtime's lazily created descriptors are part of the baseline.
 */
async function startHangingServer(
  env: Record<string, string>,
): Promise<RunningServer & { port: number; baseline: number }> {
  using tree = makeTree(HANGING_PLUGIN);
  const entry = await buildServerEntry(tree.root);
  const server = await startServer(sandboxedDenoServer(entry, {
    PORT: "0",
    HOST: "127.0.0.1",
    HONEYFRAME_PLUGIN_TIMEOUT_MS: "600000",
    ...env,
  }));
  const port = Number(new URL(server.url).port);
  assert.ok(await healthy(port), "the server answers before the attack");
  await connectAndClose(port);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  return Object.assign(server, { port, baseline: openDescriptors(server.pid) });
}

/** `GET /healthz` on a connection of its own that is closed afterwards (no pooled socket). */
async function healthy(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(
      new TextEncoder().encode("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    );
    const answer = await new Response(conn.readable).text();
    return answer.startsWith("HTTP/1.1 200");
  } catch {
    return false;
  }
}

Deno.test({
  name:
    "25,000 connect-and-close requests to a handler that never answers leave no descriptor open",
  sanitizeResources: false,
  async fn() {
    await using server = await startHangingServer({});
    const { port, baseline } = server;
    for (let batch = 0; batch < 25; batch++) {
      await Promise.allSettled(Array.from({ length: 1_000 }, () => connectAndClose(port)));
    }
    assert.ok(await healthy(port), "the server still answers");
    assert.ok(
      await waitFor(() => openDescriptors(server.pid) <= baseline, 15_000),
      `descriptors back to ${baseline}, not ${openDescriptors(server.pid)}: ${fdLinks(server.pid)}`,
    );
  },
});

Deno.test("a plugin handler that never answers gets 504 with the plugin's name after the time limit", async () => {
  await using server = await startHangingServer({ HONEYFRAME_PLUGIN_TIMEOUT_MS: "500" });
  const response = await fetch(`${server.url}/api/hang/forever`);
  assert.equal(response.status, 504);
  assert.deepEqual((await response.json()).plugin, "hang");
});
