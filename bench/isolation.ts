/**
 * What isolating customer plugins costs, side by side in one run: the same build of synthetic
 * customer plugins served by the same Deno server, once with every plugin in the server's process
 * (`HONEYFRAME_ISOLATION=none`) and once with each in a worker of the plugin process (`customer`,
 * the default), rounds alternated. It reports the p50 latency of sequential requests to one plugin
 * route, the requests/s of 32 concurrent clients (autocannon) on it, the time from spawn to the
 * last plugin's first 200 (isolated plugins' workers start on first use), and the resident memory
 * of the server with its plugin process once serving and once every plugin has answered (MiB per
 * worker = the difference from the server's process alone divided by the plugins). Targets (issue 29): extra p50 ≤ 0.25
 * ms, requests/s ≥ 0.7×, ready ≤ 1.5× the in-process start; they are reported, not enforced.
 *
 *   deno task bench:isolation           100 plugins, 3 rounds
 *   deno task bench:isolation --quick   20 plugins, 1 round, short load (for CI)
 *
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildRegistry, serverEntrySource, writeRegistry } from "../src/build/mod.ts";
import { loadWith32Clients } from "./lib/autocannon.ts";
import { spawnServer } from "./lib/cold_start.ts";
import { median } from "./lib/median.ts";
import { treeRssMiB } from "./lib/process_memory.ts";
import { pluginName, writePluginTree } from "./lib/synthetic.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { quick: { type: "boolean", default: false } },
});
const quick = values.quick;
const PLUGINS = quick ? 20 : 100;
const ROUNDS = quick ? 1 : 3;
const SEQUENTIAL = quick ? 500 : 3_000;
const LOAD_SECONDS = quick ? 2 : 10;
const project = resolve(".");
const deno = Deno.execPath();

type Mode = "none" | "customer";
const MODES: readonly Mode[] = ["none", "customer"];

/** One round's numbers for one mode. */
interface Sample {
  readyS: number;
  /** Once serving: isolated plugins' workers start on first use, so two have started. */
  rssMiB: number;
  /** Once every plugin has answered a request (every worker started). */
  rssAllMiB: number;
  p50Ms: number;
  rps: number;
}

const dir = mkdtempSync(join(tmpdir(), "honeyframe-bench-isolation-"));
try {
  const entry = await buildTree(dir);
  const route = `/api/${pluginName(Math.ceil(PLUGINS / 2))}/b/items/42`;
  const samples: Record<Mode, Sample[]> = { none: [], customer: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of MODES) samples[mode].push(await measure(entry, dir, mode, route));
  }
  console.log(report(samples, route));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Writes the synthetic customer plugins, builds them with worker bundles, writes a server entry. */
async function buildTree(root: string): Promise<string> {
  const dataDir = join(root, "data");
  writePluginTree(dataDir, PLUGINS);
  const outFile = join(root, "gen/registry.ts");
  const started = performance.now();
  const result = await buildRegistry({
    installDir: join(root, "none"),
    dataDir,
    outFile,
    isolation: "customer",
  });
  writeRegistry(outFile, result);
  console.log(
    `built ${PLUGINS} customer plugins with their worker bundles in ${
      ((performance.now() - started) / 1000).toFixed(1)
    } s`,
  );
  const entry = join(root, "gen/server.ts");
  writeFileSync(entry, serverEntrySource(outFile, entry));
  return entry;
}

