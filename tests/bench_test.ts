import assert from "node:assert/strict";
import { denoTaskOutput } from "./helpers/process.ts";
import { needs } from "./helpers/system_tools.ts";

Deno.test("deno task bench --quick runs and prints its tables (no thresholds here)", async () => {
  const text = await denoTaskOutput("bench", "--quick");
  // Build, the first 200 (ours, ours eager, hand-written, folder loader), ratios, ready, bundle.
  const startRow = (plugins: number) =>
    new RegExp(
      `^\\| ${plugins} \\| ${"[\\d.]+ s \\| ".repeat(5)}${"[\\d.]+× \\| ".repeat(2)}` +
        `[\\d.]+ s \\| ${"[\\d.]+× \\| ".repeat(2)}\\d+ KiB \\|$`,
      "m",
    );
  assert.match(text, startRow(10), "the first-response and ready row at 10 plugins");
  assert.match(text, startRow(100), "and at 100");
  assert.match(
    text,
    /^Peak RSS once one plugin has answered one request, before any other is used/m,
  );
  assert.match(
    text,
    /^\| build, incremental \(a fresh CLI process\) \| 100 \| [\d.]+ s \| [\d.]+× \|$/m,
  );
  assert.match(
    text,
    /^\| rebuild in the dev loop \(in process\) \| 100 \| [\d.]+ s \| [\d.]+× \|$/m,
  );
  assert.match(text, /^\| dev loop: save → new answer \| 100 \| [\d.]+ s \| — \|$/m);
  assert.match(text, /^\| 100 \| [\d.]+ s \| \d+ KiB \| \d+ KiB \|$/m, "the client-entry row");
  assert.match(text, /^\| ours \(bundled\) \| \d+ \| [\d.]+ ms \| [\d.]+ MiB \|$/m);
  assert.match(text, /^\| ours ÷ hand-written \| [\d.]+× \|/m);
  assert.match(text, /^Node \(bundles/m, "the Node table");
  assert.match(text, /^\| 100 \| [\d.]+ s \| [\d.]+ s \| [\d.]+× \|$/m, "a Node row");
  assert.match(text, /^workerd \(Worker bundles through Miniflare/m, "the workerd table");
  assert.match(
    text,
    /^\| 100 \| [\d.]+ s \| [\d.]+ s \| [\d.]+× \| \d+ ms \| \d+ ms \| [\d.]+× \|$/m,
    "a workerd row",
  );
});

Deno.test("deno task bench:isolation --quick measures both modes side by side (no thresholds here)", async () => {
  const text = await denoTaskOutput("bench:isolation", "--quick");
  assert.match(
    text,
    /^\| p50 latency, \d+ sequential requests \| [\d.]+ ms \| [\d.]+ ms \| \+-?[\d.]+ ms \|$/m,
  );
  assert.match(text, /^\| requests\/s, 32 clients, \d+ s \| \d+ \| \d+ \| [\d.]+× \|$/m);
  assert.match(
    text,
    /^\| spawn to the last plugin's first 200 \| [\d.]+ s \| [\d.]+ s \| [\d.]+× \|$/m,
  );
  assert.match(
    text,
    /^\| resident memory once serving \(workers start on first use\) \| \d+ MiB \| \d+ MiB \| \+-?\d+ MiB \|$/m,
  );
  assert.match(
    text,
    /^\| resident memory once every plugin has answered \| \d+ MiB \| \d+ MiB \| -?[\d.]+ MiB per worker \|$/m,
  );
  assert.match(text, /^(met|MISSED) {2}extra p50 ≤ 0\.25 ms/m);
});

Deno.test(
  "deno task bench:front measures both apps bare and behind the front (no thresholds here)",
  needs("nginx"),
  async () => {
    const text = await denoTaskOutput(
      "bench:front",
      "--plugins",
      "10",
      "--rounds",
      "1",
      "--seconds",
      "1",
      "--warmup",
      "1",
    );
    assert.match(text, /autocannon -c 32 for 1 s after 1 s of warm-up/);
    for (const where of ["bare", "behind the front"]) {
      assert.match(
        text,
        new RegExp(`^\\| ours, ${where} \\| \\d+ \\| [\\d.]+ ms \\| [\\d.]+ MiB \\|$`, "m"),
      );
      assert.match(
        text,
        new RegExp(
          `^\\| ours ÷ hand-written, ${where} \\| [\\d.]+× \\| [\\d.]+× \\| [\\d.]+× \\|$`,
          "m",
        ),
      );
    }
  },
);
