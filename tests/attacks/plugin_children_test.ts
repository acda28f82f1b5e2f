/**
 * Attack: with the dbt `command` runner the server may start one program, the dbt executable. A
 * customer plugin starts it itself from a handler (here the "dbt executable" is `env`, so the child
 * prints what it inherited): it used to see the admin token and the JWT secret. The host now
 * removes its variables from the process environment before any plugin loads. (This is about
 * plugins in the host's process — bundled ones, or all with `HONEYFRAME_ISOLATION=none`, as here:
 * an isolated customer plugin may start no program at all.)
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { serverLaunchFlags } from "../../src/env/mod.ts";
import { buildServerEntry } from "../helpers/build.ts";
import { startServer } from "../helpers/process.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

const SECRETS = {
  HONEYFRAME_ADMIN_TOKEN: "admin-token-the-child-wants-1234",
  HONEYFRAME_JWT_SECRET: "jwt-secret-the-child-wants-0123456789abcdef",
  HONEYFRAME_METRICS_TOKEN: "metrics-token-the-child-wants",
};

Deno.test("a program a plugin starts (the dbt executable it may start) inherits none of the host's variables", async () => {
  const program = "/usr/bin/env";
  using tree = makeTree({
    "data/plugins/spawner/plugin.yaml": manifest("spawner", "routers:", "  - r.ts:router"),
    "data/plugins/spawner/r.ts": `import { Hono } from "hono";
export const router = new Hono().get("/child", async (c) => {
  const { stdout } = await new Deno.Command(${JSON.stringify(program)}).output();
  return c.text(new TextDecoder().decode(stdout));
});
`,
  });
  const entry = await buildServerEntry(tree.root);
  const env = {
    ...SECRETS,
    DATA_DIR: join(tree.root, "data"),
    PORT: "0",
    HOST: "127.0.0.1",
    HONEYFRAME_DBT_RUNNER: "command",
    HONEYFRAME_DBT_COMMAND: program,
    PATH: Deno.env.get("PATH") ?? "",
    INHERITED_ON_PURPOSE: "yes",
    HONEYFRAME_ISOLATION: "none",
  };
  await using server = await startServer(
    new Deno.Command(Deno.execPath(), {
      args: ["run", ...serverLaunchFlags(env), "--config", "deno.json", entry],
      env,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }),
  );
  const response = await fetch(`${server.url}/api/spawner/child`);
  const printed = await response.text();
  assert.equal(response.status, 200, printed);
  assert.match(printed, /^INHERITED_ON_PURPOSE=yes$/m, "the child ran with the rest");
  for (const [name, value] of Object.entries(SECRETS)) {
    assert.ok(!printed.includes(value), `${name} reached the child`);
    assert.doesNotMatch(printed, new RegExp(`^${name}=`, "m"));
  }
});
