/**
 * The adversarial corpus: `tests/fixtures/corpus/plugins/` holds broken plugins (and two healthy
 * ones beside them). One table says which problem codes each must produce, exactly.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { discover, verify } from "../../src/build/mod.ts";
import { cli } from "../helpers/cli.ts";
import { codes } from "../helpers/problems.ts";

const CORPUS = resolve("tests/fixtures/corpus");
const IMPORT_TIMEOUT_MS = 1_500;

/** Plugin folder → the error codes it must produce, in order (and warnings where it has some). */
const EXPECTED: Record<string, { errors: string[]; warnings?: string[] }> = {
  "healthy-a": { errors: [] },
  "healthy-b": { errors: [] },
  // YAML
  "yaml-malformed": { errors: ["yaml.syntax"] },
  "yaml-empty": { errors: ["manifest.empty"] },
  "yaml-comments-only": { errors: ["manifest.empty"] },
  "yaml-list-root": { errors: ["manifest.not_mapping"] },
  "yaml-scalar-root": { errors: ["manifest.not_mapping"] },
  "yaml-bom": { errors: [], warnings: ["manifest.byte_order_mark"] },
  "yaml-oversize": { errors: ["manifest.too_large"] },
  "yaml-alias-bomb": { errors: ["yaml.alias_limit"] },
  "yaml-duplicate-keys": { errors: ["yaml.duplicate_key"] },
  "yaml-tag-js-function": { errors: ["yaml.unsupported_tag"] },
  "yaml-tag-binary": { errors: ["yaml.unsupported_tag"] },
  "yaml-tag-custom": { errors: ["yaml.unsupported_tag"] },
  "yaml-invalid-utf8": { errors: ["manifest.invalid_encoding"] },
  "yaml-multi-document": { errors: ["yaml.syntax"] },
  "yaml-collection-key": { errors: ["yaml.collection_key"] },
  // the manifest's fields
  "no-manifest": { errors: ["plugin.no_manifest"] },
  "missing-name": { errors: ["manifest.missing_field"] },
  "missing-version": { errors: ["manifest.missing_field"] },
  "name-mismatch": { errors: ["manifest.name_mismatch"] },
  "plugins": { errors: ["plugin.reserved_name"] },
  "type-name": { errors: ["manifest.invalid_type"] },
  "type-version": { errors: ["manifest.invalid_type"] },
  "type-display-name": { errors: ["manifest.invalid_type"] },
  "type-routers": { errors: ["manifest.invalid_type"] },
  "type-router-item": { errors: ["manifest.invalid_type"] },
  "type-dbt-workspace": { errors: ["manifest.invalid_type"] },
  "type-frontend-entry": { errors: ["manifest.invalid_type"] },
  "type-nav": { errors: ["manifest.invalid_type"] },
  "type-nav-item": { errors: ["manifest.invalid_type"] },
  "type-permissions": { errors: ["manifest.invalid_type"] },
  "type-seed-groups": { errors: ["manifest.invalid_type"] },
  "type-seed-group-permissions": { errors: ["manifest.invalid_type"] },
  "Uppercase": { errors: ["manifest.invalid_name"] },
  "with space": { errors: ["manifest.invalid_name"] },
  "ünicode": { errors: ["manifest.invalid_name"] },
  "a-long-long-long-long-long-long-long-long-long-long-long-long-long": {
    errors: ["manifest.invalid_name"],
  },
  "leading-dot": { errors: ["manifest.invalid_name"] },
  "version-not-semver": { errors: ["manifest.invalid_version"] },
  "version-v-prefix": { errors: ["manifest.invalid_version"] },
  "display-name-empty": { errors: ["manifest.invalid_value"] },
  "unknown-field": { errors: [], warnings: ["manifest.unknown_field"] },
  // router specs and modules
  "router-dotdot": { errors: ["manifest.invalid_router_spec"] },
  "router-absolute": { errors: ["manifest.invalid_router_spec"] },
  "router-url": { errors: ["manifest.invalid_router_spec"] },
  "router-npm": { errors: ["manifest.invalid_router_spec"] },
  "router-jsr": { errors: ["manifest.invalid_router_spec"] },
  "router-wrong-extension": { errors: ["manifest.invalid_router_spec"] },
  "router-bad-export-name": { errors: ["manifest.invalid_router_spec"] },
  "router-missing-file": { errors: ["router.not_found"] },
  "router-directory": { errors: ["router.not_found"] },
  "router-symlink-file": { errors: ["plugin.link_outside"] },
  "router-symlink-folder": { errors: ["plugin.link_outside"] },
  "router-throws": { errors: ["router.import_failed"] },
  "router-broken-import": { errors: ["router.import_failed"] },
  "router-syntax-error": { errors: ["router.import_failed"] },
  "router-tla-hangs": { errors: ["router.import_failed"] },
  "router-missing-export": { errors: ["router.export_not_found"] },
  "router-missing-default": { errors: ["router.export_not_found"] },
  "router-export-function": { errors: ["router.not_hono_app"] },
  "router-export-object": { errors: ["router.not_hono_app"] },
  "router-export-null": { errors: ["router.not_hono_app"] },
  "router-dot-segment": { errors: ["router.dot_segment"] },
  "router-route-conflict": { errors: ["route.conflict", "route.conflict"] },
  // the module policy: what plugin code may import
  "module-text-proc": { errors: ["module.outside_plugin"] },
  "module-relative-outside": { errors: ["module.outside_plugin"] },
  "module-absolute": { errors: ["module.outside_plugin"] },
  "module-remote": { errors: ["module.remote"] },
  "module-dynamic": { errors: ["module.dynamic_specifier"] },
  "module-template": { errors: ["module.dynamic_specifier"] },
  "module-npm": { errors: ["module.undeclared_dependency"] },
  "module-jsr": { errors: ["module.undeclared_dependency"] },
  "module-host-dependency": { errors: ["module.undeclared_dependency"] },
  "module-hono-dotdot": { errors: ["module.outside_plugin"] },
  "module-reexport": { errors: ["module.outside_plugin"] },
  "module-lint-ignore": { errors: ["module.outside_plugin"] },
  "module-nested": { errors: ["module.outside_plugin"] },
  "module-link-outside": { errors: ["plugin.link_outside"] },
  "module-client": { errors: ["module.outside_plugin"] },
  "module-allowed": { errors: [] },
  // other references
  "nav-bad-path": { errors: ["manifest.invalid_value"] },
  "nav-missing-label": { errors: ["manifest.missing_field"] },
  "permission-invalid": { errors: ["manifest.invalid_permission"] },
  "permission-duplicate": { errors: ["manifest.duplicate_permission"] },
  "seed-undeclared-permission": { errors: ["manifest.undeclared_permission"] },
  "dbt-missing": { errors: ["dbt_workspace.not_found"] },
  "dbt-no-project": { errors: ["dbt_workspace.no_project"] },
  "dbt-dotdot": { errors: ["manifest.invalid_path"] },
  "dbt-symlink-outside": { errors: ["plugin.link_outside"] },
  "dbt-invalid-project": { errors: ["dbt_workspace.invalid_project"] },
  "dbt-bad-name": { errors: ["dbt_workspace.invalid_project", "dbt_workspace.invalid_project"] },
  "dbt-schedule-invalid": { errors: ["dbt_schedule.invalid"] },
  "dbt-schedule-no-workspace": { errors: ["dbt_schedule.no_workspace"] },
  "dbt-model-path-missing": { errors: [], warnings: ["dbt_workspace.model_path_missing"] },
  "dbt-conflict-a": { errors: [], warnings: ["dbt_workspace.shared_project"] },
  "requires-missing": { errors: ["requires.missing"] },
  "requires-host-mismatch": { errors: ["requires.host_mismatch"] },
  "requires-invalid-range": { errors: ["manifest.invalid_value"] },
  "dbt-conflict-b": { errors: [], warnings: ["dbt_workspace.shared_project"] },
  "frontend-missing": { errors: ["frontend_entry.not_found"] },
  "frontend-wrong-extension": { errors: ["manifest.invalid_path"] },
  "blocks-invalid": { errors: ["frontend_entry.invalid_blocks"] },
  // client entries
  "client-missing": { errors: ["client_entry.not_found"] },
  "client-outside": { errors: ["plugin.link_outside"] },
  "client-syntax": { errors: ["client_entry.bundle_failed"] },
  "client-large": { errors: [], warnings: ["client_entry.large"] },
};

