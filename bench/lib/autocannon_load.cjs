// Runs autocannon (the project's npm dependency) from Node on one URL and prints one JSON line:
// requests/s, the 99th percentile latency at microsecond resolution (autocannon's own histogram
// counts whole milliseconds, which makes 2 ms against 3 ms read as 1.5x), and the failures.
// Usage: node autocannon_load.cjs <url> <connections> <seconds>
"use strict";
const autocannon = require("autocannon");

const [url, connections, seconds] = process.argv.slice(2);
const latencies = [];
const instance = autocannon(
  { url, connections: Number(connections), duration: Number(seconds) },
  (error, result) => {
    if (error) throw error;
    latencies.sort((a, b) => a - b);
    const p99 = latencies.length === 0
      ? NaN
      : latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)];
    process.stdout.write(
      JSON.stringify({
        rps: result.requests.average,
        p99,
        non2xx: result.non2xx,
        errors: result.errors,
      }) + "\n",
    );
  },
);
instance.on("response", (_client, status, _bytes, responseTime) => {
  if (status >= 200 && status < 300) latencies.push(responseTime);
});
