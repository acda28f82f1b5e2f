/**
 * The admin UI shows a problem in code at its file, line and column, with its source line and
 * caret kept as they are (escaped, not wrapped).
 */
import assert from "node:assert/strict";
import { ProblemList } from "../../src/runtime/admin/pages/problem_list.tsx";
import type { RegistryPlugin } from "../../src/runtime/mod.ts";

Deno.test("a problem in code shows its frame under it", () => {
  const plugin = {
    errors: [{
      code: "router.import_failed",
      message: "importing `r.ts` failed: SyntaxError: Expected ',', got ')'",
      file: "r.ts",
      line: 2,
      column: 9,
      frame: "2 | x = f(<a>)\n  |         ^",
    }],
    warnings: [],
  } as unknown as RegistryPlugin;
  const html = String(<ProblemList plugin={plugin} />);
  assert.match(
    html,
    /<strong>Error:<\/strong> r\.ts:2:9: importing `r\.ts` failed: SyntaxError/,
  );
  assert.match(html, /<pre class="frame">2 \| x = f\(&lt;a&gt;\)\n {2}\| {9}\^<\/pre>/);
});
