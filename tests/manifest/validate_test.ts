import assert from "node:assert/strict";
import { didYouMean, parseManifest } from "../../src/manifest/mod.ts";
import type { Problem } from "../../src/manifest/mod.ts";

const parse = (text: string) => parseManifest(new TextEncoder().encode(text));
const base = "name: crm\nversion: 0.1.0\n";

/** The single error of a manifest made of the base fields plus `extra`. */
function onlyError(extra: string, head = base): Problem {
  const { errors } = parse(head + extra);
  assert.equal(errors.length, 1, `expected one error, got ${JSON.stringify(errors)}`);
  return errors[0]!;
}

Deno.test("parseManifest() accepts the original platform's full example", () => {
  const { manifest, errors, warnings } = parse(`name: crm
version: 0.1.0
display_name: CRM
routers:
  - backend/routers/customers.ts:router
  - backend/routers/accounts.ts
dbt_workspace: dbt/
frontend_entry: frontend/src/index.tsx
nav:
  - label: Customer 360
    path: /crm/customers
    icon: users
  - label: Accounts
    path: /crm/accounts
permissions:
  - customer.read
  - customer.edit
  - account.read
seed_groups:
  - name: crm_admin
    permissions: [customer.read, customer.edit, account.read]
  - name: crm_viewer
    permissions: [customer.read, account.read]
`);
  assert.deepEqual(errors, []);
  assert.deepEqual(warnings, []);
  assert.deepEqual(manifest?.routers, [
    {
      spec: "backend/routers/customers.ts:router",
      module: "backend/routers/customers.ts",
      exportName: "router",
    },
    {
      spec: "backend/routers/accounts.ts",
      module: "backend/routers/accounts.ts",
      exportName: "default",
    },
  ]);
  assert.equal(manifest?.display_name, "CRM");
  assert.equal(manifest?.seed_groups.length, 2);
});

Deno.test("parseManifest() applies defaults to optional lists", () => {
  const { manifest } = parse(base);
  assert.deepEqual(manifest, {
    name: "crm",
    version: "0.1.0",
    routers: [],
    nav: [],
    network: [],
    permissions: [],
    seed_groups: [],
    config: {},
  });
});

Deno.test("parseManifest() reports each missing required field with its path", () => {
  const { errors } = parse("display_name: CRM\n");
  assert.deepEqual(
    errors.map((e) => [e.code, e.path, e.file]),
    [["manifest.missing_field", "name", "plugin.yaml"], [
      "manifest.missing_field",
      "version",
      "plugin.yaml",
    ]],
  );
});

Deno.test("parseManifest() rejects names that are not slugs", () => {
  for (
    const name of [
      "CRM",
      "my plugin",
      "crm_",
      "crm--x",
      "-crm",
      "crm-",
      "ünï",
      ".crm",
      "__x",
      "a".repeat(65),
    ]
  ) {
    const error = onlyError("", `name: ${JSON.stringify(name)}\nversion: 0.1.0\n`);
    assert.equal(error.code, "manifest.invalid_name", name);
    assert.equal(error.path, "name");
  }
  for (const name of ["crm", "_demo", "a1-b2", "a".repeat(64)]) {
    assert.deepEqual(parse(`name: ${name}\nversion: 0.1.0\n`).errors, [], name);
  }
});

Deno.test("parseManifest() rejects versions that are not semver 2.0", () => {
  for (const version of ["1.0", "v1.0.0", "01.0.0", "1.0.0-", "1.0.0+", "latest"]) {
    const error = onlyError("", `name: crm\nversion: "${version}"\n`);
    assert.equal(error.code, "manifest.invalid_version", version);
  }
  for (const version of ["0.0.0", "1.2.3-alpha.1", "1.2.3+build.5", "10.20.30-rc.1+meta"]) {
    assert.deepEqual(parse(`name: crm\nversion: ${version}\n`).errors, [], version);
  }
});

Deno.test("parseManifest() names the type a field should have", () => {
  const error = onlyError("", "name: crm\nversion: 1.1\n");
  assert.equal(error.code, "manifest.invalid_type");
  assert.equal(error.path, "version");
  assert.match(error.message, /must be a string, not the number 1\.1/);
  assert.equal(onlyError("routers: backend/x.ts:router\n").code, "manifest.invalid_type");
  assert.equal(onlyError("nav: [/x]\n").code, "manifest.invalid_type");
  assert.equal(onlyError("permissions: {a: b}\n").code, "manifest.invalid_type");
  assert.equal(onlyError("display_name: [x]\n").code, "manifest.invalid_type");
  assert.equal(onlyError("seed_groups: [x]\n").code, "manifest.invalid_type");
  assert.equal(onlyError("name: 7\n", "version: 0.1.0\n").code, "manifest.invalid_type");
});

