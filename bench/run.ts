/**
 * The performance benchmark: build time, cold start, steady-state throughput and latency, peak RSS
 * and bundle size, for synthetic trees of 10, 100 and 1,000 plugins (× 2 routers × 3 routes),
 * incremental builds after one plugin changed (largest tree) and the dev loop's save-to-answer time
 * (100 plugins),
 * against a hand-written single-file Hono app with the same routes (the zero-overhead reference)
 * and a runtime folder-scanning loader (what a user would write without a build step). Variants are
 * measured side by side and alternated in every round.
 *
 *   deno task bench           full run (a few minutes), writes bench/results.md
 *   deno task bench --quick   10 and 100 plugins, one round, short load (for CI)
 *
 * @module
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { bundle } from "../src/build/bundle.ts";
import { serverEntrySource } from "../src/build/server_entry.ts";
import { timeCliBuild } from "./lib/cli_build.ts";
import { type ClientBuild, timeClientBuilds } from "./lib/clients.ts";
import { type IncrementalTimes, timeDevLoop, timeIncrementalBuilds } from "./lib/incremental.ts";
import { median } from "./lib/median.ts";
import {
  folderScanningLoader,
  handWrittenApp,
  pluginName,
  writePluginTree,
} from "./lib/synthetic.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { quick: { type: "boolean", default: false } },
});
const quick = values.quick;
const SIZES = quick ? [10, 100] : [10, 100, 1000];
const ROUNDS = quick ? 1 : 3;
const LOAD_SECONDS = quick ? 2 : 8;
const DEV_ROUNDS = quick ? 2 : 5;
const deno = Deno.execPath();
const project = Deno.cwd();

type Variant = "ours" | "hand-written" | "folder loader";
interface SizeResult {
  plugins: number;
  buildSeconds: number;
  coldStart: Record<Variant, number>;
  bundleKiB?: number;
}

const work = mkdtempSync(join(tmpdir(), "honeyframe-bench-"));
try {
  const results: SizeResult[] = [];
  let load: Awaited<ReturnType<typeof measureLoad>> | undefined;
  let incremental: IncrementalTimes | undefined;
  let devLoopSeconds = NaN;
  for (const plugins of SIZES) {
    console.error(`— ${plugins} plugins`);
    const dir = join(work, String(plugins));
    writePluginTree(join(dir, "data"), plugins);
    const buildSeconds = median(await repeat(ROUNDS, () => timeBuild(dir)));
    const files = prepareVariants(dir, plugins);
    const coldStart = {
      "ours": [] as number[],
      "hand-written": [] as number[],
      "folder loader": [] as number[],
    };
    for (let round = 0; round < ROUNDS; round++) {
      for (const variant of Object.keys(coldStart) as Variant[]) {
        coldStart[variant].push(await timeColdStart(files[variant], join(dir, "data")));
      }
    }
    results.push({
      plugins,
      buildSeconds,
      coldStart: {
        "ours": median(coldStart.ours),
        "hand-written": median(coldStart["hand-written"]),
        "folder loader": median(coldStart["folder loader"]),
      },
      bundleKiB: statSync(files.ours).size / 1024,
    });
    if (plugins === SIZES.at(-1)) load = await measureLoad(files, plugins);
    if (plugins === 100) {
      devLoopSeconds = await timeDevLoop(dir, plugins, DEV_ROUNDS, deno, project);
    }
    if (plugins === SIZES.at(-1)) {
      incremental = await timeIncrementalBuilds(dir, plugins, DEV_ROUNDS, deno, project);
    }
  }
  const demoKiB = demoBundleKiB(join(work, "demo"));
  console.error("— 100 plugins with client entries");
  const clients = await timeClientBuilds(join(work, "clients"), 100, ROUNDS);
  const report = formatReport(results, load!, demoKiB, incremental!, devLoopSeconds, clients);
  console.log(report);
  if (!quick) writeFileSync(join(project, "bench/results.md"), report + "\n");
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Writes the three servers of a tree: our bundle, the hand-written bundle, the loader (unbundled). */
function prepareVariants(dir: string, plugins: number): Record<Variant, string> {
  mkdirSync(join(dir, "dist"), { recursive: true });
  const ours = join(dir, "gen/ours.ts");
  writeFileSync(ours, serverEntrySource(join(dir, "gen/registry.ts"), ours));
  const hand = join(dir, "gen/hand.ts");
  writeFileSync(hand, handWrittenApp(plugins));
  const loader = join(dir, "gen/loader.ts");
  writeFileSync(loader, folderScanningLoader());
  bundle({ entry: ours, output: join(dir, "dist/ours.js") }, project);
  bundle({ entry: hand, output: join(dir, "dist/hand.js") }, project);
  return {
    "ours": join(dir, "dist/ours.js"),
    "hand-written": join(dir, "dist/hand.js"),
    "folder loader": loader,
  };
}

