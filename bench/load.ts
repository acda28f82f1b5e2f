/**
 * Bounded load test of request-time isolation: 20 plugins, one of which throws on every request,
 * served by the Deno adapter in a child process on 127.0.0.1 and hit by concurrent clients for a
 * few seconds. Healthy plugins must answer 100%, every failure must name the failing plugin, and
 * the server's RSS is reported before and after (from `ps`).
 *
 *   deno task bench:load [--seconds 10] [--clients 32]
 *
 * Exits 1 when a healthy plugin missed a request or a failure was not attributed.
 *
 * @module
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildRegistry, writeRegistry } from "../src/build/mod.ts";
import { serverEntrySource } from "../src/build/server_entry.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seconds: { type: "string", default: "10" },
    clients: { type: "string", default: "32" },
  },
});
const seconds = Math.min(Number(values.seconds), 30);
const clients = Number(values.clients);
const PLUGINS = 20;
const FAILING = "plugin-07";

const root = mkdtempSync(join(tmpdir(), "honeyframe-load-"));
try {
  const names = Array.from(
    { length: PLUGINS },
    (_, index) => `plugin-${String(index + 1).padStart(2, "0")}`,
  );
  for (const name of names) {
    const dir = join(root, "data/plugins", name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "plugin.yaml"),
      `name: ${name}\nversion: 1.0.0\nrouters:\n  - router.ts:router\n`,
    );
    const body = name === FAILING
      ? `throw new Error("${name} always fails");`
      : `return c.json({ plugin: "${name}" });`;
    writeFileSync(
      join(dir, "router.ts"),
      `import { Hono } from "hono";\nexport const router = new Hono().get("/work", (c) => { ${body} });\n`,
    );
  }
  const outFile = join(root, "gen/registry.ts");
  const result = await buildRegistry({
    installDir: join(root, "none"),
    dataDir: join(root, "data"),
    outFile,
  });
  writeRegistry(outFile, result.source);
  const entry = join(root, "gen/server.ts");
  writeFileSync(entry, serverEntrySource(outFile, entry));
  const server = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--config",
      resolve("deno.json"),
      "--deny-read",
      "--deny-write",
      "--allow-net=127.0.0.1",
      "--allow-env",
      entry,
    ],
    env: { PORT: "0", HOST: "127.0.0.1" },
    clearEnv: true,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  try {
    const port = await listeningPort(server.stdout);
    const rssBefore = await rssKiB(server.pid);
    const tally = new Map(
      names.map((name) => [name, { ok: 0, failed: 0, attributed: 0, other: 0 }]),
    );
    const deadline = performance.now() + seconds * 1000;
    let sent = 0;
    const client = async (offset: number) => {
      for (let index = offset; performance.now() < deadline; index += clients) {
        const name = names[index % names.length]!;
        const response = await fetch(`http://127.0.0.1:${port}/api/${name}/work`);
        const body = await response.json();
        const row = tally.get(name)!;
        sent++;
        if (response.status === 200 && body.plugin === name) row.ok++;
        else if (response.status === 500) {
          row.failed++;
          if (body.error === "plugin_error" && body.plugin === name) row.attributed++;
        } else row.other++;
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: clients }, (_, offset) => client(offset)));
    const elapsed = (performance.now() - started) / 1000;
    const rssAfter = await rssKiB(server.pid);

    const healthy = names.filter((name) => name !== FAILING).map((name) => tally.get(name)!);
    const healthyRequests = healthy.reduce((sum, row) => sum + row.ok + row.failed + row.other, 0);
    const healthyOk = healthy.reduce((sum, row) => sum + row.ok, 0);
    const failing = tally.get(FAILING)!;
    const passed = healthyOk === healthyRequests && failing.attributed === failing.failed &&
      failing.ok === 0 &&
      failing.other === 0;

    console.log(`| measure | value |`);
    console.log(`| --- | --- |`);
    console.log(`| plugins (one throws on every request) | ${PLUGINS} |`);
    console.log(`| concurrent clients, duration | ${clients}, ${elapsed.toFixed(1)} s |`);
    console.log(`| requests | ${sent} (${Math.round(sent / elapsed)}/s) |`);
    console.log(
      `| healthy plugins answered 200 | ${healthyOk} / ${healthyRequests} (${
        pct(healthyOk, healthyRequests)
      }) |`,
    );
    console.log(
      `| failures of ${FAILING} attributed to it | ${failing.attributed} / ${failing.failed} (${
        pct(failing.attributed, failing.failed)
      }) |`,
    );
    console.log(`| server RSS before → after | ${mib(rssBefore)} → ${mib(rssAfter)} |`);
    console.log(passed ? "\nPASS" : "\nFAIL");
    if (!passed) Deno.exitCode = 1;
  } finally {
    server.kill("SIGTERM");
    await server.status;
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}

async function listeningPort(stdout: ReadableStream<Uint8Array>): Promise<number> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stdout) {
    text += decoder.decode(chunk, { stream: true });
    const port = /listening on http:\/\/[^:]+:(\d+)\//.exec(text)?.[1];
    if (port) {
      stdout.pipeTo(new WritableStream()).catch(() => {});
      return Number(port);
    }
  }
  throw new Error(`the server exited before listening:\n${text}`);
}

/** Resident set size of a process, in KiB (`ps`, since Deno guards /proc behind --allow-all). */
async function rssKiB(pid: number): Promise<number> {
  const output = await new Deno.Command("ps", { args: ["-o", "rss=", "-p", String(pid)] }).output();
  return Number(new TextDecoder().decode(output.stdout).trim());
}

function mib(kib: number): string {
  return `${(kib / 1024).toFixed(1)} MiB`;
}

function pct(part: number, whole: number): string {
  return whole === 0 ? "n/a" : `${((part / whole) * 100).toFixed(2)}%`;
}
