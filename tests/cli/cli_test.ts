import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SILENT_LOGGER } from "../../src/log/mod.ts";
import { parseManifest } from "../../src/manifest/mod.ts";
import { createApp } from "../../src/runtime/mod.ts";
import { loadRegistry } from "../helpers/build.ts";
import { cli, treeFlags } from "../helpers/cli.ts";
import { healthyPlugin, makeTree, manifest } from "../helpers/tree.ts";

const at = treeFlags;

const brokenCustomer = {
  "data/plugins/broken/plugin.yaml": manifest(
    "broken",
    "routers:",
    "  - backend/routers/missing.ts:router",
  ),
};

Deno.test("build writes the registry and exits 0 even with a broken plugin", async () => {
  using tree = makeTree({ ...healthyPlugin("crm"), ...brokenCustomer });
  const run = await cli(["build", ...at(tree.root)]);
  assert.equal(run.code, 0);
  assert.ok(existsSync(join(tree.root, ".gen/registry.ts")));
  assert.match(run.out.join("\n"), /2 plugins, 1 mounted, 1 with errors/);
  assert.match(
    run.err.join("\n"),
    /^error +broken .*data\/plugins\/broken\/plugin\.yaml:4:5: routers\[0\]: .*\[router\.not_found\]$/m,
  );
  assert.deepEqual(
    readdirSync(join(tree.root, ".gen")),
    [".build-cache.json", "registry.ts"],
    "the registry and the build cache, no temporary files left behind",
  );
});

Deno.test("build --strict exits 1 when any plugin has errors", async () => {
  using tree = makeTree({ ...healthyPlugin("crm"), ...brokenCustomer });
  assert.equal((await cli(["build", "--strict", ...at(tree.root)])).code, 1);
  using clean = makeTree(healthyPlugin("crm"));
  assert.equal((await cli(["build", "--strict", ...at(clean.root)])).code, 0);
});

Deno.test("build --json reports every plugin for machines", async () => {
  using tree = makeTree({ ...healthyPlugin("crm"), ...brokenCustomer });
  const run = await cli(["build", "--json", ...at(tree.root)]);
  const report = JSON.parse(run.out.join("\n"));
  assert.deepEqual(
    report.plugins.map((p: { name: string; status: string }) => [p.name, p.status]),
    [
      ["broken", "error"],
      ["crm", "mounted"],
    ],
  );
  assert.match(report.registry.fingerprint, /^sha256-/);
});

Deno.test("verify names the plugin, file and field of each problem and exits 1", async () => {
  using tree = makeTree({ ...healthyPlugin("crm"), ...brokenCustomer });
  assert.equal((await cli(["build", ...at(tree.root)])).code, 0);
  const run = await cli(["verify", ...at(tree.root)]);
  assert.equal(run.code, 1);
  const problem = run.out.find((line) => line.startsWith("error"));
  assert.match(
    problem ?? "",
    /^error +broken \S*data\/plugins\/broken\/plugin\.yaml:4:5: routers\[0\]: `backend\/routers\/missing\.ts` is not a file in the plugin \[router\.not_found\]$/,
  );
  assert.match(run.out.at(-1) ?? "", /^FAILED/);
});