Deno.test("the corpus has at least 40 broken plugins and the table covers every folder", () => {
  const folders = readdirSync(join(CORPUS, "plugins")).sort();
  assert.deepEqual(folders, Object.keys(EXPECTED).sort());
  const broken = Object.values(EXPECTED).filter((expected) => expected.errors.length > 0);
  assert.ok(broken.length >= 40, `${broken.length} broken plugins`);
});

Deno.test("discovery and verification finish on the corpus, each plugin gets exactly its codes", async () => {
  const started = performance.now();
  const plugins = await verify(discover({ installDir: CORPUS, dataDir: join(CORPUS, "no-data") }), {
    importTimeoutMs: IMPORT_TIMEOUT_MS,
  });
  const elapsed = performance.now() - started;
  const actual = Object.fromEntries(plugins.map((plugin) => [plugin.name, {
    errors: codes(plugin.errors),
    ...(plugin.warnings.length ? { warnings: codes(plugin.warnings) } : {}),
  }]));
  assert.deepEqual(actual, EXPECTED);
  const mounted = plugins.filter((plugin) => plugin.status === "mounted").map((plugin) =>
    plugin.name
  );
  assert.deepEqual(mounted, [
    "client-large",
    "dbt-conflict-a",
    "dbt-conflict-b",
    "dbt-model-path-missing",
    "healthy-a",
    "healthy-b",
    "module-allowed",
    "unknown-field",
    "yaml-bom",
  ]);
  assert.ok(elapsed < 60_000, "the hanging module is bounded by its timeout");
  for (const plugin of plugins) {
    for (const error of plugin.errors) {
      const message = `${plugin.name}: ${error.message}`;
      assert.ok(!error.message.includes("\u001b"), `no terminal colours in ${message}`);
      assert.ok(!error.message.includes(CORPUS) && !error.message.includes(Deno.cwd()), message);
      // The module policy quotes the plugin's own specifier (`file:///proc/self/environ`).
      if (!error.code.startsWith("module.")) {
        assert.doesNotMatch(error.message, /\/tmp\/|file:\/\//, message);
      }
    }
  }
});

Deno.test("verify lists every corpus problem with plugin, file and field, and exits 1", async () => {
  const run = await cli([
    "verify",
    "--install-dir",
    CORPUS,
    "--data-dir",
    join(CORPUS, "no-data"),
    "--out",
    join(CORPUS, "no-registry.ts"),
    "--import-timeout",
    String(IMPORT_TIMEOUT_MS),
  ]);
  assert.equal(run.code, 1);
  const plugins = await verify(discover({ installDir: CORPUS, dataDir: join(CORPUS, "no-data") }), {
    importTimeoutMs: IMPORT_TIMEOUT_MS,
  });
  for (const plugin of plugins) {
    for (const error of plugin.errors) {
      const field = error.path ? ` ${error.path}:` : "";
      const position = error.line === undefined ? "" : `:${error.line}:${error.column}`;
      const line =
        `error   ${plugin.name} tests/fixtures/corpus/plugins/${plugin.name}/${error.file ?? ""}`
          .replace(/\/$/, "") +
        `${position}:${field} ${error.message} [${error.code}]` +
        // A problem in code has its source line under it.
        (error.frame ? `\n${error.frame.replace(/^/gm, " ".repeat(8))}` : "");
      assert.ok(run.out.includes(line), `missing: ${line}`);
    }
  }
});
