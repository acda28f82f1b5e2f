/**
 * `deno doc --lint` over every `mod.ts`: each public face is documented, with explicit types and no
 * reference to a type it does not export. One class of diagnostic is set aside: a reference to a
 * type of another package (Hono's `Context`, …), which Deno 2.9 reports although it is that
 * package's public type (denoland/deno#27364, fixed upstream after our pinned version).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

function files(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path, pattern);
    return pattern.test(entry.name) ? [path] : [];
  });
}

/** The names of the types, classes and values declared in our own sources. */
function declaredInSrc(): Set<string> {
  const declaration =
    /^\s*(?:export\s+)?(?:declare\s+)?(?:interface|type|class|const|function|enum)\s+([\w$]+)/gm;
  return new Set(
    files("src", /\.tsx?$/).flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(declaration)].map((match) => match[1]!)
    ),
  );
}

Deno.test("deno doc --lint finds nothing on the mod.ts faces but references to package types", async () => {
  const faces = files("src", /^mod\.ts$/);
  assert.ok(faces.length >= 8, "the mod.ts faces were found");
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--lint", ...faces],
    env: { NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).output();
  const diagnostics = new TextDecoder().decode(output.stderr).split(/\n(?=error)/)
    .filter((block) => /^error\[/.test(block));
  const ours = declaredInSrc();
  const problems = diagnostics.filter((block) => {
    const referenced = /references private type '([^']+)'/.exec(block)?.[1];
    return referenced === undefined || ours.has(referenced);
  });
  assert.deepEqual(problems, []);
  assert.ok(output.success || diagnostics.length > 0, "deno doc --lint ran");
});
