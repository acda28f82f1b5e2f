/**
 * The server entry for Deno: serves the generated registry (`deno task start` builds it first;
 * `deno task bundle` turns this file into `dist/server.js`).
 *
 * @module
 */
import { registry } from "./.gen/registry.ts";
import { serveWithDeno } from "./src/runtime/adapters/deno.ts";

serveWithDeno(registry);
