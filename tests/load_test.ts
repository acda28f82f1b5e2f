import assert from "node:assert/strict";
import { denoTaskOutput } from "./helpers/process.ts";

Deno.test("the bounded load script passes: healthy plugins answer 100% beside a throwing and a hanging one", async () => {
  const text = await denoTaskOutput("bench:load", "--seconds", "2", "--clients", "8");
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
