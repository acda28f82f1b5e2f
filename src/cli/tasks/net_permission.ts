/**
 * Prints the network flag a server should start with: `--allow-net`, or `--allow-net=<hosts>` when
 * `HONEYFRAME_PLUGIN_NET` narrows what plugins reach. The image's entry point runs it.
 *
 * @module
 */
import { serverNetAllowList } from "../../env/mod.ts";

const hosts = serverNetAllowList(Deno.env);
console.log(hosts === undefined ? "--allow-net" : `--allow-net=${hosts}`);
