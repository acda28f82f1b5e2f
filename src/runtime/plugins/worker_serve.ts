/**
 * An isolated plugin's side of its worker of the plugin process: the plugin's Hono routers, pages,
 * blocks and health checks (`plugin_serve.ts`), served to the plugin process by message. A request arrives as a head and body chunks and
 * its response goes back the same way (chunked everywhere, since `ReadableStream`s are not
 * transferable on every runtime), with at most {@link RESPONSE_WINDOW_BYTES} unacknowledged; a
 * client that leaves aborts the request's signal. Permission checks, storage and log lines ask the
 * host through the process, so `requirePermission` and `pluginContext(c)` work unchanged. Pages and
 * blocks are rendered here, to HTML.
 *
 * @module
 */
import type { Hono } from "hono";
import type { HostContext } from "../permissions.ts";
import type { Principal } from "../mod.ts";
import {
  inDedicatedWorker,
  onProcessMessage,
  postToProcess,
  type WorkerMessage,
} from "./worker_port.ts";
import { concatBytes, RESPONSE_WINDOW_BYTES } from "./frames.ts";
import { callPlugin, describe, pluginApp, type WorkerPlugin } from "./plugin_serve.ts";
import { type ContextAnswer, remoteContext } from "./context_frames.ts";
import type { PluginContext } from "../context/plugin_context.ts";
import type { SettingValue } from "../context/settings.ts";
import {
  attributeConsole,
  type PluginCall,
  type RequestScope,
} from "../context/console_attribution.ts";

/** A request being received or answered. */
interface Exchange {
  readonly abort: AbortController;
  body?: ReadableStreamDefaultController<Uint8Array>;
  /** Bytes sent and not yet acknowledged, and who waits for room. */
  unacked: number;
  room?: () => void;
}

/**
 * Serves a plugin from inside its worker, and tells the process it is ready; does nothing where
 * the bundle is not a dedicated worker (a Worker of its own, which `servePluginService` serves).
 *
 * @param plugin The plugin's name, label and code (imported by the worker's entry).
 * @param scope Follows a request across `await`s: what the plugin prints while it serves one is
 * sent to the host as a log line of that request.
 * @example
 * ```ts ignore
 * import { router } from "./backend/routers/ping.ts";
 * serveInWorker({ name: "crm", display_name: "CRM", routers: [{ spec: "r.ts:router", app: router }], pages: {}, health: [] });
 * ```
 */
export function serveInWorker(plugin: WorkerPlugin, scope?: RequestScope<PluginCall>): void {
  if (!inDedicatedWorker) return;
  const within = <T>(request: number, work: () => T): T =>
    scope ? scope.run({ plugin: plugin.name, requestId: String(request) }, work) : work();
  if (scope) {
    attributeConsole(console, scope, (level, message, call) =>
      postToProcess({
        header: {
          t: "log",
          request: Number(call.requestId),
          level,
          message,
          fields: { source: "console" },
        },
      }));
  }
  const exchanges = new Map<number, Exchange>();
  const answers = new Map<number, (value: unknown) => void>();
  let nextCall = 0;
  /** Asks the host something about one request, and resolves with its answer. */
  const ask = (header: Record<string, unknown>): Promise<unknown> => {
    const id = ++nextCall;
    postToProcess({ header: { ...header, t: String(header.t), id } });
    return new Promise((resolve) => answers.set(id, resolve));
  };
  /** The plugin's context on one request or call: storage and logger through the host. */
  const contextFor = (request: number, config: unknown): PluginContext =>
    remoteContext(
      (typeof config === "object" && config !== null ? config : {}) as Record<
        string,
        SettingValue
      >,
      (storage) => ask({ t: "storage", request, ...storage }) as Promise<ContextAnswer>,
      (level, message, fields) =>
        postToProcess({ header: { t: "log", request, level, message, fields } }),
    );
  /** The host context of one request: its permission checks are answered for that request. */
  const hostFor = (request: number, config: unknown): HostContext => ({
    authorize: (token, permission) =>
      ask({ t: "authorize", request, token: token ?? null, permission }) as Promise<
        Principal | "unauthorized" | "forbidden"
      >,
    ...(config === undefined ? {} : { context: () => contextFor(request, config) }),
  });
  const requests = new WeakMap<Request, { id: number; config: unknown }>();
  const app = pluginApp(plugin, (request) => {
    const known = requests.get(request);
    return known === undefined ? undefined : hostFor(known.id, known.config);
  }, (failure) =>
    postToProcess({
      header: {
        t: "log",
        level: "error",
        ...failure,
        message: `the plugin failed: ${failure.message}`,
      },
    }));
  onProcessMessage((message) => {
    const { header } = message;
    const id = Number(header.id);
    const exchange = exchanges.get(id);
    switch (header.t) {
      case "req":
        exchanges.set(id, { abort: new AbortController(), unacked: 0 });
        void within(id, () => answer(app, id, header, exchanges, requests));
        break;
      case "chunk":
        if (message.bytes) exchange?.body?.enqueue(message.bytes);
        break;
      case "end":
        exchange?.body?.close();
        break;
      case "abort":
        exchange?.abort.abort(new DOMException("the client went away", "AbortError"));
        try {
          exchange?.body?.error(new DOMException("the client went away", "AbortError"));
        } catch {
          // the body was already read
        }
        exchanges.delete(id);
        exchange?.room?.();
        break;
      case "ack":
        if (exchange) {
          exchange.unacked -= Number(header.bytes) || 0;
          if (exchange.unacked < RESPONSE_WINDOW_BYTES) exchange.room?.();
        }
        break;
      case "call":
        void within(id, () =>
          callPlugin(
            plugin,
            header,
            header.config === undefined ? undefined : contextFor(id, header.config),
          )).then(
            (value) => postToProcess({ header: { t: "result", id, value } }),
            (error: unknown) =>
              postToProcess({ header: { t: "fail", id, status: 500, message: describe(error) } }),
          );
        break;
      case "authorized":
        answers.get(id)?.(header.result);
        answers.delete(id);
        break;
      case "stored":
        answers.get(id)?.("error" in header ? { error: header.error } : { value: header.value });
        answers.delete(id);
        break;
    }
  });
  postToProcess({ header: { t: "ready" } });
}

