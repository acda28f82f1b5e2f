/**
 * `deno task bundle`: writes `dist/server.js` (Deno), `dist/server.mjs` (Node) and `dist/worker.js`
 * (Workers, Bun, `deno serve`) from the registry that `deno task build` wrote just before.
 *
 * @module
 */
import { statSync } from "node:fs";
import process from "node:process";
import { bundle, BUNDLE_TARGETS } from "../../build/bundle.ts";

for (const target of BUNDLE_TARGETS) {
  try {
    bundle(target);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  console.log(
    `wrote ${target.output} (${
      (statSync(target.output).size / 1024).toFixed(1)
    } KiB) from ${target.entry}`,
  );
}
