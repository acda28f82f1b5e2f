import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { serverEntrySource } from "../../src/build/server_entry.ts";

Deno.test("serverEntrySource() is main.ts pointed at another registry", () => {
  const source = serverEntrySource("/tmp/out/gen/registry.ts", "/tmp/out/gen/server.ts");
  assert.match(source, /import \{ registry \} from "\.\/registry\.ts";/);
  assert.doesNotMatch(source, /"\.\/src\//, "every host module, static or dynamic, is absolute");
  assert.match(source, /from "file:\/\/\/.+\/src\/runtime\/adapters\/deno\.ts"/);
  const main = readFileSync("main.ts", "utf8");
  const normalise = (text: string) => text.replace(/"(\.\/|file:)[^"]+"/g, '"…"');
  assert.equal(normalise(source), normalise(main));
  assert.match(
    serverEntrySource("/a/registry.ts", "/b/c/server.ts"),
    /from "\.\.\/\.\.\/a\/registry\.ts"/,
  );
});
