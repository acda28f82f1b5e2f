/**
 * The `deno lint` plugin the module policy parses plugin code with: it reports every module
 * specifier a file names — static imports and re-exports, `import()`, `import x = require()`,
 * `require()`, and type imports — as a diagnostic whose message is JSON: `{"specifier": "…"}`, or
 * `{"dynamic": true}` for an `import()` whose specifier is not a literal; every use of a
 * runtime's own global (`Deno.…`, `Bun.…`) as `{"global": "Deno"}` — and once per file
 * {@link FILE_READ}, so that a file the linter passed over is noticed. Deno's own parser reads the
 * code, so what the policy sees is what Deno and its bundler will load.
 *
 * @module
 */

type Node = Deno.lint.Node;

/** The name of the rule (`<plugin>/<rule>`), as `deno lint --json` reports it. */
export const MODULE_REFERENCE_RULE = "honeyframe-policy/module-reference";

/** The message of the diagnostic each file gets once: the rule read it. */
export const FILE_READ = '{"read":true}';

/** A string literal's value, or `undefined` for any other expression. */
function literal(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === "Literal" && typeof node.value === "string") return node.value;
  if (node.type === "TemplateLiteral" && node.expressions.length === 0) {
    return node.quasis[0]?.cooked;
  }
  return undefined;
}

const plugin: Deno.lint.Plugin = {
  name: "honeyframe-policy",
  rules: {
    "module-reference": {
      create(context) {
        const named = (node: Node | null | undefined) => {
          const specifier = literal(node);
          if (node && specifier !== undefined) {
            context.report({ node, message: JSON.stringify({ specifier }) });
          }
        };
        return {
          Program: (node) => context.report({ node, message: FILE_READ }),
          ImportDeclaration: (node) => named(node.source),
          ExportAllDeclaration: (node) => named(node.source),
          ExportNamedDeclaration: (node) => named(node.source),
          TSExternalModuleReference: (node) => named(node.expression),
          TSImportType: (node) => named((node.argument as { literal?: Node }).literal),
          ImportExpression(node) {
            if (literal(node.source) !== undefined) named(node.source);
            else context.report({ node: node.source, message: JSON.stringify({ dynamic: true }) });
          },
          // `Deno.env`, `Bun.file(…)`: a runtime's own API (`globalThis.Deno?.…` is a guarded use
          // that loads everywhere, and is not reported).
          'MemberExpression[object.type="Identifier"][object.name=/^(Deno|Bun)$/]': (
            node: Deno.lint.MemberExpression,
          ) => {
            const name = (node.object as Deno.lint.Identifier).name;
            context.report({ node, message: JSON.stringify({ global: name }) });
          },
          // A selector, so that the rule's code runs for `require(…)` calls only.
          'CallExpression[callee.type="Identifier"][callee.name="require"]': (
            node: Deno.lint.CallExpression,
          ) => named(node.arguments[0]),
        };
      },
    },
  },
};

export default plugin;
