// Runs a worker bundle's `scheduled` handler once in workerd through Miniflare, as a cron trigger
// would, with the dbt webhook runner configured by bindings.
// Usage: node miniflare_scheduled.mjs <worker.js> <webhook url> <secret> <scheduled time, ISO>;
// prints the handler's outcome as JSON.
import { Miniflare } from "miniflare";

const [scriptPath, webhookUrl, secret, scheduledTime] = process.argv.slice(2);
const miniflare = new Miniflare({
  modules: true,
  scriptPath,
  compatibilityDate: "2026-04-01",
  host: "127.0.0.1",
  port: 0,
  bindings: {
    HONEYFRAME_DBT_RUNNER: "webhook",
    HONEYFRAME_DBT_WEBHOOK_URL: webhookUrl,
    HONEYFRAME_DBT_WEBHOOK_SECRET: secret,
  },
});
try {
  const worker = await miniflare.getWorker();
  const result = await worker.scheduled({
    scheduledTime: new Date(scheduledTime),
    cron: "* * * * *",
  });
  console.log(JSON.stringify(result));
} finally {
  await miniflare.dispose();
}
