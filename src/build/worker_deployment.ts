/**
 * The Cloudflare deployment of `deno task bundle`: each isolated plugin as a Worker of its own
 * (`dist/workers/<name>.js`, which runs the worker bootstrap and then the plugin's entry
 * `<name>.plugin.js`, both importing the shared worker modules beside them; with its wrangler
 * configuration `dist/workers/<name>.wrangler.json`), and the host Worker's `dist/wrangler.json`
 * with a service binding to each, and a cron trigger every minute when a plugin has a dbt schedule.
 * A plugin Worker has no route and no `workers.dev` address: only the host reaches it, which is
 * what lets it trust the permission verdicts the host sends.
 *
 * @module
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { WorkerCode } from "../runtime/registry.ts";
import type { UnsupportedRuntimes } from "../runtime/plugins/runtimes.ts";
import { serviceBindingName } from "../runtime/plugins/service_binding.ts";
import { WORKER_BOOTSTRAP, workerMainSource } from "../runtime/plugins/worker_modules.ts";
import { writeFileAtomically } from "./write_atomically.ts";

/** The host Worker's name; each plugin Worker is named after it. */
export const HOST_WORKER_NAME = "honeyframe-edge";

/** The compatibility date of every Worker written (the one the tests run in workerd). */
export const COMPATIBILITY_DATE = "2026-04-01";

/** A plugin as the deployment needs it: its name and, when isolated, its worker bundle. */
export interface DeployedPlugin {
  /** The plugin's name. */
  readonly name: string;
  /** Whether it is mounted. */
  readonly status: string;
  /** Its dbt workspace, when it has one (a schedule needs the cron trigger). */
  readonly dbt?: { readonly schedule: string | null };
  /** The runtimes it cannot load on (a plugin that cannot load on workerd gets no Worker). */
  readonly unsupported?: UnsupportedRuntimes;
}

/** A service binding of the host Worker's configuration. */
export interface ServiceEntry {
  /** The binding's name (`HONEYFRAME_PLUGIN_<NAME>`). */
  readonly binding: string;
  /** The plugin Worker it reaches. */
  readonly service: string;
}

/**
 * The plugin Worker's name for a plugin.
 *
 * @param plugin The plugin's name.
 * @returns `honeyframe-edge-plugin-<name>`, in the letters Worker names may use.
 */
export function pluginWorkerName(plugin: string): string {
  return `${HOST_WORKER_NAME}-plugin-${plugin.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`;
}

/** What the deployment needs of the registry. */
export interface DeployedRegistry {
  /** Its plugins. */
  readonly plugins: readonly DeployedPlugin[];
  /** The isolated plugins' worker entries and the modules they share. */
  readonly workerCode?: () => Promise<Pick<WorkerCode, "modules" | "entries">>;
}

/**
 * Writes the plugin Workers and the wrangler configurations into `dist`, replacing the plugin
 * Workers of an earlier bundle.
 *
 * @param registry The registry's plugins and shared worker modules.
 * @param dist The folder `worker.js` is in.
 * @returns The host Worker's service bindings.
 */
export async function writeWorkerDeployment(
  registry: DeployedRegistry,
  dist: string,
): Promise<ServiceEntry[]> {
  const { plugins } = registry;
  const folder = join(dist, "workers");
  rmSync(folder, { recursive: true, force: true });
  const services: ServiceEntry[] = [];
  const code = await registry.workerCode?.();
  for (const plugin of plugins) {
    const worker = code?.entries[plugin.name];
    if (plugin.status !== "mounted" || worker === undefined || plugin.unsupported?.workerd) {
      continue;
    }
    if (services.length === 0) {
      mkdirSync(folder, { recursive: true });
      for (const [file, module] of Object.entries(code!.modules)) {
        writeFileAtomically(join(folder, file), module);
      }
    }
    const service = pluginWorkerName(plugin.name);
    // Plugin names have no dots: an entry never meets another plugin's main or a shared module.
    const entry = `${plugin.name}.plugin.js`;
    writeFileAtomically(join(folder, entry), worker);
    writeFileAtomically(
      join(folder, `${plugin.name}.js`),
      workerMainSource(`./${WORKER_BOOTSTRAP}`, `./${entry}`),
    );
    writeFileAtomically(
      join(folder, `${plugin.name}.wrangler.json`),
      json({
        name: service,
        main: `${plugin.name}.js`,
        compatibility_date: COMPATIBILITY_DATE,
        // Plugins may import `node:` built-ins, and the worker bootstrap takes `node:process`'s
        // exits away.
        compatibility_flags: ["nodejs_compat"],
        // The shared worker modules beside it are ES modules (wrangler takes `.js` for CommonJS).
        rules: [{ type: "ESModule", globs: ["**/*.js"] }],
        workers_dev: false,
        preview_urls: false,
      }),
    );
    services.push({ binding: serviceBindingName(plugin.name), service });
  }
  writeFileAtomically(
    join(dist, "wrangler.json"),
    json({
      name: HOST_WORKER_NAME,
      main: "worker.js",
      compatibility_date: COMPATIBILITY_DATE,
      ...(services.length > 0 ? { services } : {}),
      ...(plugins.some((plugin) => plugin.status === "mounted" && plugin.dbt?.schedule)
        ? { triggers: { crons: ["* * * * *"] } }
        : {}),
    }),
  );
  return services;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
