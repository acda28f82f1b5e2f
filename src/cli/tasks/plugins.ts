/**
 * `deno task plugins <verb>`: runs the plugins CLI. Exits explicitly so that plugin code imported
 * during verification (timers, hanging imports) cannot keep the process alive.
 *
 * @module
 */
import process from "node:process";
import { runCli } from "../mod.ts";

process.exit(await runCli(process.argv.slice(2), process.env));
