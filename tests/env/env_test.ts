import assert from "node:assert/strict";
import {
  ConfigError,
  ENV_VARIABLES,
  envNumber,
  envOrDefault,
  layeredEnv,
  processEnv,
  readEnv,
  serverLaunchFlags,
  serverVariables,
} from "../../src/env/mod.ts";

Deno.test("readEnv() trims, treats empty and non-string values as unset, and reads get() sources", () => {
  assert.equal(readEnv({ PORT: " 9000 " }, "PORT"), "9000");
  assert.equal(readEnv({ PORT: "  " }, "PORT"), undefined);
  assert.equal(readEnv({ PORT: 9000 }, "PORT"), undefined);
  assert.equal(readEnv({ get: (name) => name === "HOST" ? "::1" : undefined }, "HOST"), "::1");
  const refusing = {
    get(): string {
      throw new Error("NotCapable: requires env access");
    },
  };
  assert.equal(readEnv(refusing, "PORT"), undefined, "a variable the process may not read");
});

Deno.test("readEnv() reads own properties only, so a polluted prototype sets nothing", () => {
  const polluted = Object.create({ HONEYFRAME_ADMIN_TOKEN: "attacker-chosen-token" });
  assert.equal(readEnv(polluted, "HONEYFRAME_ADMIN_TOKEN"), undefined);
});

Deno.test("envOrDefault() applies each variable's one default", () => {
  for (const variable of ENV_VARIABLES) {
    if (!("default" in variable)) continue;
    assert.equal(envOrDefault({}, variable.name), variable.default);
  }
  assert.equal(envOrDefault({ DATA_DIR: "/srv/data" }, "DATA_DIR"), "/srv/data");
});

Deno.test("layeredEnv() takes the first source that has a value", () => {
  const env = layeredEnv({ PORT: "1", HOST: "" }, { PORT: "2", HOST: "h" });
  assert.equal(readEnv(env, "PORT"), "1");
  assert.equal(readEnv(env, "HOST"), "h");
  assert.equal(readEnv(env, "DATA_DIR"), undefined);
});

Deno.test("processEnv() is the running process's environment", () => {
  assert.equal(readEnv(processEnv(), "HOST"), readEnv(Deno.env, "HOST"));
});

Deno.test("every deploy command lets the server read exactly the server's variables", () => {
  const expected = serverVariables().sort();
  const entrypoint = Deno.readTextFileSync("container/entrypoint.sh");
  const allowed = /--allow-env=(\S+)/.exec(entrypoint)?.[1]?.split(",");
  assert.deepEqual(allowed?.sort(), expected, "container/entrypoint.sh");
  for (const file of ["README.md", "docs/operations.md", "docs/plugins.md"]) {
    const text = Deno.readTextFileSync(file);
    const serverEnv = /^SERVER_ENV=(\S+)$/m.exec(text)?.[1];
    if (serverEnv) assert.deepEqual(serverEnv.split(",").sort(), expected, `${file}: SERVER_ENV`);
    for (const [, grant] of text.matchAll(/--allow-env=(\S+)/g)) {
      assert.equal(grant, '"$SERVER_ENV"', `${file} grants ${grant}, not "$SERVER_ENV"`);
      assert.ok(serverEnv, `${file} defines SERVER_ENV`);
    }
  }
});

Deno.test("every variable is named once and documented with a meaning", () => {
  const names = ENV_VARIABLES.map((variable) => variable.name);
  assert.equal(new Set(names).size, names.length);
  for (const variable of ENV_VARIABLES) assert.ok(variable.meaning.length > 10, variable.name);
});

Deno.test("envNumber() reads a number in its range and refuses anything else, naming the variable", () => {
  const range = { min: 0.1, max: 3600 };
  assert.equal(envNumber({}, "HONEYFRAME_HEADER_TIMEOUT_S", range), 15);
  assert.equal(
    envNumber({ HONEYFRAME_HEADER_TIMEOUT_S: "2.5" }, "HONEYFRAME_HEADER_TIMEOUT_S", range),
    2.5,
  );
  for (const bad of ["abc", "0", "-1", "1e9"]) {
    assert.throws(
      () => envNumber({ HONEYFRAME_HEADER_TIMEOUT_S: bad }, "HONEYFRAME_HEADER_TIMEOUT_S", range),
      (error: Error) =>
        error instanceof ConfigError && /HONEYFRAME_HEADER_TIMEOUT_S/.test(error.message),
    );
  }
});

Deno.test("serverLaunchFlags() grants the data directory and the network, narrowed when asked", () => {
  assert.deepEqual(serverLaunchFlags({ DATA_DIR: "/data", HONEYFRAME_ISOLATION: "none" }), [
    "--no-prompt",
    "--no-remote",
    "--allow-net",
    "--allow-env",
    "--allow-read=/data",
    "--allow-write=/data",
  ]);
  assert.equal(
    serverLaunchFlags({ DATA_DIR: "/data" }).at(-1),
    `--allow-run=${Deno.execPath()}`,
    "by default the server may start Deno once, for the plugin process",
  );
  assert.equal(
    serverLaunchFlags({
      HOST: "127.0.0.1",
      HONEYFRAME_PLUGIN_NET: "api.example.com, billing:8443",
      HONEYFRAME_DATABASE_URL: "postgres://u:p@db:5432/hf",
    })[2],
    "--allow-net=127.0.0.1,db:5432,api.example.com,billing:8443",
  );
  assert.equal(
    serverLaunchFlags({
      HOST: "127.0.0.1",
      HONEYFRAME_PLUGIN_NET: "api.example.com",
      HONEYFRAME_WAREHOUSE_URL: "postgres://dbt:p@warehouse:5433/w",
      HONEYFRAME_WAREHOUSE_ADMIN_URL: "postgresql://admin:p@warehouse-admin/w",
    })[2],
    "--allow-net=127.0.0.1,warehouse:5433,warehouse-admin,api.example.com",
    "the warehouse's hosts, for plugins' queries and the roles' provisioning",
  );
});