Deno.test("parseManifest() bounds display_name", () => {
  assert.equal(onlyError('display_name: "  "\n').code, "manifest.invalid_value");
  assert.equal(onlyError(`display_name: ${"x".repeat(101)}\n`).code, "manifest.invalid_value");
  assert.deepEqual(parse(base + `display_name: ${"x".repeat(100)}\n`).errors, []);
});

Deno.test("parseManifest() rejects router specs that leave the plugin or name no module", () => {
  const cases: [string, RegExp][] = [
    ["../other/x.ts:router", /leaves the plugin/],
    ["backend/../../x.ts", /leaves the plugin/],
    ["/etc/x.ts:router", /absolute/],
    ["C:/x.ts:router", /absolute|URL and package/],
    ["https://example.com/x.ts:router", /URL and package specifiers/],
    ["npm:hono", /URL and package specifiers/],
    ["jsr:@std/http", /URL and package specifiers/],
    ["file:///x.ts", /URL and package specifiers/],
    ["backend/x.py:router", /must end in \.ts, \.tsx, \.js or \.mjs/],
    ["backend\\x.ts:router", /backslashes/],
    ["backend/x.ts:not-an-identifier", /not a JavaScript identifier/],
    ["", /empty/],
  ];
  for (const [spec, message] of cases) {
    const error = onlyError(`routers:\n  - ${JSON.stringify(spec)}\n`);
    assert.equal(error.code, "manifest.invalid_router_spec", spec);
    assert.equal(error.path, "routers[0]");
    assert.match(error.message, message, spec);
  }
});

Deno.test("parseManifest() checks dbt_workspace and frontend_entry paths", () => {
  assert.equal(onlyError("dbt_workspace: ../dbt\n").code, "manifest.invalid_path");
  assert.equal(onlyError("dbt_workspace: /srv/dbt\n").code, "manifest.invalid_path");
  assert.equal(onlyError("frontend_entry: frontend/index.vue\n").code, "manifest.invalid_path");
  assert.equal(onlyError("frontend_entry: ../x.tsx\n").path, "frontend_entry");
});

Deno.test("parseManifest() requires nav paths to start with a slash and labels to be present", () => {
  const error = onlyError("nav:\n  - label: X\n    path: crm/x\n");
  assert.deepEqual([error.code, error.path], ["manifest.invalid_value", "nav[0].path"]);
  const missing = onlyError("nav:\n  - path: /x\n");
  assert.deepEqual([missing.code, missing.path], ["manifest.missing_field", "nav[0].label"]);
});

Deno.test("parseManifest() rejects invalid and duplicate permissions", () => {
  for (
    const permission of ["customer", "Customer.read", "customer.", "1x.read", "customer.read-all"]
  ) {
    const error = onlyError(`permissions: [${JSON.stringify(permission)}]\n`);
    assert.deepEqual(
      [error.code, error.path],
      ["manifest.invalid_permission", "permissions[0]"],
      permission,
    );
  }
  const duplicate = onlyError("permissions: [customer.read, customer.edit, customer.read]\n");
  assert.equal(duplicate.code, "manifest.duplicate_permission");
  assert.match(duplicate.message, /customer\.read/);
});

Deno.test("parseManifest() rejects seed groups that use undeclared permissions", () => {
  const error = onlyError(
    "permissions: [customer.read]\nseed_groups:\n  - name: admins\n    permissions: [customer.read, customer.delete]\n",
  );
  assert.deepEqual([error.code, error.path], ["manifest.undeclared_permission", "seed_groups"]);
  assert.match(error.message, /admins.*customer\.delete/);
});

Deno.test("parseManifest() accepts a nav permission the plugin declares and rejects any other, at its line", () => {
  const { manifest } = parse(
    base + "permissions: [crm.read]\nnav:\n  - label: A\n    path: /\n    permission: crm.read\n",
  );
  assert.deepEqual(manifest?.nav, [{ label: "A", path: "/", permission: "crm.read" }]);
  const error = onlyError(
    "permissions: [crm.read]\nnav:\n  - label: B\n    path: /b\n    permission: crm.report\n",
  );
  assert.deepEqual([error.code, error.path], ["manifest.undeclared_permission", "nav"]);
  assert.match(error.message, /the entry `\/b` uses undeclared `crm\.report`/);
  assert.ok(error.line !== undefined && error.column !== undefined, "with its line and column");
  assert.equal(
    onlyError("nav:\n  - label: C\n    path: /c\n    permission: Not-A-Permission\n").code,
    "manifest.invalid_permission",
  );
});

Deno.test("parseManifest() warns about unknown top-level fields and still accepts the manifest", () => {
  const { manifest, errors, warnings } = parse(base + "homepage: https://x\nauthor: me\n");
  assert.ok(manifest);
  assert.deepEqual(errors, []);
  assert.deepEqual(warnings.map((w) => [w.code, w.path]), [
    ["manifest.unknown_field", "author"],
    ["manifest.unknown_field", "homepage"],
  ]);
});