Deno.test("a syntax error is shown at its line in the router, with the line under it", async () => {
  using tree = makeTree({
    "plugins/crm/plugin.yaml": manifest("crm", "routers:", "  - r.ts:router"),
    "plugins/crm/r.ts":
      'import { Hono } from "hono";\nexport const router = new Hono().get("/", (c) => c.json({ a: 1 ));\n',
  });
  const run = await cli(["verify", ...at(tree.root)]);
  assert.equal(run.code, 1);
  const text = run.out.join("\n");
  assert.match(
    text,
    /^error +crm \S*plugins\/crm\/r\.ts:2:\d+: importing `r\.ts` failed: SyntaxError: [^\n]+ \[router\.import_failed\]\n {8}2 \| export const router = new Hono\(\)\.get\("\/", \(c\) => c\.json\(\{ a: 1 \)\);\n {8} {2}\| +\^$/m,
  );
  const json = JSON.parse((await cli(["verify", "--json", ...at(tree.root)])).out.join("\n"));
  const [error] = json.plugins[0].errors;
  assert.deepEqual([error.file, error.line], ["r.ts", 2]);
  assert.match(error.frame, /^2 \| export const router/);
});

Deno.test("verify --check type-checks plugin code and reports at the line, with the line under it", async () => {
  using tree = makeTree({
    ...healthyPlugin("clean"),
    "plugins/crm/plugin.yaml": manifest("crm", "routers:", "  - r.ts:router"),
    "plugins/crm/r.ts": 'import { Hono } from "hono";\n' +
      'export const router = new Hono().get("/", (c) => {\n' +
      '  const count: number = "many";\n' +
      "  return c.text(String(count));\n});\n",
  });
  const plain = await cli(["verify", ...at(tree.root)]);
  assert.equal(plain.code, 0, "it imports and runs: only a type check sees it");
  const checked = await cli(["verify", "--check", ...at(tree.root)]);
  assert.equal(checked.code, 1);
  const text = checked.out.join("\n");
  assert.match(
    text,
    /^error +crm \S*plugins\/crm\/r\.ts:3:9: TS2322: Type 'string' is not assignable to type 'number'\. \[code\.type_error\]\n {8}3 \| {3}const count: number = "many";\n {8} {2}\| {9}\^$/m,
  );
  assert.doesNotMatch(text, /error +clean/, "a clean plugin has nothing");
  const json = JSON.parse(
    (await cli(["verify", "--check", "--json", ...at(tree.root)])).out.join("\n"),
  );
  const crm = json.plugins.find((plugin: { name: string }) => plugin.name === "crm");
  assert.deepEqual(crm.errors.map((error: { code: string }) => error.code), ["code.type_error"]);
});

Deno.test("verify exits 0 for clean plugins and a fresh registry, and writes nothing", async () => {
  using tree = makeTree(healthyPlugin("crm"));
  const missing = await cli(["verify", ...at(tree.root)]);
  assert.equal(missing.code, 0);
  assert.ok(!existsSync(join(tree.root, ".gen")), "verify wrote nothing");
  assert.match(missing.out.join("\n"), /does not exist yet/);
  await cli(["build", ...at(tree.root)]);
  const fresh = await cli(["verify", ...at(tree.root)]);
  assert.equal(fresh.code, 0);
  assert.match(fresh.out.at(-1) ?? "", /^ok: 1 plugins, 1 mounted/);
});

Deno.test("verify fails when the registry on disk is stale", async () => {
  using tree = makeTree(healthyPlugin("crm"));
  await cli(["build", ...at(tree.root)]);
  tree.write(healthyPlugin("finance"));
  const run = await cli(["verify", ...at(tree.root)]);
  assert.equal(run.code, 1);
  assert.match(
    run.out.join("\n"),
    /registry\.ts is stale: run `npx deno task build` \[registry\.stale\]/,
  );
  const json = JSON.parse((await cli(["verify", "--json", ...at(tree.root)])).out.join("\n"));
  assert.deepEqual([json.ok, json.registry_state], [false, "stale"]);
});

Deno.test("list prints a table and --json the records of GET /api/plugins plus the folder", async () => {
  using tree = makeTree({
    ...healthyPlugin("crm"),
    ...brokenCustomer,
    "plugins/web/plugin.yaml": manifest("web", "client_entry: client.ts"),
    "plugins/web/client.ts": `document.title = "web";\n`,
  });
  const table = await cli(["list", ...at(tree.root)]);
  assert.equal(table.code, 0);
  assert.match(
    table.out[0]!,
    /^NAME +VERSION +SOURCE +STATUS +ROUTERS +CLIENT +PACKAGE +ERRORS +WARNINGS +DISPLAY NAME$/,
  );
  assert.match(table.out[1]!, /^broken +1\.0\.0 +customer +error +1 +- +- +1 +0 +broken$/);
  assert.match(table.out[2]!, /^crm +1\.0\.0 +bundled +mounted +1 +- +- +0 +0 +crm$/);
  assert.match(table.out[3]!, /^web +1\.0\.0 +bundled +mounted +0 +0\.\d KiB +- +0 +0 +web$/);
  const json = JSON.parse((await cli(["list", "--json", ...at(tree.root)])).out.join("\n"));
  assert.equal(json.plugins[1].dir, join(tree.root, "plugins/crm"));
  assert.equal(json.plugins[1].router_count, 1);
  assert.match(json.plugins[2].client.hash, /^[0-9a-f]{16}$/);
  assert.ok(json.plugins[2].client.bytes > 0);
});

Deno.test("the CLI reads INSTALL_DIR and DATA_DIR from the environment", async () => {
  using tree = makeTree({
    ...healthyPlugin("crm"),
    ...healthyPlugin("finance", "customer/plugins"),
  });
  const run = await cli(["list", "--json"], {
    INSTALL_DIR: tree.root,
    DATA_DIR: join(tree.root, "customer"),
  });
  assert.deepEqual(
    JSON.parse(run.out.join("\n")).plugins.map((p: { source: string }) => p.source),
    ["install", "data"],
  );
});

Deno.test("new scaffolds a plugin that builds and mounts with no warnings, with a page and passing tests", async () => {
  using tree = makeTree();
  const run = await cli(["new", "crm", ...at(tree.root)]);
  assert.equal(run.code, 0, run.err.join("\n"));
  const manifestBytes = readFileSync(join(tree.root, "plugins/crm/plugin.yaml"));
  assert.deepEqual(parseManifest(manifestBytes).errors, []);
  const build = await cli(["build", "--strict", "--json", ...at(tree.root)]);
  assert.equal(build.code, 0);
  const [crm] = JSON.parse(build.out.join("\n")).plugins;
  assert.equal(crm.status, "mounted");
  assert.deepEqual([crm.errors, crm.warnings], [[], []], "no problems at all");

  // The page is served and linked from the sidebar, and the plugin's own tests pass, formatted
  // and linted as the host's code is.
  const registry = await loadRegistry(tree.root);
  const app = createApp(registry, { log: SILENT_LOGGER });
  const page = await app.request("/plugins/crm/");
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<h1>Crm<\/h1>/);
  assert.match(html, /href="\/plugins\/crm\/"/, "the sidebar links the page");
  const folder = join(tree.root, "plugins/crm");
  for (const args of [["fmt", "--check"], ["lint"], ["test", "--allow-all"]]) {
    const output = await new Deno.Command(Deno.execPath(), {
      args: [...args, "--config", join(Deno.cwd(), "deno.json"), folder],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, `deno ${args.join(" ")}:\n${text}`);
    if (args[0] === "test") assert.match(text, /ok \| 4 passed \| 0 failed/);
  }
  assert.equal(parseManifest(manifestBytes).manifest?.display_name, "Crm");
  assert.equal((await cli(["new", "sales-eu", ...at(tree.root)])).code, 0);
  const sales = parseManifest(readFileSync(join(tree.root, "plugins/sales-eu/plugin.yaml")));
  assert.equal(sales.manifest?.display_name, "Sales Eu", "a Title Case display name");
  assert.equal(sales.manifest?.nav[0]?.label, "Sales Eu");
  const again = await cli(["new", "crm", ...at(tree.root)]);
  assert.equal(again.code, 1);
  assert.match(again.err.join("\n"), /already exists/);
});

Deno.test("new --data scaffolds into the data directory and refuses invalid or reserved names", async () => {
  using tree = makeTree();
  assert.equal((await cli(["new", "sales-eu", "--data", ...at(tree.root)])).code, 0);
  assert.ok(existsSync(join(tree.root, "data/plugins/sales-eu/plugin.yaml")));
  for (const slug of ["Sales", "sales_eu", "../x", "a".repeat(65)]) {
    const run = await cli(["new", slug, ...at(tree.root)]);
    assert.equal(run.code, 1, slug);
    assert.match(run.err.join("\n"), /is not a plugin name/);
  }
  // Names the build would refuse are refused here, before anything is written.
  for (
    const [slug, flags, reason] of [
      ["plugins", [], /`plugins` is reserved for the host's own \/api\/plugins routes/],
      ["admin", ["--data"], /`admin` is reserved/],
      ["_mine", ["--data"], /names starting with `_` are for bundled plugins/],
    ] as const
  ) {
    const run = await cli(["new", slug, ...flags, ...at(tree.root)]);
    assert.equal(run.code, 1, slug);
    assert.match(run.err.join("\n"), reason);
    assert.ok(!existsSync(join(tree.root, "plugins", slug)), `${slug}: nothing written`);
  }
  assert.equal(
    (await cli(["new", "_tools", ...at(tree.root)])).code,
    0,
    "`_` is fine when bundled",
  );
  assert.deepEqual(
    readdirSync(join(tree.root, "data/plugins")),
    ["sales-eu"],
    "nothing half-written",
  );
});

Deno.test("usage errors exit 2 with the verb's usage, or a pointer to --help", async () => {
  for (
    const [argv, verb] of [
      [["build", "--bogus"], "build"],
      [["new"], "new <slug>"],
      [["new", "a", "b"], "new <slug>"],
      [["list", "extra"], "list"],
      [["build", "--out"], "build"],
    ] as const
  ) {
    const run = await cli([...argv]);
    assert.equal(run.code, 2, argv.join(" "));
    assert.match(run.err.join("\n"), /^error: /);
    assert.match(
      run.err.join("\n"),
      new RegExp(`Usage: npx deno task plugins ${verb} \\[options\\]`),
    );
  }
  for (const argv of [[], ["deploy"], ["build", "--import-timeout", "soon"]]) {
    const run = await cli(argv);
    assert.equal(run.code, 2, argv.join(" "));
    assert.match(run.err.join("\n"), /^error: .*\n(run `npx deno task plugins --help`|Usage: )/);
  }
  const help = await cli(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.out.join("\n"), /Verbs:/);
});

Deno.test("each verb has its own --help; --version names the host and Deno", async () => {
  const help = await cli(["new", "--help"]);
  assert.equal(help.code, 0);
  const text = help.out.join("\n");
  assert.match(text, /^Usage: npx deno task plugins new <slug> \[options\]\n\nScaffold a plugin/);
  assert.match(text, /--data +create the plugin in the data directory/);
  assert.doesNotMatch(text, /--strict|--force|Verbs:/, "only the options of `new`");
  const version = await cli(["--version"]);
  assert.equal(version.code, 0);
  const { version: expected } = JSON.parse(Deno.readTextFileSync("package.json"));
  assert.deepEqual(version.out, [`Honeyframe Edge ${expected} (Deno ${Deno.version.deno})`]);
});

Deno.test("a mistyped verb or option gets a suggestion; a far-off one does not", async () => {
  const verb = await cli(["biuld"]);
  assert.equal(verb.code, 2);
  assert.equal(verb.err[0], "error: unknown verb `biuld`; did you mean `build`?");
  const option = await cli(["build", "--strikt"]);
  assert.equal(option.err[0], "error: unknown option `--strikt`; did you mean `--strict`?");
  const far = await cli(["deploy"]);
  assert.equal(far.err[0], "error: unknown verb `deploy`");
});

Deno.test("problem levels are coloured at a terminal only, and never with NO_COLOR", async () => {
  using tree = makeTree(brokenCustomer);
  const verify = `${Deno.execPath()} run -A --config ${Deno.cwd()}/deno.json ` +
    `${Deno.cwd()}/src/cli/tasks/plugins.ts verify ${at(tree.root).join(" ")}`;
  // A clean environment: `CI` (set in CI) makes terminals colourless, as in Node.
  const base = {
    PATH: Deno.env.get("PATH") ?? "",
    HOME: Deno.env.get("HOME") ?? "/",
    TERM: "xterm",
  };
  const run = async (command: string, args: string[], env: Record<string, string> = {}) => {
    const output = await new Deno.Command(command, {
      args,
      env: { ...base, ...env },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    return new TextDecoder().decode(output.stdout);
  };
  // `script` (util-linux) gives the command a pseudo-terminal.
  const terminal = await run("script", ["-qc", verify, "/dev/null"]);
  const ESC = String.fromCharCode(27);
  assert.ok(terminal.includes(`${ESC}[31merror${ESC}[39m   broken `), JSON.stringify(terminal));
  const noColor = await run("script", ["-qc", verify, "/dev/null"], { NO_COLOR: "1" });
  assert.match(noColor, /^error +broken /m);
  assert.ok(!noColor.includes(ESC), "NO_COLOR is respected");
  const piped = await run("sh", ["-c", verify]);
  assert.match(piped, /^error +broken /m);
  assert.ok(!piped.includes(ESC), "no colours into a pipe");
});
