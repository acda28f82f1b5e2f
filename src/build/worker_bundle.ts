/**
 * Isolated plugins' worker code. Every isolated plugin's worker is bundled in one code-splitting
 * run: each plugin gets an entry module with its routers and frontend entry (every dependency
 * inlined, since a worker with no read permission cannot load module files), and what more than
 * one entry uses (the worker bootstrap, the serving loop, hono, a library several plugins import)
 * goes into shared modules, kept once in the registry however many plugins there are (the layout:
 * `runtime/plugins/worker_modules.ts`). Each entry's default export serves the same plugin as a
 * Cloudflare Worker of its own. The plugin process is bundled alone, in a run of its own. When the
 * run fails, each plugin is bundled alone to find the failing ones, and the rest again together.
 *
 * @module
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { denoBundle } from "./bundle.ts";
import { loadPlan, pluginModules } from "./loaded_source.ts";
import type { VerifiedPlugin } from "./verify.ts";
import { isolationOf, type IsolationPolicy } from "../runtime/plugins/isolation.ts";
import { WORKER_BOOTSTRAP } from "../runtime/plugins/worker_modules.ts";

const HOST_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BOOTSTRAP = new URL("../adapters/plugin_process/worker_bootstrap.ts", import.meta.url).href;
const SERVE = new URL("../runtime/plugins/worker_serve.ts", import.meta.url).href;
const SERVICE = new URL("../runtime/plugins/service_binding.ts", import.meta.url).href;
const LOADED_PLUGIN = new URL("../runtime/plugins/loaded_plugin.ts", import.meta.url).href;
const PROCESS_MAIN = fileURLToPath(
  new URL("../adapters/plugin_process/main.ts", import.meta.url),
);

/** The bootstrap's entry name (no plugin can be named so). */
const BOOTSTRAP_ENTRY = WORKER_BOOTSTRAP.replace(/\.js$/, "");

/** What {@link bundleWorkers} made. */
export interface WorkerBundles {
  /** The plugin process's bundle; absent when no plugin is isolated. */
  readonly process?: string;
  /** The modules the workers share, by file name (the bootstrap among them). */
  readonly shared: ReadonlyMap<string, string>;
  /** Each isolated plugin's worker entry, by name. */
  readonly workers: ReadonlyMap<string, string>;
  /** The bundler's message for each plugin that could not be bundled, by name. */
  readonly failures: ReadonlyMap<string, string>;
}

/**
 * The source of an isolated plugin's worker entry.
 *
 * @param plugin The mounted plugin.
 * @returns The module's source (absolute `file:` imports).
 */
export function workerEntrySource(plugin: VerifiedPlugin): string {
  const modules = pluginModules(plugin);
  return [
    `import { requestScope } from ${JSON.stringify(BOOTSTRAP)};`,
    `import { serveInWorker } from ${JSON.stringify(SERVE)};`,
    `import { servePluginService } from ${JSON.stringify(SERVICE)};`,
    `import { pluginFromModules } from ${JSON.stringify(LOADED_PLUGIN)};`,
    ...modules.modules.map((module, number) =>
      `import * as module${number} from ${JSON.stringify(pathToFileURL(module.file).href)};`
    ),
    `const plugin = { name: ${JSON.stringify(plugin.name)}, display_name: ${
      JSON.stringify(plugin.manifest?.display_name ?? plugin.name)
    }, ...pluginFromModules([${
      modules.modules.map((_, number) => `module${number}`).join(", ")
    }], ${JSON.stringify(loadPlan(plugin, modules))}) };`,
    "serveInWorker(plugin, requestScope);",
    "export default servePluginService(plugin);",
    "",
  ].join("\n");
}

/**
 * Bundles the worker entries of every plugin given, the modules they share, and the plugin
 * process.
 *
 * @param plugins The mounted plugins to isolate.
 * @param hostDir The host project (its `deno.json` resolves the imports).
 * @returns The bundles, and each plugin's failure.
 * @throws {Error} When the plugin process itself cannot be bundled (a fault of the host).
 */
