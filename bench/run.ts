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
import { join } from "node:path";
import { parseArgs } from "node:util";
import { bundle } from "../src/build/bundle.ts";
import { serverEntrySource } from "../src/build/server_entry.ts";
import { loadWith32Clients } from "./lib/autocannon.ts";
import { timeCliBuild } from "./lib/cli_build.ts";
import { type ClientBuild, timeClientBuilds } from "./lib/clients.ts";
import { type IncrementalTimes, timeDevLoop, timeIncrementalBuilds } from "./lib/incremental.ts";
import { median } from "./lib/median.ts";
import {
  spawnServer,
  timeProcessColdStart,
  timeProcessStart,
  timeWorkerdColdStart,
  type WorkerdColdStart,
} from "./lib/cold_start.ts";
import {
  folderScanningLoader,
  handWrittenApp,
  pluginName,
  writePluginTree,
} from "./lib/synthetic.ts";

// These tables measure the host with every plugin in its own process, as before customer plugins
// were isolated: builds, servers and the dev loop below inherit this. `deno task bench:isolation`
// measures what the plugin process costs, side by side.
Deno.env.set("HONEYFRAME_ISOLATION", "none");

const { values } = parseArgs({
  args: Deno.args,
  options: { quick: { type: "boolean", default: false } },
});
const quick = values.quick;
const SIZES = quick ? [10, 100] : [10, 100, 1000];
const ROUNDS = quick ? 1 : 3;
/** Cold starts are short and noisy (the machine's speed varies by up to 2×): more rounds of them. */
const COLD_ROUNDS = quick ? 1 : 9;
const LOAD_SECONDS = quick ? 2 : 8;
const DEV_ROUNDS = quick ? 2 : 5;
const deno = Deno.execPath();
const project = Deno.cwd();

