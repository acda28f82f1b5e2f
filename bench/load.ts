/**
 * Bounded load test of request-time isolation, in two runs side by side on 127.0.0.1: the same 20
 * plugins served by the Deno adapter in a child process (in its own process,
 * `HONEYFRAME_ISOLATION=none`), first with only the 18 healthy ones asked (the baseline), then with every plugin asked, among them one that throws on every request and
 * one that never answers (cut off by the plugin time limit). Healthy plugins must answer 100% in
 * both runs with their p99 latency within 2× of the baseline's, every failure and timeout must
 * name its plugin and request id and be logged once as a JSON line, and the server's peak RSS
 * (sampled every 250 ms) must stay within 2× of the baseline's.
 *
 *   deno task bench:load [--seconds 10] [--clients 32] [--timeout-ms 250]
 *
 * Exits 1 when a criterion is missed.
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
    "timeout-ms": { type: "string", default: "250" },
  },
});
const seconds = Math.min(Number(values.seconds), 30);
const clients = Number(values.clients);
const timeoutMs = Number(values["timeout-ms"]);
const PLUGINS = 20;
const THROWING = "plugin-07";
const HANGING = "plugin-13";
/** The run with failures may peak at most this many times the baseline's peak RSS. */
const RSS_RATIO_LIMIT = 2;

const names = Array.from(
  { length: PLUGINS },
  (_, index) => `plugin-${String(index + 1).padStart(2, "0")}`,
);
const healthyNames = names.filter((name) => name !== THROWING && name !== HANGING);

/** What one plugin's requests got. */
interface Tally {
  ok: number;
  failed: number;
  timedOut: number;
  attributed: number;
  other: number;
}

/** One run against one server process. */
interface RunResult {
  readonly label: string;
  readonly elapsed: number;
  readonly sent: number;
  readonly tally: Map<string, Tally>;
  readonly healthyLatencies: number[];
  readonly rss: number[];
  readonly errorLines: number;
  readonly unparsedLines: number;
}

const root = mkdtempSync(join(tmpdir(), "honeyframe-load-"));
try {
  const entry = await buildTree(root);
  const baseline = await run("healthy plugins only (baseline)", entry, healthyNames);
  const loaded = await run("with a throwing and a hanging plugin", entry, names);
  report([baseline, loaded]);
} finally {
  rmSync(root, { recursive: true, force: true });
}

/** Writes the plugins, builds the registry and the server entry; returns the entry. */
async function buildTree(root: string): Promise<string> {
  for (const name of names) {
    const dir = join(root, "data/plugins", name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "plugin.yaml"),
      `name: ${name}\nversion: 1.0.0\nrouters:\n  - router.ts:router\n`,
    );
    const handler = name === THROWING
      ? `() => { throw new Error("${name} always fails"); }`
      : name === HANGING
      ? `() => new Promise<Response>(() => {})`
      : `(c) => c.json({ plugin: "${name}" })`;
    writeFileSync(
      join(dir, "router.ts"),
      `import { Hono } from "hono";\nexport const router = new Hono().get("/work", ${handler});\n`,
    );
  }
  const outFile = join(root, "gen/registry.ts");
  const result = await buildRegistry({
    isolation: "none",
    installDir: join(root, "none"),
    dataDir: join(root, "data"),
    outFile,
  });
  writeRegistry(outFile, result);
  const entry = join(root, "gen/server.ts");
  writeFileSync(entry, serverEntrySource(outFile, entry));
  return entry;
}

/** Starts a server, sends requests to `targets` from concurrent clients, stops it. */
async function run(label: string, entry: string, targets: readonly string[]): Promise<RunResult> {
  const server = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--no-remote",
      "--config",
      resolve("deno.json"),
      "--deny-read",
      "--deny-write",
      "--allow-net=127.0.0.1",
      "--allow-env",
      entry,
    ],
    env: {
      PORT: "0",
      HOST: "127.0.0.1",
      HONEYFRAME_LOG_FORMAT: "json",
      HONEYFRAME_PLUGIN_TIMEOUT_MS: String(timeoutMs),
      HONEYFRAME_ISOLATION: "none",
    },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const logged = countLogLines(server.stderr);
  try {
    const port = await listeningPort(server.stdout);
    const tally = new Map(
      targets.map((name) => [name, { ok: 0, failed: 0, timedOut: 0, attributed: 0, other: 0 }]),
    );
    const healthyLatencies: number[] = [];
    const rss: number[] = [];
    const sampler = setInterval(() => void rssKiB(server.pid).then((kib) => rss.push(kib)), 250);
    const deadline = performance.now() + seconds * 1000;
    let sent = 0;
    const client = async (offset: number) => {
      for (let index = offset; performance.now() < deadline; index += clients) {
        const name = targets[index % targets.length]!;
        const started = performance.now();
        const response = await fetch(`http://127.0.0.1:${port}/api/${name}/work`);
        const body = await response.json();
        const latency = performance.now() - started;
        const row = tally.get(name)!;
        sent++;
        const attributed = body.plugin === name &&
          body.request_id === response.headers.get("X-Request-Id");
        if (response.status === 200 && body.plugin === name) {
          row.ok++;
          if (healthyNames.includes(name)) healthyLatencies.push(latency);
        } else if (response.status === 500) {
          row.failed++;
          if (body.error === "plugin_error" && attributed) row.attributed++;
        } else if (response.status === 504) {
          row.timedOut++;
          if (body.error === "plugin_timeout" && attributed) row.attributed++;
        } else row.other++;
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: clients }, (_, offset) => client(offset)));
    const elapsed = (performance.now() - started) / 1000;
    clearInterval(sampler);
    rss.push(await rssKiB(server.pid));
    server.kill("SIGTERM");
    await server.status;
    const { errors, unparsed } = await logged;
    return {
      label,
      elapsed,
      sent,
      tally,
      healthyLatencies,
      rss,
      errorLines: errors,
      unparsedLines: unparsed,
    };
  } finally {
    try {
      server.kill("SIGKILL");
    } catch {
      // already stopped
    }
  }
}

