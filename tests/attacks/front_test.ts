/**
 * Attacks on the front (nginx, as `npm run start:prod` and the container run it) and what the host
 * behind it sees: half-open heads by the thousand, a second request head trickled, idle kept-alive
 * connections past the descriptor limit, one address hogging connections, a body at a byte a
 * second, h2c, forged `X-Forwarded-For`, oversized heads and bodies; and a graceful stop. Pings
 * come from another loopback address (127.0.0.2) than the attack (127.0.0.1). Loopback only,
 * bounded in time; each attack stays under this machine's 20,000 descriptors per process.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { buildServerEntry } from "../helpers/build.ts";
import {
  alive,
  descendants,
  exited,
  frontedDenoServer,
  type RunningServer,
  startServer,
} from "../helpers/process.ts";
import { makeTree, manifest } from "../helpers/tree.ts";
import { needs } from "../helpers/system_tools.ts";
import { findNginx } from "../../src/cli/front/front.ts";
import { freePort } from "../helpers/ports.ts";

const TOKEN = "front-attacks-admin-token-0123456789";

const tree = makeTree({
  "data/plugins/hang/plugin.yaml": manifest("hang", "routers:", "  - r.ts:router"),
  "data/plugins/hang/r.ts": `import { Hono } from "hono";
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const router = new Hono()
  .get("/forever", () => new Promise<Response>(() => {}))
  .get("/slow", async (c) => { await pause(2_000); return c.text("done"); })
  .get("/headers", (c) => c.json({ ...c.req.header(), url: c.req.url }))
  .post("/upload", async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength }))
  .get("/stream", () => new Response(new ReadableStream({
    async start(controller) {
      controller.enqueue(new TextEncoder().encode("first\\n"));
      await pause(1_000);
      controller.enqueue(new TextEncoder().encode("second\\n"));
      controller.close();
    },
  }), { headers: { "Content-Type": "text/event-stream" } }));
`,
});
globalThis.addEventListener("unload", () => tree[Symbol.dispose]());
let built: Promise<string> | undefined;

/** The front and the host on a free port, with `env` on top of the defaults. */
async function startFront(
  env: Record<string, string> = {},
  descriptors?: number,
): Promise<RunningServer & { port: number }> {
  built ??= buildServerEntry(tree.root);
  const entry = await built;
  const port = freePort();
  const runDir = Deno.makeTempDirSync({ dir: tree.root, prefix: "run-" });
  const server = await startServer(
    frontedDenoServer(entry, {
      PORT: String(port),
      HONEYFRAME_ADMIN_TOKEN: TOKEN,
      HONEYFRAME_PLUGIN_TIMEOUT_MS: "600000",
      ...env,
    }, { runDir, ...(descriptors === undefined ? {} : { descriptors }) }),
    60_000,
  );
  return Object.assign(server, { port });
}

/**
 * The share of `/healthz` pings from 127.0.0.2 that answer 200 while `during` runs, each a new
 * client on a connection of its own.
 */
