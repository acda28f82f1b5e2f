/**
 * The server entry for Deno: serves the generated registry (`deno task start` builds it first;
 * `deno task bundle` turns this file into `dist/server.js`).
 *
 * @module
 */
import { registry } from "./.gen/registry.ts";
import { serveDeno } from "./src/adapters/deno/mod.ts";

await serveDeno(registry);
