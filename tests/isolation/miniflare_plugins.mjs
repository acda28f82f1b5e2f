// Serves `deno task bundle`'s Cloudflare deployment in workerd through Miniflare on 127.0.0.1: the
// host Worker of <dist>/wrangler.json with its service bindings, and each plugin Worker of
// <dist>/workers/ with its own configuration, all as wrangler would deploy them.
// Usage: node miniflare_plugins.mjs <dist> <bindings as JSON> [<service binding to leave out>…];
// prints "listening on <url>".
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";

const [dist, bindings, ...leftOut] = process.argv.slice(2);
const read = (file) => JSON.parse(readFileSync(file, "utf8"));
const host = read(join(dist, "wrangler.json"));
const services = (host.services ?? []).filter((entry) => !leftOut.includes(entry.binding));
// Every plugin Worker's configuration, by the Worker's name.
const configs = new Map(
  readdirSync(join(dist, "workers"), { withFileTypes: true })
    .filter((entry) => entry.name.endsWith(".wrangler.json"))
    .map((entry) => read(join(dist, "workers", entry.name)))
    .map((config) => [config.name, config]),
);
const plugins = services.map(({ service }) => {
  const config = configs.get(service);
  return {
    name: config.name,
    modules: true,
    modulesRoot: join(dist, "workers"),
    scriptPath: join(dist, "workers", config.main),
    // The shared worker modules it imports, by the configuration's module rules.
    modulesRules: (config.rules ?? []).map((rule) => ({ type: rule.type, include: rule.globs })),
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags,
    // The host's D1 database, bound to each plugin Worker too (its storage), as docs/operations.md
    // says to deploy them.
    d1Databases: { HONEYFRAME_D1: "honeyframe" },
  };
});
const miniflare = new Miniflare({
  host: "127.0.0.1",
  port: 0,
  workers: [
    {
      name: host.name,
      modules: true,
      modulesRoot: dist,
      scriptPath: join(dist, host.main),
      compatibilityDate: host.compatibility_date,
      bindings: JSON.parse(bindings),
      d1Databases: { HONEYFRAME_D1: "honeyframe" },
      serviceBindings: Object.fromEntries(services.map((entry) => [entry.binding, entry.service])),
    },
    ...plugins,
  ],
});
const url = await miniflare.ready;
console.log(`listening on ${url.href}`);

const stop = async () => {
  await miniflare.dispose();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
