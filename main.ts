/**
 * The server entry for Deno: serves the generated registry (`deno task start` builds it first).
 *
 * @module
 */
import { registry } from "./.gen/registry.ts";
import { createApp, readConfig } from "./src/runtime/mod.ts";

const config = readConfig(Deno.env.toObject());
const app = createApp(registry, config);

Deno.serve({
  port: config.port,
  hostname: config.hostname,
  onListen({ port }) {
    const mounted = registry.plugins.filter((plugin) => plugin.status === "mounted").length;
    console.log(
      `Honeyframe Edge listening on http://localhost:${port}/ (${mounted} of ${registry.plugins.length} plugins mounted)`,
    );
    if (!config.adminToken) {
      console.log(
        "Admin API closed: set HONEYFRAME_ADMIN_TOKEN=<secret> to open GET /api/plugins.",
      );
    }
  },
}, app.fetch);
