/**
 * The `webhook` runner: each run is POSTed, signed, to an orchestrator (Airflow, Dagster, dbt
 * Cloud…), which runs the job and reports the result back to `POST /api/dbt/runs/<id>` with the
 * same kind of signature. Web Crypto only, so it works on every runtime.
 *
 * @module
 */
import { sameSecret } from "../secrets.ts";
import { type DbtRunner, type DbtRunRequest, failedRun } from "./runner.ts";

/**
 * The header that carries a signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<run id>.<body>">`. Signing the run id and the time with the body means a report is good
 * for one run and five minutes: one run's report cannot be replayed onto another, nor later.
 */
export const SIGNATURE_HEADER = "X-Honeyframe-Signature";

/** How far a signature's time may be from the receiver's clock, in seconds. */
export const SIGNATURE_TOLERANCE_S = 300;

/** How long the orchestrator has to accept a run. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

async function hmacHex(secret: string, text: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const bytes = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(text)));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * The signature header's value for a body about one run, at one time.
 *
 * @param secret The shared secret.
 * @param runId The run the body is about.
 * @param body The exact body sent.
 * @param at When it is signed, in milliseconds since the epoch (now by default).
 * @returns `t=<unix seconds>,v1=<hex>`.
 * @example
 * ```ts
 * await signRunBody("a-shared-secret-16", "r1", "{}", 0); // "t=0,v1=…"
 * ```
 */
export async function signRunBody(
  secret: string,
  runId: string,
  body: string,
  at: number = Date.now(),
): Promise<string> {
  const t = Math.floor(at / 1000);
  return `t=${t},v1=${await hmacHex(secret, `${t}.${runId}.${body}`)}`;
}

/**
 * Whether a signature header was made for this body, this run and a time within
 * {@link SIGNATURE_TOLERANCE_S} of `now` (compared in constant time).
 *
 * @param secret The shared secret.
 * @param runId The run the request is about (from its URL).
 * @param body The exact body received.
 * @param header The header's value, if any.
 * @param now The receiver's clock, in milliseconds.
 * @returns Whether it is the body's signature, for this run, and recent.
 */
export async function signatureMatches(
  secret: string,
  runId: string,
  body: string,
  header: string | undefined,
  now: number,
): Promise<boolean> {
  const parts = header === undefined ? undefined : /^t=(\d{1,12}),v1=[0-9a-f]{64}$/.exec(header);
  if (!parts) return false;
  const t = Number(parts[1]);
  if (Math.abs(now / 1000 - t) > SIGNATURE_TOLERANCE_S) return false;
  return await sameSecret(header!, await signRunBody(secret, runId, body, t * 1000));
}

/** Options of {@link webhookRunner}. */
export interface WebhookRunnerOptions {
  /** Where runs are posted. */
  readonly url: URL;
  /** The signing secret. */
  readonly secret: string;
  /** The `fetch` to use (the global one by default). */
  readonly fetch?: typeof fetch;
  /** How long the orchestrator has to answer (default {@link WEBHOOK_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
  /** The clock the signatures' times come from, in milliseconds (`Date.now` by default). */
  readonly now?: () => number;
}

/**
 * A runner that posts `{run_id, plugin, project, models, schedule}` to the orchestrator. A 2xx
 * answer means it took the run; any other answer, or none in time, fails the run with the reason.
 *
 * @param options URL, secret, fetch and time limit.
 * @returns The runner.
 * @example
 * ```ts
 * const runner = webhookRunner({ url: new URL("https://airflow.example/hooks/dbt"), secret: "a-shared-secret-16" });
 * ```
 */
export function webhookRunner(options: WebhookRunnerOptions): DbtRunner {
  const send = options.fetch ?? fetch;
  return {
    kind: "webhook",
    async start(request: DbtRunRequest) {
      const body = JSON.stringify({
        run_id: request.run_id,
        plugin: request.plugin,
        project: request.project,
        schema: request.schema,
        models: request.models,
        schedule: request.schedule,
      });
      const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
      try {
        const response = await send(options.url, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            [SIGNATURE_HEADER]: await signRunBody(
              options.secret,
              request.run_id,
              body,
              (options.now ?? Date.now)(),
            ),
          },
          body,
          redirect: "manual",
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.body?.cancel();
        if (response.ok) return "reported_later";
        return failedRun(`the webhook answered ${response.status}`);
      } catch (error) {
        const reason = (error as Error).name === "TimeoutError"
          ? `the webhook did not answer within ${timeoutMs / 1000} s`
          : `the webhook could not be reached: ${(error as Error).message}`;
        return failedRun(reason);
      }
    },
  };
}
