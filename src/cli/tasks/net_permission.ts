/**
 * Prints the permission flags a server should start with, one per line: `--allow-net`, or
 * `--allow-net=<hosts>` when `HONEYFRAME_PLUGIN_NET` narrows what plugins reach, then
 * `--allow-run=` with Deno (for the plugin process) and the dbt executable when the dbt `command`
 * runner is configured. The image's entry point runs it.
 *
 * @module
 */
import { serverNetAllowList, serverRunFlag } from "../../env/mod.ts";

const hosts = serverNetAllowList(Deno.env);
console.log(hosts === undefined ? "--allow-net" : `--allow-net=${hosts}`);
const run = serverRunFlag(Deno.env);
if (run !== undefined) console.log(run);
