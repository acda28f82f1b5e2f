/**
 * Incremental builds and the dev loop, measured on a synthetic tree: one plugin's router changes
 * per round (a real change of bytes), and the time to a rebuilt registry (a fresh CLI process; the
 * dev loop's in-process rebuild) or to the server's new answer (`deno task dev`).
 *
 * @module
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BuildCache, buildRegistry, cacheFileFor, writeRegistry } from "../../src/build/mod.ts";
import { timeCliBuild } from "./cli_build.ts";
import { median } from "./median.ts";
import { pluginName } from "./synthetic.ts";

/** Seconds for each way of rebuilding after one change, medians of the rounds. */
export interface IncrementalTimes {
  /** `deno task plugins build` in a fresh process, reading the cache file. */
  readonly cliSeconds: number;
  /** The dev loop's rebuild: the cache in memory, the changed folder forgotten. */
  readonly inProcessSeconds: number;
}

/** Edits the `a` router of plugin `index` so that its answers carry `edit: <round>`. */
function editRouter(dataDir: string, index: number, round: number): void {
  const file = join(dataDir, "plugins", pluginName(index), "backend/a.ts");
  const source = readFileSync(file, "utf8").replace(/, edit: \d+/g, "");
  writeFileSync(file, source.replaceAll(/plugin: ("p\d+")/g, `plugin: $1, edit: ${round}`));
}

/**
 * Times rebuilding a built tree after one plugin changed, both ways, alternating.
 *
 * @param dir The tree (`data/` holds the plugins; the registry goes to `gen/registry.ts`).
 * @param plugins How many plugins it has.
 * @param rounds How many changes to time.
 * @param deno The Deno executable.
 * @param project The host project folder.
 */
export async function timeIncrementalBuilds(
  dir: string,
  plugins: number,
  rounds: number,
  deno: string,
  project: string,
): Promise<IncrementalTimes> {
  const outFile = join(dir, "gen/registry.ts");
  const options = { installDir: join(dir, "none"), dataDir: join(dir, "data"), outFile };
  const cache = BuildCache.load(cacheFileFor(outFile));
  writeRegistry(outFile, await buildRegistry({ ...options, cache }));
  cache.save(cacheFileFor(outFile));
  const cli: number[] = [];
  const inProcess: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const changed = 1 + (round * 37) % plugins;
    editRouter(options.dataDir, changed, round);
    cli.push(await timeCliBuild(deno, project, { ...options, noCache: false }));

    editRouter(options.dataDir, changed, round + rounds);
    const started = performance.now();
    cache.forget([join(options.dataDir, "plugins", pluginName(changed))]);
    writeRegistry(outFile, await buildRegistry({ ...options, cache }));
    cache.save(cacheFileFor(outFile));
    inProcess.push((performance.now() - started) / 1000);
  }
  return { cliSeconds: median(cli), inProcessSeconds: median(inProcess) };
}

/**
 * Runs `deno task dev` on the tree and times each save of a router until the server answers with
 * the new code.
 *
 * @param dir The tree (`data/` holds the plugins).
 * @param plugins How many plugins it has.
 * @param rounds How many saves to time.
 * @param deno The Deno executable.
 * @param project The host project folder.
 * @returns The median seconds from save to new answer.
 */
export async function timeDevLoop(
  dir: string,
  plugins: number,
  rounds: number,
  deno: string,
  project: string,
): Promise<number> {
  const dev = new Deno.Command(deno, {
    args: ["task", "dev", "--out", join(dir, "dev/registry.ts")],
    cwd: project,
    env: {
      INSTALL_DIR: join(dir, "none"),
      DATA_DIR: join(dir, "data"),
      PORT: "0",
      HOST: "127.0.0.1",
      HONEYFRAME_STORE: "memory",
    },
    stdout: "piped",
    stderr: "null",
  }).spawn();
  try {
    const port = await listeningPort(dev.stdout);
    const times: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const index = 1 + (round * 53) % plugins;
      const url = `http://127.0.0.1:${port}/api/${pluginName(index)}/a/one`;
      const started = performance.now();
      editRouter(join(dir, "data"), index, 1000 + round);
      await untilAnswer(url, `"edit":${1000 + round}`);
      times.push((performance.now() - started) / 1000);
    }
    return median(times);
  } finally {
    dev.kill("SIGTERM");
    await dev.status;
  }
}

async function listeningPort(stdout: ReadableStream<Uint8Array>): Promise<number> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stdout) {
    text += decoder.decode(chunk, { stream: true });
    const match = /dev: listening on http:\/\/localhost:(\d+)\//.exec(text);
    if (match) {
      stdout.pipeTo(new WritableStream()).catch(() => {});
      return Number(match[1]);
    }
  }
  throw new Error(`deno task dev ended before listening:\n${text}`);
}

async function untilAnswer(url: string, marker: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      if ((await (await fetch(url)).text()).includes(marker)) return;
    } catch {
      // The proxy answers throughout; a refused connection would be a bug reported below.
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${url} never answered with ${marker}`);
}