async function pingsWhile(port: number, during: Promise<unknown>): Promise<number> {
  let done = false;
  void during.finally(() => done = true);
  let sent = 0;
  let ok = 0;
  const begun = Date.now();
  const failures: string[] = [];
  while (!done || sent < 20) {
    sent++;
    using client = Deno.createHttpClient({ localAddress: "127.0.0.2" });
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`, {
        client,
        signal: AbortSignal.timeout(5_000),
      });
      await response.body?.cancel();
      if (response.status === 200) ok++;
      else failures.push(`${Date.now() - begun} ms: ${response.status}`);
    } catch (error) {
      failures.push(
        `${Date.now() - begun} ms: ${(error as Error).name} ${(error as Error).message} ${
          String((error as Error).cause ?? "")
        }`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (failures.length > 0) console.error(`pings that failed: ${failures.join(", ")}`);
  return ok / sent;
}

/** Opens `count` connections from 127.0.0.1 that each write `bytes`, a thousand at a time. */
async function connections(port: number, count: number, bytes: string): Promise<Deno.TcpConn[]> {
  const data = new TextEncoder().encode(bytes);
  const opened: Deno.TcpConn[] = [];
  for (let start = 0; start < count; start += 1_000) {
    const batch = await Promise.allSettled(
      Array.from({ length: Math.min(1_000, count - start) }, async () => {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port });
        await conn.write(data).catch(() => 0);
        return conn;
      }),
    );
    for (const result of batch) if (result.status === "fulfilled") opened.push(result.value);
  }
  return opened;
}

/** Whether the other side closes `conn` within `ms` (it reads to the end, or fails). */
async function closedWithin(conn: Deno.Conn, ms: number): Promise<boolean> {
  const buffer = new Uint8Array(4096);
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const read = await Promise.race([
      conn.read(buffer).catch(() => null),
      new Promise<"open">((resolve) =>
        setTimeout(resolve, Math.max(1, deadline - Date.now()), "open")
      ),
    ]);
    if (read === null) return true;
    if (read === "open") return false;
  }
  return false;
}

function closeAll(conns: Deno.Conn[]): void {
  for (const conn of conns) {
    try {
      conn.close();
    } catch {
      // closed already
    }
  }
}

/** One raw exchange on a connection of its own: what came back before the server closed it. */
async function raw(port: number, bytes: string, ms = 5_000): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(bytes));
  const chunks: string[] = [];
  const buffer = new Uint8Array(65_536);
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const read = await Promise.race([
      conn.read(buffer).catch(() => null),
      new Promise<"open">((resolve) =>
        setTimeout(resolve, Math.max(1, deadline - Date.now()), "open")
      ),
    ]);
    if (read === null || read === "open") break;
    chunks.push(new TextDecoder().decode(buffer.subarray(0, read)));
  }
  closeAll([conn]);
  return chunks.join("");
}

Deno.test({
  name: "15,000 half-open heads are all closed within the header timeout; others keep answering",
  ...needs("nginx"),
  sanitizeResources: false,
  async fn() {
    await using server = await startFront({ HONEYFRAME_HEADER_TIMEOUT_S: "3" });
    const attack = (async () => {
      const conns = await connections(server.port, 15_000, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
      const started = Date.now();
      const closed = await Promise.all(conns.map((conn) => closedWithin(conn, 8_000)));
      closeAll(conns);
      return {
        opened: conns.length,
        closed: closed.filter(Boolean).length,
        ms: Date.now() - started,
      };
    })();
    const share = await pingsWhile(server.port, attack);
    const { opened, closed, ms } = await attack;
    assert.equal(opened, 15_000, "every connection was accepted");
    assert.equal(closed, opened, `all closed (${closed} of ${opened} in ${ms} ms)`);
    assert.ok(share >= 0.99, `pings from another address answered ${(share * 100).toFixed(1)}%`);
  },
});

Deno.test({
  name: "a second request head trickled a byte at a time is closed within the header timeout",
  ...needs("nginx"),
  sanitizeResources: false,
  async fn() {
    await using server = await startFront({ HONEYFRAME_HEADER_TIMEOUT_S: "2" });
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    await conn.write(new TextEncoder().encode("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    const buffer = new Uint8Array(4096);
    const read = await conn.read(buffer);
    assert.match(new TextDecoder().decode(buffer.subarray(0, read ?? 0)), /^HTTP\/1\.1 200/);
    // The next head, a byte every 5 s: the front closes the connection before the second byte.
    const started = Date.now();
    let stop = false;
    const trickle = (async () => {
      for (const byte of "GET /healthz HTTP/1.1\r\n") {
        if (stop) return;
        await conn.write(new TextEncoder().encode(byte)).catch(() => 0);
        await new Promise((resolve) => setTimeout(resolve, 5_000));
      }
    })();
    const closed = await closedWithin(conn, 6_000);
    const seconds = (Date.now() - started) / 1000;
    stop = true;
    closeAll([conn]);
    await trickle;
    assert.ok(closed, "the front closed the connection");
    assert.ok(seconds < 2 + 2, `closed after ${seconds.toFixed(1)} s`);
  },
});

Deno.test({
  name:
    "15,000 idle kept-alive connections under a limit of 8,192 descriptors: no crash, pings answer",
  ...needs("nginx"),
  sanitizeResources: false,
  async fn() {
    await using server = await startFront({
      HONEYFRAME_CLIENT_RATE: "1000000",
      HONEYFRAME_CLIENT_CONNECTIONS: "60000",
    }, 8_192);
    const attack = (async () => {
      const conns = await connections(
        server.port,
        15_000,
        "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
      );
      // Held for 5 s: about a hundred pings, so that the share means something.
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      return conns;
    })();
    const share = await pingsWhile(server.port, attack);
    const conns = await attack;
    closeAll(conns);
    assert.ok(conns.length > 8_192, `${conns.length} connections were made`);
    assert.ok(share >= 0.99, `pings from another address answered ${(share * 100).toFixed(1)}%`);
    const afterwards = await pingsWhile(server.port, new Promise((r) => setTimeout(r, 500)));
    assert.equal(afterwards, 1, "the service still answers");
    assert.doesNotMatch(server.output(), /Too many open files|EMFILE|ended/);
  },
});

Deno.test({
  name: "one address with 5,000 connections cannot take the service from another",
  ...needs("nginx"),
  sanitizeResources: false,
  async fn() {
    await using server = await startFront();
    const attack = (async () => {
      const conns = await connections(
        server.port,
        5_000,
        "GET /api/hang/forever HTTP/1.1\r\nHost: x\r\n\r\n",
      );
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      // Past its 100 requests in progress, the address is told so.
      const refused = await raw(
        server.port,
        "GET /api/hang/forever HTTP/1.1\r\nHost: x\r\n\r\n",
        2_000,
      );
      closeAll(conns);
      return refused;
    })();
    const share = await pingsWhile(server.port, attack);
    const refused = await attack;
    assert.match(refused, /^HTTP\/1\.1 429/);
    assert.match(refused, /too_many_requests/);
    assert.ok(share >= 0.99, `pings from another address answered ${(share * 100).toFixed(1)}%`);
  },
});

Deno.test({
  name:
    "a plugin body sent a byte a second is cut; oversized bodies and heads are refused at the front",
  ...needs("nginx"),
  sanitizeResources: false,
  async fn() {
    await using server = await startFront({
      HONEYFRAME_HEADER_TIMEOUT_S: "2",
      HONEYFRAME_PLUGIN_BODY_MAX_MB: "1",
      HONEYFRAME_PLUGIN_TIMEOUT_MS: "4000",
    });
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    await conn.write(new TextEncoder().encode(
      "POST /api/hang/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 30\r\n\r\n",
    ));
    let sent = 0;
    const started = Date.now();
    let stop = false;
    const slow = (async () => {
      while (!stop && sent < 30) {
        await conn.write(new TextEncoder().encode("x")).catch(() => 0);
        sent++;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    })();
    const closed = await closedWithin(conn, 20_000);
    stop = true;
    await slow;
    closeAll([conn]);
    // Cut by the plugin time limit (4 s), long before the 30th byte.
    assert.ok(closed && sent < 10, `cut after ${sent} bytes, ${(Date.now() - started) / 1000} s`);

    const url = `http://127.0.0.1:${server.port}`;
    const big = await fetch(`${url}/api/hang/upload`, {
      method: "POST",
      body: new Uint8Array(2 * 1024 * 1024),
    });
    assert.equal(big.status, 413);
    assert.equal((await big.json()).error, "body_too_large");
    const fits = await fetch(`${url}/api/hang/upload`, {
      method: "POST",
      body: new Uint8Array(512 * 1024),
    });
    assert.deepEqual(await fits.json(), { bytes: 512 * 1024 });
    // The host's own routes keep the host's limits.
    const form = await fetch(`${url}/admin/sign-in`, {
      method: "POST",
      body: new Uint8Array(100 * 1024),
    });
    assert.equal(form.status, 413);
    await form.body?.cancel();
    const head = await fetch(`${url}/healthz`, { headers: { "X-Big": "a".repeat(70_000) } });
    assert.equal(head.status, 400);
    await head.body?.cancel();
  },
});