function timeBuild(dir: string): Promise<number> {
  return timeCliBuild(deno, project, {
    installDir: join(dir, "none"),
    dataDir: join(dir, "data"),
    outFile: join(dir, "gen/registry.ts"),
    noCache: true,
  });
}

/** Spawns a server and returns the seconds until its first 200 on a plugin route. */
async function timeColdStart(file: string, dataDir: string): Promise<number> {
  const started = performance.now();
  const server = spawnServer(file, dataDir);
  try {
    const port = await server.port;
    const response = await fetch(`http://127.0.0.1:${port}/api/${pluginName(1)}/a/one`);
    await response.body?.cancel();
    if (response.status !== 200) throw new Error(`${file}: status ${response.status}`);
    return (performance.now() - started) / 1000;
  } finally {
    await server.stop();
  }
}

function spawnServer(file: string, dataDir: string) {
  const child = new Deno.Command(deno, {
    args: ["run", "-A", "--config", join(project, "deno.json"), file],
    cwd: project,
    env: { PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, HONEYFRAME_STORE: "memory" },
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const port = (async () => {
    const decoder = new TextDecoder();
    let text = "";
    for await (const chunk of child.stdout) {
      text += decoder.decode(chunk, { stream: true });
      const match = /listening on http:\/\/[^:]+:(\d+)\//.exec(text);
      if (match) {
        child.stdout.pipeTo(new WritableStream()).catch(() => {});
        return Number(match[1]);
      }
    }
    throw new Error(`${file} exited before listening`);
  })();
  return {
    pid: child.pid,
    port,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

/** Throughput and p99 on the same plugin route, ours and hand-written alternated; peak RSS. */
async function measureLoad(files: Record<Variant, string>, plugins: number) {
  const path = `/api/${pluginName(Math.ceil(plugins / 2))}/b/items/42`;
  const runs: Record<"ours" | "hand-written", { rps: number[]; p99: number[]; rssMiB: number[] }> =
    {
      "ours": { rps: [], p99: [], rssMiB: [] },
      "hand-written": { rps: [], p99: [], rssMiB: [] },
    };
  for (let round = 0; round < (quick ? 1 : 2); round++) {
    for (const variant of ["ours", "hand-written"] as const) {
      const server = spawnServer(files[variant], "");
      try {
        const port = await server.port;
        const output = await new Deno.Command("node", {
          args: [
            resolve(project, "node_modules/autocannon/autocannon.js"),
            "-j",
            "-c",
            "32",
            "-d",
            String(LOAD_SECONDS),
            `http://127.0.0.1:${port}${path}`,
          ],
          stdout: "piped",
          stderr: "null",
        }).output();
        const result = JSON.parse(new TextDecoder().decode(output.stdout));
        if (result.non2xx > 0 || result.errors > 0) {
          throw new Error(`${variant}: ${result.non2xx} non-2xx, ${result.errors} errors`);
        }
        runs[variant].rps.push(result.requests.average);
        runs[variant].p99.push(result.latency.p99);
        runs[variant].rssMiB.push(peakRssKiB(server.pid) / 1024);
      } finally {
        await server.stop();
      }
    }
  }
  const summary = (variant: "ours" | "hand-written") => ({
    rps: median(runs[variant].rps),
    p99: median(runs[variant].p99),
    rssMiB: median(runs[variant].rssMiB),
  });
  return { plugins, path, ours: summary("ours"), hand: summary("hand-written") };
}

/** The bundle of the `_demo` plugin alone. */
function demoBundleKiB(dir: string): number {
  mkdirSync(join(dir, "gen"), { recursive: true });
  const build = new Deno.Command(deno, {
    args: [
      "run",
      "-A",
      "src/cli/tasks/plugins.ts",
      "build",
      "--data-dir",
      join(dir, "none"),
      "--out",
      join(dir, "gen/registry.ts"),
    ],
    cwd: project,
    stdout: "null",
  }).outputSync();
  if (build.code !== 0) throw new Error("the _demo build failed");
  writeFileSync(
    join(dir, "gen/ours.ts"),
    serverEntrySource(join(dir, "gen/registry.ts"), join(dir, "gen/ours.ts")),
  );
  bundle({ entry: join(dir, "gen/ours.ts"), output: join(dir, "ours.js") }, project);
  return statSync(join(dir, "ours.js")).size / 1024;
}

function peakRssKiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) =>
    l.startsWith("VmHWM:")
  );
  return Number(line?.match(/(\d+)/)?.[1] ?? NaN);
}

async function repeat<T>(times: number, run: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let index = 0; index < times; index++) results.push(await run());
  return results;
}

