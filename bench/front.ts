/**
 * The front's cost: the host and the hand-written single-file app with the same routes, each bare
 * (`Deno.serve` on a port) and behind the front (nginx from `container/nginx.conf`, the app on its
 * Unix socket, as `npm run start:prod` runs it), alternated in every round, under autocannon -c 32.
 * Per-client limits are lifted (one load generator is one client). Each server is loaded for
 * `--warmup` seconds, unmeasured, before it is measured: the steady state, not the first seconds
 * after start-up, when V8 optimises the hot code and collects the start-up garbage (its first full
 * collection). Prints a table.
 *
 *   deno task bench:front              100 plugins, 3 rounds of 8 s, 3 s of warm-up each
 *   deno task bench:front --plugins 1000 --rounds 2 --seconds 5 --warmup 0
 *
 * @module
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { bundle } from "../src/build/bundle.ts";
import { serverEntrySource } from "../src/build/server_entry.ts";
import { loadWith32Clients } from "./lib/autocannon.ts";
import { timeCliBuild } from "./lib/cli_build.ts";
import { median } from "./lib/median.ts";
import { processTree } from "./lib/process_memory.ts";
import {
  handWrittenApp,
  handWrittenRoutedApp,
  pluginName,
  writePluginTree,
} from "./lib/synthetic.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    plugins: { type: "string", default: "100" },
    rounds: { type: "string", default: "3" },
    seconds: { type: "string", default: "8" },
    warmup: { type: "string", default: "3" },
  },
});
const PLUGINS = Number(values.plugins);
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);
const WARMUP_SECONDS = Number(values.warmup);
const deno = Deno.execPath();
const project = Deno.cwd();

/** One way to serve: which app, and whether behind the front. */
interface Variant {
  readonly name: string;
  readonly file: string;
  readonly front: boolean;
}

const work = mkdtempSync(join(tmpdir(), "honeyframe-bench-front-"));
try {
  writePluginTree(join(work, "data"), PLUGINS);
  mkdirSync(join(work, "dist"), { recursive: true });
  await timeCliBuild(deno, project, {
    installDir: join(work, "none"),
    dataDir: join(work, "data"),
    outFile: join(work, "gen/registry.ts"),
    noCache: true,
  });
  const ours = join(work, "gen/ours.ts");
  writeFileSync(ours, serverEntrySource(join(work, "gen/registry.ts"), ours));
  const hand = join(work, "gen/hand.ts");
  writeFileSync(hand, handWrittenApp(PLUGINS));
  bundle({ entry: ours, output: join(work, "dist/ours.js") }, project);
  bundle({ entry: hand, output: join(work, "dist/hand.js") }, project);
  const routed = join(work, "gen/routed.ts");
  writeFileSync(routed, handWrittenRoutedApp(PLUGINS, join(work, "data")));
  bundle({ entry: routed, output: join(work, "dist/routed.js") }, project);
  const variants: Variant[] = [
    { name: "ours, bare", file: join(work, "dist/ours.js"), front: false },
    { name: "hand-written, bare", file: join(work, "dist/hand.js"), front: false },
    { name: "ours, behind the front", file: join(work, "dist/ours.js"), front: true },
    { name: "hand-written, behind the front", file: join(work, "dist/hand.js"), front: true },
    // For reference: each plugin's routers as Hono apps of their own, as the host has them.
    {
      name: "hand-written, a router per plugin, bare",
      file: join(work, "dist/routed.js"),
      front: false,
    },
  ];
  const path = `/api/${pluginName(Math.ceil(PLUGINS / 2))}/b/items/42`;
  const runs = new Map(
    variants.map((
      v,
    ) => [v.name, { rps: [] as number[], p99: [] as number[], rss: [] as number[] }]),
  );
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of variants) {
      const result = await measure(variant, path, work);
      const run = runs.get(variant.name)!;
      run.rps.push(result.rps);
      run.p99.push(result.p99);
      run.rss.push(result.rssMiB);
      console.error(`round ${round + 1}: ${variant.name}: ${result.rps.toFixed(0)} req/s`);
    }
  }
  const row = (name: string) => {
    const run = runs.get(name)!;
    return { rps: median(run.rps), p99: median(run.p99), rss: median(run.rss) };
  };
  const x = (value: number) => `${value.toFixed(2)}×`;
  const lines = [
    `${PLUGINS} plugins, \`GET ${path}\`, autocannon -c 32 for ${SECONDS} s after ${WARMUP_SECONDS} s of warm-up, median of ${ROUNDS} alternated rounds; peak RSS of the app's process (not nginx):`,
    "",
    "| server | requests/s | p99 latency | peak RSS |",
    "| --- | ---: | ---: | ---: |",
    ...variants.map((v) => {
      const r = row(v.name);
      return `| ${v.name} | ${r.rps.toFixed(0)} | ${r.p99.toFixed(2)} ms | ${
        r.rss.toFixed(1)
      } MiB |`;
    }),
    ...(["bare", "behind the front"] as const).map((where) => {
      const o = row(`ours, ${where}`);
      const h = row(`hand-written, ${where}`);
      return `| ours ÷ hand-written, ${where} | ${x(o.rps / h.rps)} | ${x(o.p99 / h.p99)} | ${
        x(o.rss / h.rss)
      } |`;
    }),
  ];
  console.log(lines.join("\n"));
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Serves one variant, loads it, and stops it. */
async function measure(variant: Variant, path: string, work: string) {
  const port = freePort();
  const app = ["run", "--no-prompt", "-A", "--config", join(project, "deno.json"), variant.file];
  const env = {
    PORT: String(port),
    HOST: "127.0.0.1",
    HONEYFRAME_STORE: "memory",
    HONEYFRAME_ISOLATION: "none",
    DATA_DIR: join(work, "data"),
    HONEYFRAME_CLIENT_RATE: "1000000",
    HONEYFRAME_CLIENT_CONNECTIONS: "60000",
  };
  const child = new Deno.Command(deno, {
    args: variant.front
      ? ["run", "-A", "--no-config", join(project, "src/cli/tasks/front.ts"), "--", deno, ...app]
      : app,
    env,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let errors = "";
  const collecting = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) errors += chunk;
  })();
  try {
    const url = `http://127.0.0.1:${port}${path}`;
    await answering(url);
    if (WARMUP_SECONDS > 0) await loadWith32Clients(project, url, WARMUP_SECONDS, variant.name);
    const result = await loadWith32Clients(project, url, SECONDS, variant.name);
    // The app's own process: the child when bare, the front's child when behind it.
    const appPid = processTree(child.pid).find((pid) => {
      if (variant.front && pid === child.pid) return false;
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(variant.file);
      } catch {
        return false;
      }
    }) ?? child.pid;
    return { ...result, rssMiB: peakRssKiB(appPid) / 1024 };
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await collecting;
  }
}

async function answering(url: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} never answered`);
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

function peakRssKiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) =>
    l.startsWith("VmHWM:")
  );
  return Number(line?.match(/(\d+)/)?.[1] ?? NaN);
}
