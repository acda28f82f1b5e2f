/**
 * Plugin stylesheets at build time and in the page (issue 34, point 2): bundled with their imports,
 * kept to the plugin's part of the page with `@scope`, named by their hash and served like client
 * code; a stylesheet that would reach outside (a `}` that closes nothing), imports a URL, is missing
 * or is not CSS is a problem at its file, line and column; inline `<style>` a page renders is
 * scoped and allowed by the page's Content-Security-Policy by hash, one that does not balance is
 * dropped.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { pathToFileURL } from "node:url";
import { createApp, type GeneratedRegistry, importPlugins } from "../../src/runtime/mod.ts";
import { inlineStyles, unbalancedAt } from "../../src/runtime/plugin_ui/plugin_styles.ts";
import { buildTree } from "../helpers/build.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

const styled = (name: string, css: Record<string, string>, page = "<p>hi</p>") => ({
  [`plugins/${name}/plugin.yaml`]: manifest(
    name,
    "frontend_entry: pages.tsx",
    `stylesheet: ${Object.keys(css)[0] ?? "missing.css"}`,
  ),
  [`plugins/${name}/pages.tsx`]: `export const pages = { "/": () => (<>${page}</>) };\n`,
  ...Object.fromEntries(
    Object.entries(css).map(([file, text]) => [`plugins/${name}/${file}`, text]),
  ),
});

Deno.test("stylesheets are bundled, scoped, hashed, served and linked; bad ones are problems where they are", async () => {
  using tree = makeTree({
    ...styled(
      "good",
      {
        "css/main.css": `@import "./part.css";\n.card { color: red; }\n`,
        "css/part.css": ".part{margin:0}",
      },
      `<style>{".inline { color: blue; }"}</style><p class="card">x</p><style>{"} nav { display: none } .x {"}</style>`,
    ),
    ...styled("escapes", {
      "style.css": ".a { color: red; }\n.b { color: blue; } }\nnav { display: none }\n",
    }),
    ...styled("remote", {
      "style.css": `@import url("https://fonts.example.com/x.css");\n.a{color:red}\n`,
    }),
    ...styled("missing", {}),
    "plugins/notcss/plugin.yaml": manifest("notcss", "stylesheet: style.scss"),
  });
  const result = await buildTree(tree.root);
  const byName = new Map(result.plugins.map((plugin) => [plugin.name, plugin]));
  const good = byName.get("good")!;
  assert.equal(good.status, "mounted");
  assert.equal(
    good.stylesheet!.css,
    '@scope ([data-honeyframe-plugin="good"]){.part{margin:0}.card{color:red}}',
  );
  assert.equal(
    good.stylesheet!.hash,
    createHash("sha256").update(good.stylesheet!.css).digest("hex").slice(0, 16),
  );
  const problem = (name: string) => {
    const [found] = byName.get(name)!.errors;
    return [found?.code, found?.file, found?.line, found?.column];
  };
  assert.deepEqual(problem("escapes"), ["stylesheet.bundle_failed", "style.css", 2, 21]);
  assert.match(byName.get("escapes")!.errors[0]!.message, /braces do not balance/);
  assert.deepEqual(problem("remote"), ["stylesheet.bundle_failed", "style.css", 1, 1]);
  assert.match(byName.get("remote")!.errors[0]!.message, /https:\/\/fonts\.example\.com\/x\.css/);
  assert.deepEqual(problem("missing"), ["stylesheet.not_found", "plugin.yaml", 4, 1]);
  assert.deepEqual(problem("notcss"), ["manifest.invalid_path", "plugin.yaml", 3, 1]);
  assert.match(byName.get("notcss")!.errors[0]!.message, /must end in \.css/);

  const { registry } = await import(pathToFileURL(result.outFile).href) as {
    registry: GeneratedRegistry;
  };
  const app = createApp(await importPlugins(registry));
  const url = `/assets/plugins/good/${good.stylesheet!.hash}.css`;
  const served = await app.request(url);
  assert.equal(served.status, 200);
  assert.equal(served.headers.get("content-type"), "text/css; charset=utf-8");
  assert.equal(await served.text(), good.stylesheet!.css);
  const page = await app.request("/plugins/good/");
  const html = await page.text();
  assert.ok(html.includes(`<link rel="stylesheet" href="${url}">`), html);
  // The inline style that balances is scoped and allowed by its hash; the other is dropped.
  const inline = '@scope ([data-honeyframe-plugin="good"]){.inline { color: blue; }}';
  assert.ok(
    html.includes(
      `<div class="plugin-content" data-honeyframe-plugin="good"><style>${inline}</style><p class="card">x</p></div>`,
    ),
    html,
  );
  assert.doesNotMatch(html, /display: none/);
  const digest = createHash("sha256").update(inline).digest("base64");
  const policy = page.headers.get("content-security-policy")!;
  assert.match(policy, new RegExp(`style-src 'self' 'sha256-${digest.replaceAll("+", "\\+")}'`));
  assert.doesNotMatch(policy, /unsafe-inline/);
});

Deno.test("unbalancedAt finds a `}` that closes nothing, outside strings and comments", async () => {
  assert.equal(unbalancedAt(`.a{content:"}"}/* } */.b{}`), undefined);
  assert.equal(unbalancedAt(".a{}}"), 4);
  assert.equal(unbalancedAt(".a{"), 3);
  assert.equal(unbalancedAt(`.a{content:"x}`), 14);
  assert.deepEqual(await inlineStyles("p", "<p>no style</p>"), { html: "<p>no style</p>" });
});