Deno.test({
  name: "h2c and other upgrades are refused; streams pass unbuffered; request ids pass or are made",
  ...needs("nginx"),
  sanitizeResources: false,
  async fn() {
    await using server = await startFront();
    const preface = await raw(server.port, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 3_000);
    assert.ok(!preface.includes("\u0000"), "no HTTP/2 frame comes back");
    assert.match(preface, /^(HTTP\/1\.1 400|$)/);
    const upgrade = await raw(
      server.port,
      "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n" +
        "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n",
      3_000,
    );
    assert.match(upgrade, /^HTTP\/1\.1 400/);
    assert.doesNotMatch(upgrade, /101 Switching/);
    for (const verb of ["TRACE", "PROPFIND", "CONNECT"]) {
      const method = await raw(server.port, `${verb} /healthz HTTP/1.1\r\nHost: x\r\n\r\n`, 3_000);
      assert.match(method, /^HTTP\/1\.1 (405|400)/, verb);
      assert.doesNotMatch(method, /^HTTP\/1\.1 200/, verb);
    }

    // A streamed answer arrives as it is written.
    const response = await fetch(`http://127.0.0.1:${server.port}/api/hang/stream`);
    const reader = response.body!.getReader();
    const first = await reader.read();
    const firstAt = Date.now();
    assert.equal(new TextDecoder().decode(first.value), "first\n");
    let rest = "";
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      rest += new TextDecoder().decode(next.value);
    }
    assert.equal(rest, "second\n");
    assert.ok(Date.now() - firstAt >= 800, "the first part came before the second was written");

    const given = await fetch(`http://127.0.0.1:${server.port}/healthz`, {
      headers: { "X-Request-Id": "front-test-1234" },
    });
    assert.equal(given.headers.get("x-request-id"), "front-test-1234");
    await given.body?.cancel();
    const made = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    assert.match(made.headers.get("x-request-id") ?? "", /^[\w-]{16,}$/);
    await made.body?.cancel();
  },
});

