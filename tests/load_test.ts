import assert from "node:assert/strict";

Deno.test("the bounded load script passes: healthy plugins answer 100% beside a throwing and a hanging one", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "bench:load", "--seconds", "2", "--clients", "8"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  assert.equal(output.code, 0, text + new TextDecoder().decode(output.stderr));
  assert.match(
    text,
    /healthy plugins answered 200 \| (\d+) \/ \1 \(100\.00%\) \| (\d+) \/ \2 \(100\.00%\) \|/,
  );
  assert.match(
    text,
    /failures of plugin-07 attributed to it \| not asked \| (\d+) \/ \1 \(100\.00%\)/,
  );
  assert.match(text, /timeouts of plugin-13 .* \| not asked \| (\d+) \/ \1 \(100\.00%\)/);
  assert.match(
    text,
    /error log lines \(JSON\) \/ failures \+ timeouts \| 0 \/ 0 \| (\d+) \/ \1 \|/,
  );
  assert.match(text, /\nPASS$/m);
});