async function answer(
  app: Hono,
  id: number,
  header: WorkerMessage["header"],
  exchanges: Map<number, Exchange>,
  requests: WeakMap<Request, { id: number; config: unknown }>,
): Promise<void> {
  const exchange = exchanges.get(id)!;
  let response: Response;
  try {
    const body = header.body === true
      ? new ReadableStream<Uint8Array>({ start: (controller) => void (exchange.body = controller) })
      : null;
    const request = new Request(String(header.url), {
      method: String(header.method),
      headers: header.headers as [string, string][],
      body,
      signal: exchange.abort.signal,
      ...(body ? { duplex: "half" } : {}),
    } as RequestInit);
    requests.set(request, { id, config: header.config });
    response = await app.fetch(request);
  } catch (error) {
    exchanges.delete(id);
    postToProcess({ header: { t: "fail", id, status: 500, message: describe(error) } });
    return;
  }
  const head = { id, status: response.status, headers: [...response.headers] };
  try {
    const reader = response.body?.getReader();
    const ready = reader ? await readReady(reader) : { chunks: [], done: true };
    if (ready.done) {
      // The whole body was there at once (a string or bytes, what most handlers answer): one
      // message, which the host answers with a fixed length.
      const bytes = concatBytes(ready.chunks);
      postToProcess({ header: { t: "whole", ...head }, ...(bytes.byteLength ? { bytes } : {}) });
      return;
    }
    postToProcess({ header: { t: "head", ...head } });
    exchange.abort.signal.addEventListener("abort", () => void reader!.cancel().catch(() => {}));
    let next = ready.next;
    const send = async (value: Uint8Array) => {
      exchange.unacked += value.byteLength;
      postToProcess({ header: { t: "chunk", id }, bytes: value });
      if (exchange.unacked >= RESPONSE_WINDOW_BYTES) {
        await new Promise<void>((resolve) => (exchange.room = resolve));
      }
    };
    for (const chunk of ready.chunks) await send(chunk);
    while (exchanges.has(id)) {
      const { done, value } = await (next ?? reader!.read());
      next = undefined;
      if (done) break;
      await send(value);
    }
    postToProcess({ header: { t: "end", id } });
  } catch (error) {
    postToProcess({ header: { t: "fail", id, status: 500, message: describe(error) } });
  } finally {
    exchanges.delete(id);
  }
}

/** What {@link readReady} found. */
interface ReadyBody {
  /** The chunks read. */
  readonly chunks: Uint8Array[];
  /** Whether the body ended. */
  readonly done: boolean;
  /** The read still under way, when it did not end. */
  readonly next?: Promise<ReadableStreamReadResult<Uint8Array>>;
}

/** The most bytes collected before the head is sent. */
const READY_LIMIT_BYTES = 64 * 1024;

/**
 * How many microtask turns a read may take and still count as ready: a body made from a string or
 * bytes answers each read within two. (A timer would do as well, but costs every response a trip
 * through the event loop's timers: about a tenth of a millisecond, measured.)
 */
const READY_TURNS = 8;

/**
 * Reads what a body has ready at once (up to {@link READY_LIMIT_BYTES}): a body made from a string
 * or bytes ends within a few microtask turns, a stream that waits on anything else does not and
 * goes on as a stream.
 */
async function readReady(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<ReadyBody> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size <= READY_LIMIT_BYTES) {
    const next = reader.read();
    let later: Promise<undefined> = Promise.resolve(undefined);
    for (let turn = 0; turn < READY_TURNS; turn++) later = later.then(() => undefined);
    const result = await Promise.race([next, later]);
    if (result === undefined) return { chunks, done: false, next };
    if (result.done) return { chunks, done: true };
    chunks.push(result.value);
    size += result.value.byteLength;
  }
  return { chunks, done: false };
}
