/**
 * The documentation tells the truth: the README fits on a few screens and starts with its two
 * commands, its walk-through builds and serves, its links resolve, and the tables of environment
 * variables and problem codes are the ones in the code.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { navWarnings } from "../../src/build/nav_check.ts";
import { scaffoldFiles } from "../../src/cli/new_verb.ts";
import { ENV_VARIABLES } from "../../src/env/mod.ts";
import { PROBLEM_CODES } from "../../src/manifest/problems.ts";
import { ICON_NAMES, iconSvgFile } from "../../src/runtime/admin/icons.tsx";
import { createApp } from "../../src/runtime/mod.ts";
import { loadRegistry } from "../helpers/build.ts";
import { makeTree } from "../helpers/tree.ts";

const README = readFileSync("README.md", "utf8");

/** The rows of the first table after `heading`, as arrays of trimmed cells (header excluded). */
function tableAfter(markdown: string, heading: string): string[][] {
  const start = markdown.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `the heading ${heading} exists`);
  const lines = markdown.slice(start).split("\n");
  const first = lines.findIndex((line) => line.startsWith("|"));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(
      line.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim().replaceAll("\\|", "|")),
    );
  }
  return rows;
}

/** The fenced blocks of a markdown text whose first line is `firstLine`. */
function blockStartingWith(markdown: string, firstLine: string): string {
  const block = [...markdown.matchAll(/```\w*\n([\s\S]*?)```/g)]
    .map((match) => match[1]!)
    .find((body) => body.startsWith(`${firstLine}\n`));
  assert.ok(block, `a code block starts with ${firstLine}`);
  return block;
}

Deno.test("the README is at most 12 KB and its first lines are the two commands", () => {
  assert.ok(new TextEncoder().encode(README).length <= 12 * 1024, "README.md ≤ 12 KB");
  const lines = README.split("\n");
  assert.equal(lines[3]?.startsWith("npm ci && npm start"), true);
  assert.equal(lines[4]?.startsWith("npm test"), true);
});

Deno.test("every relative link of the README and docs/ leads to a file", () => {
  for (
    const file of ["README.md", "docs/plugins.md", "docs/operations.md", "docs/architecture.md"]
  ) {
    const text = readFileSync(file, "utf8");
    for (const [, target] of text.matchAll(/\]\((?!https?:|#)([^)#\s]+)/g)) {
      assert.ok(existsSync(join(dirname(file), target!)), `${file} links to ${target}`);
    }
  }
});

Deno.test("the environment table of docs/operations.md is src/env/variables.ts", () => {
  const rows = tableAfter(readFileSync("docs/operations.md", "utf8"), "## Environment");
  assert.deepEqual(
    rows,
    ENV_VARIABLES.map((v) => [`\`${v.name}\``, v.defaultText, v.readBy, v.meaning]),
  );
});

Deno.test("docs/plugins.md shows every icon the host draws with its picture, and the unknown-icon warning lists them too", () => {
  const rows = tableAfter(readFileSync("docs/plugins.md", "utf8"), "### Nav icons");
  assert.deepEqual(
    rows,
    ICON_NAMES.map((name) => [`![${name}](icons/${name}.svg)`, `\`${name}\``]),
  );
  for (const name of ICON_NAMES) {
    assert.equal(
      readFileSync(`docs/icons/${name}.svg`, "utf8"),
      iconSvgFile(name),
      `docs/icons/${name}.svg is the icon the host draws (run deno task icons)`,
    );
  }
  const [warning] = navWarnings([{ path: "/", icon: "rocket" }], ["/"]);
  assert.equal(warning?.code, "nav.unknown_icon");
  for (const icon of ICON_NAMES) assert.ok(warning.message.includes(icon), icon);
});

Deno.test("the problem-code table of docs/plugins.md is src/manifest/problems.ts", () => {
  const plugins = readFileSync("docs/plugins.md", "utf8");
  const rows = tableAfter(plugins, "## Problem codes");
  assert.deepEqual(rows, Object.entries(PROBLEM_CODES).map(([code, m]) => [`\`${code}\``, m]));
  const mentioned = [...plugins.matchAll(/`([a-z_]+\.[a-z_]+)`/g)].map((match) => match[1]!)
    .filter((name) =>
      /^(plugin|manifest|config|yaml|router|frontend_entry|dbt_workspace|nav|route|permission)\./
        .test(
          name,
        )
    );
  const unknown = mentioned.filter((code) => code !== "plugin.yaml" && !(code in PROBLEM_CODES));
  assert.deepEqual([...new Set(unknown)], [], "every code the docs mention exists");
});

Deno.test("the README's first-plugin walk-through builds and serves", async () => {
  const files = Object.fromEntries(
    Object.entries(scaffoldFiles("crm")).map(([path, text]) => [`plugins/crm/${path}`, text]),
  );
  using tree = makeTree({
    ...files,
    "plugins/crm/backend/routers/crm.ts": blockStartingWith(
      README,
      "// plugins/crm/backend/routers/crm.ts",
    ),
    "plugins/crm/plugin.yaml": blockStartingWith(README, "# plugins/crm/plugin.yaml"),
  });
  const registry = await loadRegistry(tree.root);
  const crm = registry.plugins.find((plugin) => plugin.name === "crm");
  assert.deepEqual(crm?.errors, []);
  assert.equal(crm?.status, "mounted");
  const app = createApp(registry);
  const ping = await app.request("/api/crm/ping");
  assert.deepEqual(await ping.json(), { ok: true, plugin: "crm" });
  assert.equal((await app.request("/api/crm/customers")).status, 401);
});