type Variant = "ours" | "ours, eager" | "hand-written" | "folder loader";
/** The bundles of the other runtimes: ours and the hand-written app, for Node and for workerd. */
type OtherBundles = Record<"node" | "workerd", { ours: string; hand: string }>;
interface SizeResult {
  plugins: number;
  buildSeconds: number;
  coldStart: Record<Variant, number>;
  /** Ours (background imports): spawn to `/readyz` 200, every plugin's code imported. */
  ready: number;
  bundleKiB?: number;
  node: { ours: number; hand: number };
  workerd: { ours: WorkerdColdStart; hand: WorkerdColdStart };
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
    const others = prepareOtherRuntimes(dir, plugins);
    const coldStart = {
      "ours": [] as number[],
      "ours, eager": [] as number[],
      "hand-written": [] as number[],
      "folder loader": [] as number[],
    };
    const ready: number[] = [];
    const node = { ours: [] as number[], hand: [] as number[] };
    const workerd = { ours: [] as WorkerdColdStart[], hand: [] as WorkerdColdStart[] };
    // One unmeasured start of each file first: Deno writes a script's compiled code to its cache on
    // the first run, and that run is slower (two variants share our bundle).
    for (const variant of Object.keys(coldStart) as Variant[]) {
      await timeProcessStart(deno, denoArgs(files[variant]), join(dir, "data"), project, {}, false);
    }
    for (let round = 0; round < COLD_ROUNDS; round++) {
      for (const variant of Object.keys(coldStart) as Variant[]) {
        const env: Record<string, string> = variant === "ours, eager"
          ? { HONEYFRAME_PLUGIN_LOADING: "eager" }
          : {};
        const times = await timeProcessStart(
          deno,
          denoArgs(files[variant]),
          join(dir, "data"),
          project,
          env,
          variant === "ours",
        );
        coldStart[variant].push(times.first);
        if (times.ready !== undefined) ready.push(times.ready);
      }
      for (const variant of ["ours", "hand"] as const) {
        node[variant].push(
          await timeProcessColdStart("node", [others.node[variant]], join(dir, "data"), project),
        );
        workerd[variant].push(await timeWorkerdColdStart(others.workerd[variant]));
      }
    }
    const medianWorkerd = (times: WorkerdColdStart[]) => ({
      total: median(times.map((time) => time.total)),
      firstRequest: median(times.map((time) => time.firstRequest)),
    });
    results.push({
      plugins,
      buildSeconds,
      coldStart: {
        "ours": median(coldStart.ours),
        "ours, eager": median(coldStart["ours, eager"]),
        "hand-written": median(coldStart["hand-written"]),
        "folder loader": median(coldStart["folder loader"]),
      },
      ready: median(ready),
      bundleKiB: statSync(files.ours).size / 1024,
      node: { ours: median(node.ours), hand: median(node.hand) },
      workerd: { ours: medianWorkerd(workerd.ours), hand: medianWorkerd(workerd.hand) },
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
    "ours, eager": join(dir, "dist/ours.js"),
    "hand-written": join(dir, "dist/hand.js"),
    "folder loader": loader,
  };
}

/** Writes the Node and Worker bundles of a tree: ours and the hand-written app for each. */
function prepareOtherRuntimes(dir: string, plugins: number): OtherBundles {
  const registry = join(dir, "gen/registry.ts");
  const write = (name: string, source: string, output: string) => {
    const entry = join(dir, "gen", name);
    writeFileSync(entry, source);
    bundle({ entry, output: join(dir, "dist", output) }, project);
    return join(dir, "dist", output);
  };
  const oursNode = join(dir, "gen/ours_node.ts");
  const oursWorker = join(dir, "gen/ours_worker.ts");
  return {
    node: {
      ours: write("ours_node.ts", serverEntrySource(registry, oursNode, "node"), "ours.mjs"),
      hand: write("hand_node.ts", handWrittenApp(plugins, "node"), "hand.mjs"),
    },
    workerd: {
      ours: write("ours_worker.ts", serverEntrySource(registry, oursWorker, "worker"), "worker.js"),
      hand: write("hand_worker.ts", handWrittenApp(plugins, "worker"), "hand_worker.js"),
    },
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

/** How the benchmark runs a Deno server: same flags for every variant. */
function denoArgs(file: string): string[] {
  return ["run", "--no-prompt", "-A", "--config", join(project, "deno.json"), file];
}

/**
 * Throughput and p99 on the same plugin route, ours and hand-written alternated, both bare
 * (`deno task bench:front` measures them behind the front); peak RSS.
 */
async function measureLoad(files: Record<Variant, string>, plugins: number) {
  const path = `/api/${pluginName(Math.ceil(plugins / 2))}/b/items/42`;
  const servers = [
    { name: "ours", file: files.ours, env: {} },
    { name: "hand", file: files["hand-written"], env: {} },
  ] as const;
  const runs = Object.fromEntries(
    servers.map((
      { name },
    ) => [name, { rps: [] as number[], p99: [] as number[], rssMiB: [] as number[] }]),
  ) as Record<(typeof servers)[number]["name"], { rps: number[]; p99: number[]; rssMiB: number[] }>;
  for (let round = 0; round < (quick ? 1 : 2); round++) {
    for (const { name, file, env } of servers) {
      const server = spawnServer(deno, denoArgs(file), "", project, env);
      try {
        const port = await server.port;
        const result = await loadWith32Clients(
          project,
          `http://127.0.0.1:${port}${path}`,
          LOAD_SECONDS,
          name,
        );
        runs[name].rps.push(result.rps);
        runs[name].p99.push(result.p99);
        runs[name].rssMiB.push(peakRssKiB(server.pid) / 1024);
      } finally {
        await server.stop();
      }
    }
  }
  // Memory once one plugin has served, before any other is used: ours imports only that one
  // (`lazy`); the hand-written app has every router at start.
  const oneRequest = { ours: [] as number[], hand: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    for (
      const [name, file, env] of [
        ["ours", files.ours, { HONEYFRAME_PLUGIN_LOADING: "lazy" }],
        ["hand", files["hand-written"], {}],
      ] as const
    ) {
      const server = spawnServer(deno, denoArgs(file), "", project, env);
      try {
        const response = await fetch(`http://127.0.0.1:${await server.port}${path}`);
        await response.body?.cancel();
        oneRequest[name].push(peakRssKiB(server.pid) / 1024);
      } finally {
        await server.stop();
      }
    }
  }
  const summary = (name: keyof typeof runs) => ({
    rps: median(runs[name].rps),
    p99: median(runs[name].p99),
    rssMiB: median(runs[name].rssMiB),
  });
  return {
    plugins,
    path,
    ours: summary("ours"),
    hand: summary("hand"),
    oneRequestMiB: { ours: median(oneRequest.ours), hand: median(oneRequest.hand) },
  };
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
    }, ${COLD_ROUNDS} of cold starts, medians; ${navigator.userAgent}, ${navigator.hardwareConcurrency} cores)`,
    "",
    "Deno (bundles, `deno run -A`, state in memory), build, and from spawn to the first 200 on one plugin's route (ours: its code imported on first use, the rest in the background; eager: every plugin imported before listening) and to `/readyz` 200 (every plugin imported):",
    "",
    "| plugins | build | first 200: ours | ours, eager | hand-written | folder loader | ours ÷ hand-written | eager ÷ hand-written | ready: ours | ready ÷ hand-written's first 200 | loader ÷ ours | bundle (minified) |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...results.map((r) =>
      `| ${r.plugins} | ${s(r.buildSeconds)} | ${s(r.coldStart.ours)} | ${
        s(r.coldStart["ours, eager"])
      } | ${s(r.coldStart["hand-written"])} | ${s(r.coldStart["folder loader"])} | ${
        x(r.coldStart.ours / r.coldStart["hand-written"])
      } | ${x(r.coldStart["ours, eager"] / r.coldStart["hand-written"])} | ${s(r.ready)} | ${
        x(r.ready / r.coldStart["hand-written"])
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
    `| ours (bundled) | ${load.ours.rps.toFixed(0)} | ${load.ours.p99.toFixed(2)} ms | ${
      load.ours.rssMiB.toFixed(1)
    } MiB |`,
    `| hand-written (bundled) | ${load.hand.rps.toFixed(0)} | ${load.hand.p99.toFixed(2)} ms | ${
      load.hand.rssMiB.toFixed(1)
    } MiB |`,
    `| ours ÷ hand-written | ${x(load.ours.rps / load.hand.rps)} | ${
      x(load.ours.p99 / load.hand.p99)
    } | ${x(load.ours.rssMiB / load.hand.rssMiB)} |`,
    "",
    `Peak RSS once one plugin has answered one request, before any other is used (ours \`lazy\`: only that plugin imported): ours ${
      load.oneRequestMiB.ours.toFixed(1)
    } MiB, hand-written ${load.oneRequestMiB.hand.toFixed(1)} MiB, ${
      x(load.oneRequestMiB.ours / load.oneRequestMiB.hand)
    }.`,
    "",
    "Node (bundles, `node dist/…mjs`, state in memory; the hand-written app on `@hono/node-server`), cold start to the first 200:",
    "",
    "| plugins | ours | hand-written | ours ÷ hand-written |",
    "| ---: | ---: | ---: | ---: |",
    ...results.map((r) =>
      `| ${r.plugins} | ${s(r.node.ours)} | ${s(r.node.hand)} | ${x(r.node.ours / r.node.hand)} |`
    ),
    "",
    "workerd (Worker bundles through Miniflare, state in memory), workerd's start and the first 200, and the first request alone:",
    "",
    "| plugins | ours | hand-written | ours ÷ hand-written | first request: ours | hand-written | ours ÷ hand-written |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...results.map((r) => {
      const { ours, hand } = r.workerd;
      const ms = (seconds: number) => `${(seconds * 1000).toFixed(0)} ms`;
      return `| ${r.plugins} | ${s(ours.total)} | ${s(hand.total)} | ${
        x(ours.total / hand.total)
      } | ${ms(ours.firstRequest)} | ${ms(hand.firstRequest)} | ${
        x(ours.firstRequest / hand.firstRequest)
      } |`;
    }),
  ];
  return lines.join("\n");
}