function formatReport(
  results: SizeResult[],
  load: Awaited<ReturnType<typeof measureLoad>>,
  demoKiB: number,
  incremental: IncrementalTimes,
  devLoopSeconds: number,
  clients: ClientBuild,
): string {
  const s = (seconds: number) => `${seconds.toFixed(2)} s`;
  const x = (ratio: number) => `${ratio.toFixed(2)}×`;
  const largest = results.at(-1)!;
  const lines = [
    `Honeyframe Edge benchmark (${quick ? "quick" : "full"}; ${ROUNDS} round${
      ROUNDS > 1 ? "s" : ""
    }, medians; ${navigator.userAgent}, ${navigator.hardwareConcurrency} cores)`,
    "",
    "| plugins | build | cold start: ours | hand-written | folder loader | ours ÷ hand-written | loader ÷ ours | bundle (minified) |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...results.map((r) =>
      `| ${r.plugins} | ${s(r.buildSeconds)} | ${s(r.coldStart.ours)} | ${
        s(r.coldStart["hand-written"])
      } | ${s(r.coldStart["folder loader"])} | ${
        x(r.coldStart.ours / r.coldStart["hand-written"])
      } | ${x(r.coldStart["folder loader"] / r.coldStart.ours)} | ${r.bundleKiB!.toFixed(0)} KiB |`
    ),
    "",
    `Build of ${largest.plugins} vs ${results.at(-2)!.plugins} plugins: ${
      x(largest.buildSeconds / results.at(-2)!.buildSeconds)
    }. Bundle of \`_demo\` alone: ${demoKiB.toFixed(0)} KiB.`,
    "",
    `One plugin changed (medians of ${DEV_ROUNDS} changes; the clean build is the table's build column):`,
    "",
    "| measure | plugins | time | ÷ clean build |",
    "| --- | ---: | ---: | ---: |",
    `| build, clean (\`--no-cache\`) | ${largest.plugins} | ${s(largest.buildSeconds)} | 1.00× |`,
    `| build, incremental (a fresh CLI process) | ${largest.plugins} | ${
      s(incremental.cliSeconds)
    } | ${x(incremental.cliSeconds / largest.buildSeconds)} |`,
    `| rebuild in the dev loop (in process) | ${largest.plugins} | ${
      s(incremental.inProcessSeconds)
    } | ${x(incremental.inProcessSeconds / largest.buildSeconds)} |`,
    `| dev loop: save → new answer | 100 | ${s(devLoopSeconds)} | — |`,
    "",
    `Client entries (each plugin a page and a \`hono/jsx/dom\` counter), clean build:`,
    "",
    "| plugins | build | bundles (minified) | bundles (gzip) |",
    "| ---: | ---: | ---: | ---: |",
    `| ${clients.plugins} | ${s(clients.buildSeconds)} | ${
      (clients.bytes / 1024).toFixed(0)
    } KiB | ${(clients.gzipBytes / 1024).toFixed(0)} KiB |`,
    "",
    `Steady state, ${load.plugins} plugins, \`GET ${load.path}\`, autocannon -c 32 for ${LOAD_SECONDS} s:`,
    "",
    "| server | requests/s | p99 latency | peak RSS |",
    "| --- | ---: | ---: | ---: |",
    `| ours (bundled) | ${load.ours.rps.toFixed(0)} | ${load.ours.p99} ms | ${
      load.ours.rssMiB.toFixed(1)
    } MiB |`,
    `| hand-written (bundled) | ${load.hand.rps.toFixed(0)} | ${load.hand.p99} ms | ${
      load.hand.rssMiB.toFixed(1)
    } MiB |`,
    `| ours ÷ hand-written | ${x(load.ours.rps / load.hand.rps)} | ${
      x(load.ours.p99 / load.hand.p99)
    } | ${x(load.ours.rssMiB / load.hand.rssMiB)} |`,
  ];
  return lines.join("\n");
}
