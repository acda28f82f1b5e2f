/**
 * The front's nginx configuration: every placeholder of `container/nginx.conf` filled in from the
 * environment, the worker's connections kept under the descriptor limit, load balancers believed
 * only from `HONEYFRAME_TRUSTED_PROXIES`, and the result accepted by nginx itself (`nginx -t`).
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../../src/env/mod.ts";
import { findNginx } from "../../src/cli/front/front.ts";
import { nginxConfig, trustedProxies } from "../../src/cli/front/nginx_config.ts";
import { needs } from "../helpers/system_tools.ts";
import { makeTree } from "../helpers/tree.ts";

const TEMPLATE = readFileSync("container/nginx.conf", "utf8");
const PLACES = { runDir: "/run/hf", socket: "/run/hf/host.sock", descriptors: 20_000, root: false };

Deno.test("every placeholder is filled from the environment", () => {
  const conf = nginxConfig(TEMPLATE, {
    HOST: "0.0.0.0",
    PORT: "8080",
    HONEYFRAME_HEADER_TIMEOUT_S: "7",
    HONEYFRAME_IDLE_TIMEOUT_S: "30",
    HONEYFRAME_CLIENT_RATE: "50",
    HONEYFRAME_PLUGIN_BODY_MAX_MB: "25",
  }, PLACES);
  assert.doesNotMatch(conf, /\{\{[A-Z_]+\}\}/);
  assert.match(conf, /listen 0\.0\.0\.0:8080 backlog=4096;/);
  assert.match(conf, /client_header_timeout 7s;/);
  assert.match(conf, /client_body_timeout 7s;/);
  assert.match(conf, /keepalive_timeout 30s;/);
  assert.match(conf, /rate=50r\/s;/);
  assert.match(conf, /burst=100 nodelay;/);
  assert.match(conf, /client_max_body_size 25m;/);
  assert.match(conf, /server unix:\/run\/hf\/host\.sock max_fails=0;/);
  assert.match(conf, /location ~ \^\/api\/\(admin\|audit\|auth\|blocks\|dbt/);
  assert.match(conf, /no load balancer is believed/);
  assert.doesNotMatch(conf, /set_real_ip_from/);
  assert.match(conf, /^# \(not root/m);
});

Deno.test("the connection cap stays under the descriptor limit", () => {
  const cap = (descriptors: number, env: Record<string, string> = {}) =>
    /worker_connections (\d+);/.exec(nginxConfig(TEMPLATE, env, { ...PLACES, descriptors }))![1];
  assert.equal(cap(20_000), "19936");
  assert.equal(cap(8_192), "8128");
  assert.equal(cap(20_000, { HONEYFRAME_MAX_CONNECTIONS: "5000" }), "5000");
  assert.throws(() => cap(50), ConfigError);
  assert.match(
    nginxConfig(TEMPLATE, {}, { ...PLACES, descriptors: 8_192 }),
    /worker_rlimit_nofile 8192;/,
  );
});

Deno.test("HONEYFRAME_TRUSTED_PROXIES feeds set_real_ip_from, and refuses what is no address", () => {
  const conf = nginxConfig(
    TEMPLATE,
    { HONEYFRAME_TRUSTED_PROXIES: "10.0.0.0/8, fd00::/8" },
    PLACES,
  );
  assert.match(conf, /set_real_ip_from 10\.0\.0\.0\/8;\n {2}set_real_ip_from fd00::\/8;/);
  assert.match(conf, /real_ip_header X-Forwarded-For;/);
  assert.deepEqual(trustedProxies("192.168.1.7"), ["192.168.1.7"]);
  for (const bad of ["10.0.0.0/33", "300.1.1.1", "example.com", "10.0.0.0; include /etc"]) {
    assert.throws(
      () => trustedProxies(bad),
      (error: Error) =>
        error instanceof ConfigError && /HONEYFRAME_TRUSTED_PROXIES/.test(error.message),
      bad,
    );
  }
});

Deno.test("nginx itself accepts the configuration", needs("nginx"), async () => {
  using run = makeTree({});
  const conf = join(run.root, "nginx.conf");
  writeFileSync(
    conf,
    nginxConfig(TEMPLATE, { PORT: "8080", HONEYFRAME_TRUSTED_PROXIES: "10.0.0.0/8" }, {
      runDir: run.root,
      socket: join(run.root, "host.sock"),
      descriptors: 4096,
      root: Deno.uid() === 0,
    }),
  );
  const output = await new Deno.Command(findNginx(Deno.env.get("PATH"))!, {
    args: ["-t", "-p", run.root, "-c", conf, "-e", "stderr"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, text);
  assert.match(text, /test is successful/);
});