Deno.test({
  name:
    "the host takes the client address from the front alone: a forged X-Forwarded-For is ignored",
  ...needs("nginx"),
  sanitizeResources: false,
  async fn() {
    await using server = await startFront({
      HONEYFRAME_CLIENT_RATE: "1000000",
      HONEYFRAME_TRUST_PROXY: "1",
    });
    const url = `http://127.0.0.1:${server.port}`;
    using other = Deno.createHttpClient({ localAddress: "127.0.0.2" });
    const seen = await (await fetch(`${url}/api/hang/headers`, {
      client: other,
      headers: { "X-Forwarded-For": "6.6.6.6" },
    })).json();
    assert.equal(seen["x-forwarded-for"], "127.0.0.2", "set to the real client, not appended");
    // The plugin sees the URL the client asked for (Deno names the socket's requests http+unix:),
    // also when the host hands it a copy without its own cookies.
    assert.equal(seen.url, `${url}/api/hang/headers`);
    const copied = await (await fetch(`${url}/api/hang/headers`, {
      headers: { Cookie: "hf_session=s; theme=dark" },
    })).json();
    assert.equal(copied.url, `${url}/api/hang/headers`);
    assert.equal(copied.cookie, "theme=dark");
    // Ten failed sign-ins, each claiming another address: the host counts them as one client's.
    const signIn = (forged: string, client?: Deno.HttpClient) =>
      fetch(`${url}/admin/sign-in`, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "X-Forwarded-For": forged,
          Origin: url,
        },
        body: new URLSearchParams({ token: "not-the-token" }),
        redirect: "manual",
        ...(client ? { client } : {}),
      });
    for (let attempt = 0; attempt < 10; attempt++) {
      const refused = await signIn(`10.0.0.${attempt}`);
      assert.equal(refused.status, 401);
      await refused.body?.cancel();
    }
    const throttled = await signIn("10.0.0.99");
    assert.equal(throttled.status, 429, "the forged addresses counted as one client");
    await throttled.body?.cancel();
    const elsewhere = await signIn("10.0.0.1", other);
    assert.equal(elsewhere.status, 401, "another real client is still heard");
    await elsewhere.body?.cancel();
  },
});

Deno.test({
  name: "SIGTERM drains the front, then the host: a 2 s request completes and both exit with 0",
  ...needs("nginx"),
  sanitizeResources: false,
  async fn() {
    await using server = await startFront();
    const chain = descendants(server.pid);
    assert.ok(chain.length >= 2, "the front runs the host and nginx");
    const slow = fetch(`http://127.0.0.1:${server.port}/api/hang/slow`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    Deno.kill(server.pid, "SIGTERM");
    const answer = await slow;
    assert.equal(answer.status, 200);
    assert.equal(await answer.text(), "done");
    assert.ok(await exited(server.pid, 15_000), "the front exits");
    assert.deepEqual(chain.filter(alive), [], "nginx and the host are gone");
    assert.match(server.output(), /Honeyframe Edge stopped/);
    const status = await server.status;
    assert.equal(status.code, 0, server.output());
  },
});

Deno.test("nginx is looked for on PATH, then in Debian's /usr/sbin", () => {
  assert.equal(findNginx("/nonexistent", []), undefined);
  using bin = makeTree({ "nginx": "#!/bin/sh\n" });
  assert.equal(findNginx(`/nonexistent:${bin.root}`, []), join(bin.root, "nginx"));
});