export function bundleWorkers(
  plugins: readonly VerifiedPlugin[],
  hostDir: string = HOST_ROOT,
): WorkerBundles {
  const none = { shared: new Map(), workers: new Map() };
  if (plugins.length === 0) return { ...none, failures: new Map() };
  const failures = new Map<string, string>();
  let batch = bundleBatch(plugins, hostDir);
  if ("failure" in batch) {
    for (const plugin of plugins) {
      const alone = bundleBatch([plugin], hostDir);
      if ("failure" in alone) failures.set(plugin.name, alone.failure);
    }
    const rest = plugins.filter((plugin) => !failures.has(plugin.name));
    batch = rest.length === 0 ? none : bundleBatch(rest, hostDir);
    if ("failure" in batch) {
      throw new Error(`bundling the plugins' workers failed:\n${batch.failure}`);
    }
  }
  if (batch.workers.size === 0) return { ...batch, failures };
  return { process: bundleProcess(hostDir), ...batch, failures };
}

type Batch = Pick<WorkerBundles, "shared" | "workers"> | { failure: string };

/** One code-splitting run over the bootstrap and the plugins' entries. */
function bundleBatch(plugins: readonly VerifiedPlugin[], hostDir: string): Batch {
  const dir = mkdtempSync(join(tmpdir(), "honeyframe-workers-"));
  try {
    const entries = join(dir, "entries");
    const out = join(dir, "out");
    mkdirSync(entries);
    const files = [join(entries, `${BOOTSTRAP_ENTRY}.ts`)];
    writeFileSync(files[0]!, `export * from ${JSON.stringify(BOOTSTRAP)};\n`);
    for (const plugin of plugins) {
      const file = join(entries, `${plugin.name}.ts`);
      writeFileSync(file, workerEntrySource(plugin));
      files.push(file);
    }
    const failure = denoBundle(
      [
        "--config",
        join(hostDir, "deno.json"),
        "--minify",
        "--code-splitting",
        "--outdir",
        out,
        ...files,
      ],
      hostDir,
    );
    if (failure !== undefined) {
      return { failure: failure.trim().split("\n").slice(0, 12).join("\n") };
    }
    const read = (file: string) => readFileSync(join(out, file), "utf8");
    const names = new Set(plugins.map((plugin) => `${plugin.name}.js`));
    return {
      shared: new Map(
        readdirSync(out).filter((file) => !names.has(file)).sort().map((
          file,
        ) => [file, read(file)]),
      ),
      workers: new Map(plugins.map((plugin) => [plugin.name, read(`${plugin.name}.js`)])),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The plugin process's bundle: one module. */
function bundleProcess(hostDir: string): string {
  const dir = mkdtempSync(join(tmpdir(), "honeyframe-plugin-process-"));
  try {
    const output = join(dir, "main.js");
    const failure = denoBundle(
      ["--config", join(hostDir, "deno.json"), "--minify", "--output", output, PROCESS_MAIN],
      hostDir,
    );
    if (failure !== undefined) throw new Error(`bundling the plugin process failed:\n${failure}`);
    return readFileSync(output, "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Bundles the workers of the mounted plugins the policy isolates; a plugin whose worker cannot be
 * bundled is not mounted (`plugin.worker_bundle_failed`, with the bundler's message).
 *
 * @param plugins The verified plugins.
 * @param policy Which plugins are isolated.
 * @returns The plugins (failures marked) and the bundles.
 */
export function withWorkerBundles(
  plugins: readonly VerifiedPlugin[],
  policy: IsolationPolicy,
): { plugins: VerifiedPlugin[]; bundles: WorkerBundles } {
  const isolated = plugins.filter((plugin) =>
    plugin.status === "mounted" && isolationOf(plugin.source, policy) === "worker"
  );
  const bundles = bundleWorkers(isolated);
  return {
    bundles,
    plugins: plugins.map((plugin) => {
      const failure = bundles.failures.get(plugin.name);
      if (failure === undefined || plugin.status !== "mounted") return plugin;
      return {
        ...plugin,
        status: "error",
        routers: [],
        errors: [...plugin.errors, {
          code: "plugin.worker_bundle_failed",
          message: `bundling the plugin's code for its worker failed:\n${failure}`,
        }],
      };
    }),
  };
}
