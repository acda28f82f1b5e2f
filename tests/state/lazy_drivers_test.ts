/**
 * The Deno and Node bundles keep the PostgreSQL and SQLite drivers (and the warehouse's PostgreSQL
 * client) beside them and import them only when their store (or a warehouse) is chosen: a bundle has no `node:` import of its own, and both bundles still
 * reach a real PostgreSQL with file reads denied (Deno) and share its state.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { bundle } from "../../src/build/bundle.ts";
import { startPostgres } from "../helpers/postgres.ts";
import { startServer } from "../helpers/process.ts";
import { needs } from "../helpers/system_tools.ts";

const TOKEN = "lazy-drivers-admin-token-0123";

Deno.test(
  "the bundles import the PostgreSQL driver from beside them only when it is chosen",
  needs("postgresql"),
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "honeyframe-drivers-"));
    try {
      const deno = join(dir, "server.js");
      const node = join(dir, "server.mjs");
      bundle({ entry: resolve("main.ts"), output: deno });
      bundle({ entry: resolve("main_node.ts"), output: node });
      for (const driver of ["postgres_driver.js", "sqlite_driver.js", "postgres_client.js"]) {
        assert.ok(existsSync(join(dir, driver)), driver);
      }
      const text = readFileSync(deno, "utf8");
      assert.doesNotMatch(text, /from\s*"node:/, "the Deno bundle imports no node: built-in");
      assert.match(text, /import\("\.\/postgres_driver\.js"\)/);
      assert.match(text, /import\("\.\/postgres_client\.js"\)/, "the warehouse's client too");

      await using postgres = await startPostgres();
      const env = {
        PORT: "0",
        HOST: "127.0.0.1",
        HONEYFRAME_ADMIN_TOKEN: TOKEN,
        HONEYFRAME_DATABASE_URL: await postgres.createDatabase(),
        PATH: Deno.env.get("PATH") ?? "",
      };
      await using denoServer = await startServer(
        new Deno.Command(Deno.execPath(), {
          args: [
            "run",
            "--no-prompt",
            "--no-config",
            "--deny-read",
            "--deny-write",
            "--allow-net",
            "--allow-env",
            deno,
          ],
          env,
          clearEnv: true,
          stdout: "piped",
          stderr: "piped",
        }),
      );
      await using nodeServer = await startServer(
        new Deno.Command("node", {
          args: [node],
          env,
          clearEnv: true,
          stdout: "piped",
          stderr: "piped",
        }),
      );
      for (const server of [denoServer, nodeServer]) {
        const ready = await (await fetch(`${server.url}/readyz`)).json();
        assert.deepEqual(ready, { status: "ready", store: "postgres" });
      }
      const disabled = await fetch(`${denoServer.url}/api/plugins/_demo/disable`, {
        method: "POST",
        headers: { Authorization: `Bearer ${TOKEN}` },
      });
      assert.equal(disabled.status, 200);
      await disabled.body?.cancel();
      const deadline = Date.now() + 5_000;
      let status = 0;
      while (Date.now() < deadline) {
        const ping = await fetch(`${nodeServer.url}/api/_demo/ping`);
        await ping.body?.cancel();
        status = ping.status;
        if (status === 404) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(status, 404, "the Node bundle reads the state the Deno bundle wrote");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
