/**
 * A fresh machine passes the test command: a missing system tool is one clear line and its tests
 * are skipped with a notice, except under `CI=true`, where the preflight fails before any test.
 */
import assert from "node:assert/strict";
import { needs } from "./helpers/system_tools.ts";

async function preflight(env: Record<string, string>) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "tests/preflight.ts"],
    env: { PATH: "/nonexistent", HOME: Deno.env.get("HOME") ?? "/root", ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code: output.code, text: decoder.decode(output.stdout) + decoder.decode(output.stderr) };
}

Deno.test("the preflight names each missing tool with its install command, and skips outside CI", async () => {
  const local = await preflight({});
  assert.equal(local.code, 0, local.text);
  for (const [tool, pkg] of [["buildah", "buildah"], ["promtool", "prometheus"]]) {
    assert.match(
      local.text,
      new RegExp(
        `preflight: ${tool} +MISSING: its tests are skipped; install with: sudo apt-get install -y ${pkg}`,
      ),
    );
  }
  const ci = await preflight({ CI: "true" });
  assert.equal(ci.code, 1, ci.text);
  assert.match(ci.text, /CI=true never skips: .*buildah/);
});

Deno.test("needs() skips a test whose tool is missing, never under CI=true", () => {
  const saved = { PATH: Deno.env.get("PATH"), CI: Deno.env.get("CI") };
  const silence = console.error;
  try {
    console.error = () => {};
    Deno.env.set("PATH", "/nonexistent");
    Deno.env.delete("CI");
    assert.deepEqual(needs("promtool"), { ignore: true });
    Deno.env.set("CI", "true");
    assert.deepEqual(needs("promtool"), { ignore: false });
  } finally {
    console.error = silence;
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) Deno.env.delete(name);
      else Deno.env.set(name, value);
    }
  }
});
