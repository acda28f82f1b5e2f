/**
 * The `webhook` runner: each run is POSTed, signed, to an orchestrator (Airflow, Dagster, dbt
 * Cloud…), which runs the job and reports the result back to `POST /api/dbt/runs/<id>` with the
 * same kind of signature. Web Crypto only, so it works on every runtime.
 *
 * @module
 */
import { sameSecret } from "../secrets.ts";
import { type DbtRunner, type DbtRunRequest, failedRun } from "./runner.ts";

/** The header that carries a body's signature: `sha256=<hex HMAC-SHA256 of the body>`. */
export const SIGNATURE_HEADER = "X-Honeyframe-Signature";

/** How long the orchestrator has to accept a run. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

async function hmac(secret: string, body: string): Promise<Uint8Array> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(body)));
}

/**
 * The signature header's value for a body.
 *
 * @param secret The shared secret.
 * @param body The exact body sent.
 * @returns `sha256=<hex>`.
 * @example
 * ```ts
 * await signBody("a-shared-secret-16", "{}"); // "sha256=…"
 * ```
 */
export async function signBody(secret: string, body: string): Promise<string> {
  const bytes = await hmac(secret, body);
  return `sha256=${Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * Whether a signature header matches a body (compared in constant time).
 *
 * @param secret The shared secret.
 * @param body The exact body received.
 * @param header The header's value, if any.
 * @returns Whether it is the body's signature.
 */
export async function signatureMatches(
  secret: string,
  body: string,
  header: string | undefined,
): Promise<boolean> {
  return header !== undefined && await sameSecret(header, await signBody(secret, body));
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
        models: request.models,
        schedule: request.schedule,
      });
      const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
      try {
        const response = await send(options.url, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            [SIGNATURE_HEADER]: await signBody(options.secret, body),
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
