/**
 * Isolated plugins' worker bundles: for each plugin that runs in a worker of the plugin process,
 * one self-contained ES module (the worker's bootstrap first, then the plugin's routers and
 * frontend entry with every dependency inlined, hono included, then the serving loop; its default
 * export serves the same plugin as a Cloudflare Worker of its own), since a
 * worker with no read permission cannot load module files. The plugin process's own bundle
 * (`src/adapters/plugin_process/main.ts`) is made in the same `deno bundle` run. When the batch
 * fails, each plugin is bundled alone so that every failure is the failing plugin's.
 *
 * @module
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { denoBundle } from "./bundle.ts";
import { loadedPluginSource, pluginModules } from "./loaded_source.ts";
import type { VerifiedPlugin } from "./verify.ts";
import { isolationOf, type IsolationPolicy } from "../runtime/plugins/isolation.ts";

const HOST_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BOOTSTRAP = new URL("../adapters/plugin_process/worker_bootstrap.ts", import.meta.url).href;
const SERVE = new URL("../runtime/plugins/worker_serve.ts", import.meta.url).href;
const SERVICE = new URL("../runtime/plugins/service_binding.ts", import.meta.url).href;
const PROCESS_MAIN = new URL("../adapters/plugin_process/main.ts", import.meta.url).href;

/** The entry name of the plugin process's bundle (no plugin can be named so). */
const PROCESS_ENTRY = "__plugin_process";

/** What {@link bundleWorkers} made. */
export interface WorkerBundles {
  /** The plugin process's bundle; absent when no plugin is isolated. */
  readonly process?: string;
  /** Each isolated plugin's worker bundle, by name. */
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
  const { modules, ids } = pluginModules(plugin);
  return [
    `import { requestScope } from ${JSON.stringify(BOOTSTRAP)};`,
    `import { serveInWorker } from ${JSON.stringify(SERVE)};`,
    `import { servePluginService } from ${JSON.stringify(SERVICE)};`,
    ...modules.map((module) =>
      `import * as ${ids.get(module.module)} from ${
        JSON.stringify(pathToFileURL(module.file).href)
      };`
    ),
    `const plugin = { name: ${JSON.stringify(plugin.name)}, display_name: ${
      JSON.stringify(plugin.manifest?.display_name ?? plugin.name)
    }, ...${loadedPluginSource(plugin, ids)} };`,
    "serveInWorker(plugin, requestScope);",
    "export default servePluginService(plugin);",
    "",
  ].join("\n");
}

/**
 * Bundles the worker of every plugin given, and the plugin process.
 *
 * @param plugins The mounted plugins to isolate.
 * @param hostDir The host project (its `deno.json` resolves the imports).
 * @returns The bundles, and each plugin's failure.
 */
export function bundleWorkers(
  plugins: readonly VerifiedPlugin[],
  hostDir: string = HOST_ROOT,
): WorkerBundles {
  if (plugins.length === 0) return { workers: new Map(), failures: new Map() };
  const batch = bundleBatch(plugins, hostDir);
  if (!("failure" in batch)) return { ...batch, failures: new Map() };
  const workers = new Map<string, string>();
  const failures = new Map<string, string>();
  let process: string | undefined;
  for (const plugin of plugins) {
    const alone = bundleBatch([plugin], hostDir);
    if ("failure" in alone) failures.set(plugin.name, alone.failure);
    else {
      workers.set(plugin.name, alone.workers.get(plugin.name)!);
      process = alone.process;
    }
  }
  return { ...(process === undefined ? {} : { process }), workers, failures };
}

function bundleBatch(
  plugins: readonly VerifiedPlugin[],
  hostDir: string,
): { process: string; workers: Map<string, string> } | { failure: string } {
  const dir = mkdtempSync(join(tmpdir(), "honeyframe-workers-"));
  try {
    const entries = join(dir, "entries");
    const out = join(dir, "out");
    mkdirSync(entries);
    const files = [join(entries, `${PROCESS_ENTRY}.ts`)];
    writeFileSync(files[0]!, `import ${JSON.stringify(PROCESS_MAIN)};\n`, { flag: "w" });
    for (const plugin of plugins) {
      const file = join(entries, `${plugin.name}.ts`);
      writeFileSync(file, workerEntrySource(plugin));
      files.push(file);
    }
    const failure = denoBundle(
      ["--config", join(hostDir, "deno.json"), "--minify", "--outdir", out, ...files],
      hostDir,
    );
    if (failure !== undefined) {
      return { failure: failure.trim().split("\n").slice(0, 12).join("\n") };
    }
    const read = (name: string) => readFileSync(join(out, `${name}.js`), "utf8");
    return {
      process: read(PROCESS_ENTRY),
      workers: new Map(plugins.map((plugin) => [plugin.name, read(plugin.name)])),
    };
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
