// Serves a worker bundle in workerd through Miniflare on 127.0.0.1, for the runtime tests.
// Usage: node miniflare_host.mjs <worker.js> <admin token> [<more bindings as JSON>]; prints
// "listening on <url>".
import { Miniflare } from "miniflare";

const [scriptPath, adminToken, more] = process.argv.slice(2);
const miniflare = new Miniflare({
  modules: true,
  scriptPath,
  compatibilityDate: "2026-04-01",
  host: "127.0.0.1",
  port: 0,
  bindings: { HONEYFRAME_ADMIN_TOKEN: adminToken, ...JSON.parse(more ?? "{}") },
});
const url = await miniflare.ready;
console.log(`listening on ${url.href}`);

const stop = async () => {
  await miniflare.dispose();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
