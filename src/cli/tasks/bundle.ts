/**
 * `deno task bundle`: writes `dist/server.js` (Deno), `dist/server.mjs` (Node) and `dist/worker.js`
 * (Workers, Bun, `deno serve`) from the registry that `deno task build` wrote just before, and for
 * Cloudflare a Worker per isolated plugin (`dist/workers/`) and `dist/wrangler.json`.
 *
 * @module
 */
import { statSync } from "node:fs";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { bundle, BUNDLE_TARGETS } from "../../build/bundle.ts";
import { readUnloadableModules } from "../../build/unloadable_modules.ts";
import { writeWorkerDeployment } from "../../build/worker_deployment.ts";

const REGISTRY = ".gen/registry.ts";

for (const target of BUNDLE_TARGETS) {
  const leaveOut = target.leavesOutFor ? readUnloadableModules(REGISTRY, target.leavesOutFor) : [];
  try {
    bundle(target, process.cwd(), leaveOut);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  console.log(
    `wrote ${target.output} (${
      (statSync(target.output).size / 1024).toFixed(1)
    } KiB) from ${target.entry}${
      leaveOut.length > 0
        ? ` (leaving out ${leaveOut.length} module${
          leaveOut.length > 1 ? "s" : ""
        } of plugins that cannot load there)`
        : ""
    }`,
  );
}

const { registry } = await import(pathToFileURL(resolve(REGISTRY)).href);
const services = await writeWorkerDeployment(registry, "dist");
console.log(
  `wrote dist/wrangler.json${
    services.length > 0
      ? ` with ${services.length} plugin Worker${services.length > 1 ? "s" : ""} (dist/workers/: ${
        services.map((entry) => entry.binding).join(", ")
      })`
      : " (no isolated plugin)"
  }`,
);
