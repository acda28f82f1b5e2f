import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { serverEntrySource } from "../../src/build/server_entry.ts";

/** A module's code without its doc comment, with every import specifier replaced by `…`. */
function codeOf(source: string): string {
  return source.replace(/^\/\*\*[\s\S]*?\*\/\n/, "").replace(/from "[^"]+"/g, 'from "…"');
}

Deno.test("serverEntrySource() writes the code of main.ts, main_node.ts and main_worker.ts for another registry", () => {
  const deno = serverEntrySource("/tmp/out/gen/registry.ts", "/tmp/out/gen/server.ts");
  assert.match(deno, /import \{ registry \} from "\.\/registry\.ts";/);
  assert.match(deno, /from "\/.+\/src\/adapters\/deno\/mod\.ts"/);
  assert.equal(codeOf(deno), codeOf(readFileSync("main.ts", "utf8")));
  const node = serverEntrySource("/tmp/out/registry.ts", "/tmp/out/server.ts", "node");
  assert.equal(codeOf(node), codeOf(readFileSync("main_node.ts", "utf8")));
  const worker = serverEntrySource("/tmp/out/registry.ts", "/tmp/out/worker.ts", "worker");
  assert.equal(codeOf(worker), codeOf(readFileSync("main_worker.ts", "utf8")));
  assert.match(
    serverEntrySource("/a/registry.ts", "/b/c/server.ts"),
    /from "\.\.\/\.\.\/a\/registry\.ts"/,
  );
});