/** Prints the table and the verdict; sets the exit code. */
function report(runs: readonly RunResult[]): void {
  const [baseline, loaded] = runs as [RunResult, RunResult];
  const rows: [string, (run: RunResult) => string][] = [
    ["concurrent clients, duration", (run) => `${clients}, ${run.elapsed.toFixed(1)} s`],
    ["requests", (run) => `${run.sent} (${Math.round(run.sent / run.elapsed)}/s)`],
    ["healthy plugins answered 200", (run) => {
      const { ok, all } = healthyCounts(run);
      return `${ok} / ${all} (${pct(ok, all)})`;
    }],
    [
      "healthy p50 / p99 latency",
      (run) =>
        `${percentile(run.healthyLatencies, 50).toFixed(1)} / ${
          percentile(run.healthyLatencies, 99).toFixed(1)
        } ms`,
    ],
    [`failures of ${THROWING} attributed to it`, (run) => attributedText(run, THROWING, "failed")],
    [
      `timeouts of ${HANGING} (504 after ${timeoutMs} ms) attributed to it`,
      (run) => attributedText(run, HANGING, "timedOut"),
    ],
    [
      "error log lines (JSON) / failures + timeouts",
      (run) =>
        `${run.errorLines} / ${problemCount(run)}${
          run.unparsedLines ? ` (${run.unparsedLines} not JSON)` : ""
        }`,
    ],
    [
      "server RSS after 1 s → peak → end",
      (run) =>
        `${mib(rssAfterWarmUp(run))} → ${mib(Math.max(...run.rss))} → ${mib(run.rss.at(-1)!)}`,
    ],
  ];
  console.log(`| measure | ${baseline.label} | ${loaded.label} |`);
  console.log(`| --- | --- | --- |`);
  for (const [label, cell] of rows) {
    console.log(`| ${label} | ${cell(baseline)} | ${cell(loaded)} |`);
  }

  const p99Ratio = percentile(loaded.healthyLatencies, 99) /
    percentile(baseline.healthyLatencies, 99);
  const rssRatio = Math.max(...loaded.rss) / Math.max(...baseline.rss);
  const checks: [string, boolean][] = [
    [
      "healthy plugins answer 100% in both runs",
      runs.every((run) => {
        const { ok, all } = healthyCounts(run);
        return all > 0 && ok === all;
      }),
    ],
    [`healthy p99 within 2× of the baseline (${p99Ratio.toFixed(2)}×)`, p99Ratio <= 2],
    [
      "every failure and timeout names its plugin and request id",
      [THROWING, HANGING].every((name) => {
        const row = loaded.tally.get(name)!;
        return row.ok === 0 && row.other === 0 && row.attributed === row.failed + row.timedOut &&
          row.attributed > 0;
      }),
    ],
    [
      "each failure and timeout is one JSON error line",
      runs.every((run) => run.errorLines === problemCount(run) && run.unparsedLines === 0),
    ],
    [
      `peak RSS within ${RSS_RATIO_LIMIT}× of the baseline's (${rssRatio.toFixed(2)}×)`,
      rssRatio <= RSS_RATIO_LIMIT,
    ],
  ];
  console.log("");
  for (const [label, passed] of checks) console.log(`${passed ? "met " : "MISSED"} ${label}`);
  const passed = checks.every(([, ok]) => ok);
  console.log(passed ? "\nPASS" : "\nFAIL");
  if (!passed) Deno.exitCode = 1;
}

function healthyCounts(run: RunResult): { ok: number; all: number } {
  let ok = 0;
  let all = 0;
  for (const name of healthyNames) {
    const row = run.tally.get(name)!;
    ok += row.ok;
    all += row.ok + row.failed + row.timedOut + row.other;
  }
  return { ok, all };
}

function problemCount(run: RunResult): number {
  return [THROWING, HANGING].reduce((sum, name) => {
    const row = run.tally.get(name);
    return sum + (row ? row.failed + row.timedOut : 0);
  }, 0);
}

function attributedText(run: RunResult, name: string, field: "failed" | "timedOut"): string {
  const row = run.tally.get(name);
  if (!row) return "not asked";
  return `${row.attributed} / ${row[field]} (${pct(row.attributed, row[field])})`;
}

/** The RSS once the server is warm: the first sample after one second. */
function rssAfterWarmUp(run: RunResult): number {
  return run.rss[Math.min(4, run.rss.length - 1)]!;
}

async function countLogLines(
  stderr: ReadableStream<Uint8Array>,
): Promise<{ errors: number; unparsed: number }> {
  const decoder = new TextDecoder();
  let rest = "";
  let errors = 0;
  let unparsed = 0;
  const count = (line: string) => {
    if (line === "") return;
    try {
      if (JSON.parse(line).level === "error") errors++;
    } catch {
      unparsed++;
    }
  };
  for await (const chunk of stderr) {
    const lines = (rest + decoder.decode(chunk, { stream: true })).split("\n");
    rest = lines.pop()!;
    lines.forEach(count);
  }
  count(rest);
  return { errors, unparsed };
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
  return Number(new TextDecoder().decode(output.stdout).trim()) || 0;
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function mib(kib: number): string {
  return `${(kib / 1024).toFixed(1)} MiB`;
}

function pct(part: number, whole: number): string {
  return whole === 0 ? "n/a" : `${((part / whole) * 100).toFixed(2)}%`;
}
