import assert from "node:assert/strict";

Deno.test("the bounded load script passes: healthy plugins answer 100%, failures are attributed", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "bench:load", "--seconds", "2", "--clients", "8"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  assert.equal(output.code, 0, text + new TextDecoder().decode(output.stderr));
  assert.match(text, /healthy plugins answered 200 \| (\d+) \/ \1 \(100\.00%\)/);
  assert.match(text, /failures of plugin-07 attributed to it \| (\d+) \/ \1 \(100\.00%\)/);
  assert.match(text, /\nPASS$/m);
});