/** Starts a server in one mode, and measures its start, memory, latency and throughput. */
async function measure(entry: string, root: string, mode: Mode, route: string): Promise<Sample> {
  const started = performance.now();
  const server = spawnServer(
    deno,
    ["run", "--no-prompt", "-A", "--config", join(project, "deno.json"), entry],
    join(root, "data"),
    project,
    { HONEYFRAME_ISOLATION: mode },
  );
  try {
    const base = `http://127.0.0.1:${await server.port}`;
    const last = await fetch(`${base}/api/${pluginName(PLUGINS)}/a/one`);
    await last.body?.cancel();
    if (last.status !== 200) throw new Error(`${mode}: status ${last.status} at start`);
    const readyS = (performance.now() - started) / 1000;
    const times: number[] = [];
    for (let index = 0; index < SEQUENTIAL + 200; index++) {
      const before = performance.now();
      const response = await fetch(`${base}${route}`);
      await response.arrayBuffer();
      if (index >= 200) times.push(performance.now() - before);
    }
    const rssMiB = treeRssMiB(server.pid);
    const { rps } = await loadWith32Clients(project, `${base}${route}`, LOAD_SECONDS, mode);
    for (let index = 1; index <= PLUGINS; index++) {
      const response = await fetch(`${base}/api/${pluginName(index)}/a/one`);
      await response.body?.cancel();
      if (response.status !== 200) throw new Error(`${mode}: status ${response.status}`);
    }
    const rssAllMiB = treeRssMiB(server.pid);
    return { readyS, rssMiB, rssAllMiB, p50Ms: median(times), rps };
  } finally {
    await server.stop();
  }
}

/** The table, the ratios and the targets. */
function report(samples: Record<Mode, Sample[]>, route: string): string {
  const of = (mode: Mode, key: keyof Sample) => median(samples[mode].map((sample) => sample[key]));
  const fixed = (value: number, digits: number) => value.toFixed(digits);
  const extraP50 = of("customer", "p50Ms") - of("none", "p50Ms");
  const rpsRatio = of("customer", "rps") / of("none", "rps");
  const readyRatio = of("customer", "readyS") / of("none", "readyS");
  const perWorker = (of("customer", "rssAllMiB") - of("none", "rssAllMiB")) / PLUGINS;
  const verdict = (met: boolean) => (met ? "met" : "MISSED");
  return [
    "",
    `## Isolation: ${PLUGINS} customer plugins, ${route} (medians of ${ROUNDS} round(s))`,
    "",
    "| measure | in the server's process | a worker each in the plugin process | ratio |",
    "| --- | --- | --- | --- |",
    `| p50 latency, ${SEQUENTIAL} sequential requests | ${fixed(of("none", "p50Ms"), 3)} ms | ${
      fixed(of("customer", "p50Ms"), 3)
    } ms | +${fixed(extraP50, 3)} ms |`,
    `| requests/s, 32 clients, ${LOAD_SECONDS} s | ${fixed(of("none", "rps"), 0)} | ${
      fixed(of("customer", "rps"), 0)
    } | ${fixed(rpsRatio, 2)}× |`,
    `| spawn to the last plugin's first 200 | ${fixed(of("none", "readyS"), 2)} s | ${
      fixed(of("customer", "readyS"), 2)
    } s | ${fixed(readyRatio, 2)}× |`,
    `| resident memory once serving (workers start on first use) | ${
      fixed(of("none", "rssMiB"), 0)
    } MiB | ${fixed(of("customer", "rssMiB"), 0)} MiB | +${
      fixed(of("customer", "rssMiB") - of("none", "rssMiB"), 0)
    } MiB |`,
    `| resident memory once every plugin has answered | ${
      fixed(of("none", "rssAllMiB"), 0)
    } MiB | ${fixed(of("customer", "rssAllMiB"), 0)} MiB | ${fixed(perWorker, 1)} MiB per worker |`,
    "",
    `${verdict(extraP50 <= 0.25)}  extra p50 ≤ 0.25 ms (${fixed(extraP50, 3)} ms)`,
    `${verdict(rpsRatio >= 0.7)}  requests/s ≥ 0.7× in process (${fixed(rpsRatio, 2)}×)`,
    `${verdict(readyRatio <= 1.5)}  ready ≤ 1.5× the in-process start (${fixed(readyRatio, 2)}×)`,
  ].join("\n");
}