Deno.test("parseManifest() reports every independent error at once", () => {
  const { errors } = parse(
    'name: CRM\nversion: "1"\nnav: [{label: x, path: y}]\npermissions: [bad]\n',
  );
  assert.deepEqual(errors.map((e) => e.code).sort(), [
    "manifest.invalid_name",
    "manifest.invalid_permission",
    "manifest.invalid_value",
    "manifest.invalid_version",
  ]);
});

Deno.test("parseManifest() passes YAML problems through without validating", () => {
  const { manifest, errors } = parse("name: a\nname: b\n");
  assert.equal(manifest, undefined);
  assert.deepEqual(errors.map((e) => e.code), ["yaml.duplicate_key"]);
});

Deno.test("an unknown field close to a known one says which one was meant", () => {
  const { warnings } = parse(`${base}router:\n  - r.ts:router\ndisplayname: CRM\nflavour: x\n`);
  assert.deepEqual(warnings.map((warning) => [warning.path, warning.message]), [
    ["displayname", "is not a manifest field and is ignored: did you mean `display_name`?"],
    [
      "flavour",
      "is not a manifest field and is ignored (known: name, version, display_name, routers, " +
      "dbt_workspace, dbt_schedule, requires, frontend_entry, client_entry, stylesheet, nav, network, permissions, " +
      "seed_groups, config)",
    ],
    ["router", "is not a manifest field and is ignored: did you mean `routers`?"],
  ]);
});

Deno.test("didYouMean() suggests within two edits, transpositions count once", () => {
  assert.equal(didYouMean("biuld", ["build", "verify", "list"]), "build");
  assert.equal(didYouMean("instal", ["install", "uninstall"]), "install");
  assert.equal(didYouMean("permisions", ["permissions", "nav"]), "permissions");
  assert.equal(didYouMean("deploy", ["build", "verify", "list"]), undefined);
  assert.equal(didYouMean("x", ["nav"]), undefined, "not for words shorter than the distance");
});

Deno.test("parseManifest() refuses requires.plugins keys a record would drop silently", () => {
  for (const key of ["constructor", "__proto__", "prototype"]) {
    const { manifest, errors } = parseManifest(
      new TextEncoder().encode(
        `name: x\nversion: 1.0.0\nrequires:\n  plugins:\n    crm: ^1.0.0\n    ${key}: ^1.0.0\n`,
      ),
      "plugin.yaml",
    );
    assert.equal(manifest, undefined, key);
    assert.deepEqual(
      errors.map((error) => [error.code, error.path, error.message]),
      [["manifest.invalid_name", "requires.plugins", `\`${key}\` cannot name a required plugin`]],
      key,
    );
  }
});

Deno.test("config: settings are typed, their defaults checked, and each problem has its code and line:column", () => {
  const { manifest, errors } = parse(`${base}config:
  api_url: { type: url, required: true, description: CRM API base URL }
  api_key: { type: string, secret: true, required: true }
  page_size: { type: number, default: 50 }
  region: { type: enum, values: [eu, us], default: eu }
`);
  assert.deepEqual(errors, []);
  assert.deepEqual(manifest?.config, {
    api_url: { type: "url", required: true, secret: false, description: "CRM API base URL" },
    api_key: { type: "string", required: true, secret: true },
    page_size: { type: "number", required: false, secret: false, default: 50 },
    region: { type: "enum", required: false, secret: false, values: ["eu", "us"], default: "eu" },
  });
  const badText = `${base}config:
  ftp: { type: url, default: "ftp://files" }
  Bad-Key: { type: string }
  when: { type: date }
  token: { type: string, secret: true, default: "shipped" }
  flavour: { type: enum }
  twice: { type: enum, values: [a, a] }
  size: { type: number, default: "50" }
  colour: { type: string, shade: red }
  constructor: { type: string }
`;
  assert.deepEqual(
    parse(badText).errors.map((error) => [error.code, error.path, `${error.line}:${error.column}`]),
    [["config.invalid_key", "config", "3:1"]],
    "a key valibot would drop is refused before anything else",
  );
  const rest = parse(badText.replace("  constructor: { type: string }\n", ""));
  assert.deepEqual(
    rest.errors.map((error) => [error.code, error.path, `${error.line}:${error.column}`]),
    [
      ["config.invalid_default", "config.ftp.default", "4:21"],
      ["config.invalid_key", "config.Bad-Key", "5:3"],
      ["config.invalid_type", "config.when.type", "6:11"],
      ["config.secret_default", "config.token.default", "7:40"],
      ["config.invalid_values", "config.flavour.values", "8:3"],
      ["config.invalid_values", "config.twice.values", "9:24"],
      ["config.invalid_default", "config.size.default", "10:25"],
      ["manifest.invalid_value", "config.colour.shade", "11:27"],
    ],
  );
});
