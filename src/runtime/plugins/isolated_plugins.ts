/**
 * The host's side of isolated plugins: each runs in a worker of the plugin process, and the host
 * reaches it over a {@link PluginLink} (a connection to a port of 127.0.0.1, proven by a token).
 * To the rest of the host an isolated plugin looks like any other: {@link IsolatedPlugins.load}
 * gives back its routers (one that forwards `/api/<name>` and everything under it), its pages and
 * blocks (components that render inside the worker) and its health checks. Requests cross as
 * frames: the head, the body in chunks, the response in chunks acknowledged as they are read; a
 * client that leaves aborts the request in the worker. While the plugin process is down, an
 * isolated plugin answers 503 `plugin_unavailable`.
 *
 * @module
 */
import { type Frame, type FrameHeader, RESPONSE_WINDOW_BYTES } from "./frames.ts";
import type { HostContext } from "../permissions.ts";
import type { PluginContext } from "../context/plugin_context.ts";
import { answerContext, plainFields } from "./context_frames.ts";
import type { LoadedPlugin } from "../registry.ts";
import { type PluginOutline, pluginProxies } from "./plugin_proxies.ts";
import { PluginTimeout } from "../plugin_mount.ts";

/** The host's connection to its plugin process. */
export interface PluginLink {
  /** Sends a frame (dropped while the process is down). */
  send(frame: Frame): void;
  /** Whether the plugin process is connected now. */
  readonly up: boolean;
  /**
   * Receives the process's frames and hears when it connects (again) and when it is lost.
   *
   * @param listener The receiver.
   */
  listen(listener: LinkListener): void;
}

/** What a {@link PluginLink} tells its user. */
export interface LinkListener {
  /** A frame from the plugin process. */
  frame(frame: Frame): void;
  /** The plugin process (re)connected. */
  up(): void;
  /**
   * The plugin process was lost (it ended, or its connection broke); `final` when it will not come
   * back (its supervisor ended, or could not start).
   */
  down(reason: string, final?: boolean): void;
}

/** What happens to isolated plugins, for the metrics, the audit log and the plugin list. */
export interface IsolationEvents {
  /** A plugin's worker crashed and is restarted (or, when `final`, given up). */
  crashed?(plugin: string, reason: string, final: boolean): void;
  /** A plugin's request took longer than the time limit (its worker is restarted). */
  timedOut?(plugin: string): void;
  /** A plugin started on first use failed to import (threw, hung or spun past the time limit). */
  startFailed?(plugin: string, reason: string): void;
  /** A plugin's log line outside a request (its worker's failures, with the stack). */
  log?(plugin: string, level: "info" | "warn" | "error", message: string, stack?: string): void;
  /** The plugin process was lost. */
  processLost?(reason: string): void;
}

/** An isolated plugin to load: its name, its worker bundle, the hosts it may reach. */
export interface IsolatedPluginCode {
  /** The plugin's name. */
  readonly name: string;
  /** Its label. */
  readonly display_name: string;
  /** Its worker entry (it imports the shared worker modules as `./<file>`). */
  readonly code: string;
  /** The hosts it may reach. */
  readonly net: readonly string[];
  /** The permissions it declares (a Worker of its own gets the host's verdicts on them). */
  readonly permissions: readonly string[];
  /** What it has (pages, blocks, health checks), as the build recorded it. */
  readonly outline: PluginOutline;
}

/** Limits of isolated plugins. */
export interface IsolationLimits {
  /** How long an import or a request may take, in milliseconds. */
  readonly timeoutMs: number;
  /** How many crashes in the window a plugin survives. */
  readonly maxRestarts: number;
  /** The crash window, in milliseconds. */
  readonly windowMs: number;
}

/** The plugin process could not take the request (it is down, or the plugin was given up). */
export class PluginUnavailable extends Error {
  /**
   * Says which plugin is not available, and why.
   *
   * @param plugin The plugin.
   * @param reason Why.
   */
  constructor(readonly plugin: string, reason: string) {
    super(`the plugin ${plugin} is not available: ${reason}`);
    this.name = "PluginUnavailable";
  }
}

/** An isolated plugin's worker failed a request (it threw, or crashed while serving it). */
export class IsolatedPluginFailed extends Error {
  /**
   * Says which plugin failed the request, and how.
   *
   * @param plugin The plugin.
   * @param message What the worker said.
   */
  constructor(readonly plugin: string, message: string) {
    super(message);
    this.name = "IsolatedPluginFailed";
  }
}

/** How many response bytes the host takes before it acknowledges them (a quarter of the window). */
const ACK_BYTES = RESPONSE_WINDOW_BYTES / 4;

/** Statuses whose responses have no body. */
const NULL_BODY = new Set([101, 204, 205, 304]);

/** An exchange the host waits on. */
interface Pending {
  readonly plugin: string;
  readonly host?: HostContext;
  /** The plugin's context on this request or call: its storage and logger answer the worker. */
  readonly context?: PluginContext;
  head?: PromiseWithResolvers<Frame>;
  result?: PromiseWithResolvers<unknown>;
  body?: ResponseBody;
}

/** A response body as it arrives: chunks queued until the reader takes them. */
class ResponseBody {
  readonly queue: Uint8Array[] = [];
  ended = false;
  failure: Error | undefined;
  wake: (() => void) | undefined;

  settle(): void {
    this.wake?.();
    this.wake = undefined;
  }
}

/** A plugin's start in its worker: asked for once (at load, or on first use), then resolved. */
interface Load {
  readonly code: IsolatedPluginCode;
  readonly started: PromiseWithResolvers<Frame>;
  /** Whether the plugin process was asked to start it (it is again whenever the process is back). */
  asked: boolean;
}

/** Every isolated plugin of one host, over one link to the plugin process. */
export class IsolatedPlugins {
  readonly #link: PluginLink;
  readonly #limits: IsolationLimits;
  readonly #events: IsolationEvents[];
  readonly #pending = new Map<number, Pending>();
  readonly #loads = new Map<string, Load>();
  readonly #givenUp = new Map<string, string>();
  readonly #shared: Readonly<Record<string, string>>;
  /** Whether the shared worker modules were sent on the current connection. */
  #sharedSent = false;
  #gone: string | undefined;
  #next = 0;

  /**
   * The host's side of the isolated plugins over one connection to the plugin process.
   *
   * @param link The connection to the plugin process.
   * @param limits Time limit and restarts.
   * @param events Who hears of crashes, time-outs and log lines.
   * @param shared The modules the plugins' worker entries import (the registry's `workerModules`),
   * by file name: sent once per connection, before the first plugin is loaded.
   */
  constructor(
    link: PluginLink,
    limits: IsolationLimits,
    events: IsolationEvents = {},
    shared: Readonly<Record<string, string>> = {},
  ) {
    this.#link = link;
    this.#limits = limits;
    this.#events = [events];
    this.#shared = shared;
    link.listen({
      frame: (frame) => this.#receive(frame),
      up: () => {
        this.#sharedSent = false;
        for (const load of this.#loads.values()) if (load.asked) this.#sendLoad(load.code);
      },
      down: (reason, final) => {
        if (final) {
          this.#gone = reason;
          // Plugins still importing never will: they fail now, not at the time limit.
          for (const { started } of this.#loads.values()) {
            started.resolve({ header: { t: "failed", reason } });
          }
        }
        for (const events of this.#events) events.processLost?.(reason);
        for (const [id, pending] of this.#pending) {
          this.#fail(
            id,
            pending,
            new PluginUnavailable(pending.plugin, "the plugin process ended"),
          );
        }
      },
    });
  }

  /**
   * Returns what the host mounts for a plugin, from the outline the build recorded: its worker
   * starts on first use (a request, page, block or health check).
   *
   * @param code The plugin and its bundle.
   * @returns Its routers, pages, blocks and health checks.
   * @throws {Error} When the plugin process is gone.
   */
  load(code: IsolatedPluginCode): Promise<LoadedPlugin> {
    if (this.#gone !== undefined) return Promise.reject(new Error(this.#gone));
    this.#loads.set(code.name, { code, started: withResolvers<Frame>(), asked: false });
    return Promise.resolve(pluginProxies(code.outline, {
      fetch: (request, host) => this.fetch(code.name, request, host),
      call: (call, context) => this.call(code.name, call, context),
    }));
  }

  /**
   * Adds who hears of crashes, time-outs and log lines (the metrics, the lifecycle).
   *
   * @param events The listeners.
   */
  observe(events: IsolationEvents): void {
    this.#events.push(events);
  }

  /**
   * Why an isolated plugin was given up after repeated crashes, if it was.
   *
   * @param plugin The plugin's name.
   * @returns The last crash's reason.
   */
  givenUp(plugin: string): string | undefined {
    return this.#givenUp.get(plugin);
  }

  /**
   * Forwards a request to a plugin's worker and returns its response as it streams.
   *
   * @param plugin The plugin's name.
   * @param request The request.
   * @param host The host context of the request, for its permission checks.
   * @returns The response.
   * @throws {PluginTimeout} When the worker did not answer within the time limit.
   * @throws {IsolatedPluginFailed} When the worker threw or crashed.
   * @throws {PluginUnavailable} When the plugin process is down or the plugin was given up.
   */
  async fetch(plugin: string, request: Request, host?: HostContext): Promise<Response> {
    await this.#started(plugin);
    this.#available(plugin);
    const id = ++this.#next;
    const context = host?.context?.(request);
    const pending: Pending = {
      plugin,
      head: withResolvers(),
      ...(host ? { host } : {}),
      ...(context ? { context } : {}),
    };
    this.#pending.set(id, pending);
    const hasBody = request.body !== null;
    this.#link.send({
      header: {
        t: "req",
        plugin,
        id,
        method: request.method,
        url: request.url,
        headers: [...request.headers],
        body: hasBody,
        ...(context ? { config: context.config } : {}),
      },
    });
    const abort = () => {
      if (!this.#pending.has(id)) return;
      this.#link.send({ header: { t: "abort", plugin, id } });
      this.#fail(id, pending, new DOMException("the client went away", "AbortError"));
    };
    request.signal.addEventListener("abort", abort, { once: true });
    if (hasBody) void this.#sendBody(plugin, id, request.body!);
    const answer = await pending.head!.promise;
    const head = answer.header;
    const status = Number(head.status);
    const headers = new Headers(head.headers as [string, string][]);
    if (NULL_BODY.has(status) || request.method === "HEAD") {
      return new Response(null, { status, headers });
    }
    if (head.t === "whole") {
      request.signal.removeEventListener("abort", abort);
      return new Response(answer.bytes as Uint8Array<ArrayBuffer> | undefined, { status, headers });
    }
    const body = pending.body!;
    let unacked = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        while (body.queue.length === 0 && !body.ended && !body.failure) {
          await new Promise<void>((resolve) => (body.wake = resolve));
        }
        const chunk = body.queue.shift();
        if (chunk) {
          controller.enqueue(chunk);
          // Taken bytes are acknowledged a quarter window at a time: a short answer needs none.
          unacked += chunk.byteLength;
          if (unacked >= ACK_BYTES) {
            this.#link.send({ header: { t: "ack", plugin, id, bytes: unacked } });
            unacked = 0;
          }
        } else if (body.failure) {
          controller.error(body.failure);
        } else {
          request.signal.removeEventListener("abort", abort);
          controller.close();
        }
      },
      cancel: () => abort(),
    }, { highWaterMark: 0 });
    return new Response(stream, { status, headers });
  }

  /**
   * Asks a plugin's worker to render a page or block, or run a health check.
   *
   * @param plugin The plugin's name.
   * @param call What to do: `{ kind: "page", path, url }`, `{ kind: "block", block }` or
   * `{ kind: "health", index }`.
   * @param context The plugin's context for a page or block (`props.context`).
   * @returns What the worker answered (HTML, or a health report).
   */
  async call(
    plugin: string,
    call: Record<string, unknown>,
    context?: PluginContext,
  ): Promise<unknown> {
    await this.#started(plugin);
    this.#available(plugin);
    const id = ++this.#next;
    const pending: Pending = { plugin, result: withResolvers(), ...(context ? { context } : {}) };
    this.#pending.set(id, pending);
    this.#link.send({
      header: { ...call, t: "call", plugin, id, ...(context ? { config: context.config } : {}) },
    });
    return await pending.result!.promise;
  }

  #available(plugin: string): void {
    const reason = this.#givenUp.get(plugin);
    if (reason !== undefined) {
      throw new PluginUnavailable(plugin, `it crashed repeatedly (${reason})`);
    }
    if (!this.#link.up) throw new PluginUnavailable(plugin, "the plugin process is restarting");
  }

  #sendLoad(code: IsolatedPluginCode): void {
    if (!this.#sharedSent) {
      this.#sharedSent = true;
      for (const [file, source] of Object.entries(this.#shared)) {
        this.#link.send({ header: { t: "module", file }, bytes: new TextEncoder().encode(source) });
      }
    }
    this.#link.send({
      header: {
        t: "load",
        plugin: code.name,
        net: code.net,
        timeoutMs: this.#limits.timeoutMs,
        maxRestarts: this.#limits.maxRestarts,
        windowMs: this.#limits.windowMs,
      },
      bytes: new TextEncoder().encode(code.code),
    });
  }

  async #sendBody(plugin: string, id: number, body: ReadableStream<Uint8Array>): Promise<void> {
    try {
      for await (const chunk of body) {
        if (!this.#pending.has(id)) return;
        this.#link.send({ header: { t: "chunk", plugin, id }, bytes: chunk });
      }
      this.#link.send({ header: { t: "end", plugin, id } });
    } catch {
      this.#link.send({ header: { t: "abort", plugin, id } });
    }
  }

  #receive(frame: Frame): void {
    const { header } = frame;
    const plugin = String(header.plugin);
    switch (header.t) {
      case "ready":
      case "failed":
        this.#loads.get(plugin)?.started.resolve(frame);
        return;
      case "crashed":
        if (header.final === true) this.#givenUp.set(plugin, String(header.reason));
        for (const events of this.#events) {
          events.crashed?.(plugin, String(header.reason), header.final === true);
        }
        return;
      case "timeout":
        for (const events of this.#events) events.timedOut?.(plugin);
        return;
      case "log":
        this.#log(plugin, header);
        return;
      case "authorize":
        void this.#authorize(plugin, header);
        return;
      case "storage":
        void this.#storage(plugin, header);
        return;
    }
    const id = Number(header.id);
    const pending = this.#pending.get(id);
    if (!pending || pending.plugin !== plugin) return;
    switch (header.t) {
      case "head":
        // The body's chunks may follow before the awaiting code runs again: they queue here.
        pending.body = new ResponseBody();
        pending.head?.resolve(frame);
        return;
      case "whole":
        this.#pending.delete(id);
        pending.head?.resolve(frame);
        return;
      case "chunk":
        if (pending.body && frame.bytes) {
          // a chunk of a request the host gave up on is dropped with it
          pending.body.queue.push(frame.bytes);
          pending.body.settle();
        }
        return;
      case "end":
        this.#pending.delete(id);
        if (pending.body) {
          pending.body.ended = true;
          pending.body.settle();
        }
        return;
      case "result":
        this.#pending.delete(id);
        pending.result?.resolve(header.value);
        return;
      case "fail": {
        const status = Number(header.status);
        const message = String(header.message);
        this.#fail(
          id,
          pending,
          status === 504
            ? new PluginTimeout(plugin, this.#limits.timeoutMs)
            : status === 503
            ? new PluginUnavailable(plugin, message)
            : new IsolatedPluginFailed(plugin, message),
        );
        return;
      }
    }
  }

  #fail(id: number, pending: Pending, error: Error): void {
    this.#pending.delete(id);
    pending.head?.reject(error);
    pending.result?.reject(error);
    if (pending.body) {
      pending.body.failure = error;
      pending.body.settle();
    }
  }

  /** The context of a plugin's request or call in flight, if it has one. */
  #contextOf(plugin: string, request: unknown): PluginContext | undefined {
    const pending = this.#pending.get(Number(request));
    return pending?.plugin === plugin ? pending.context : undefined;
  }

  /**
   * A log line from a plugin's worker: its `ctx.log` or `console.*` on a request (written with the
   * plugin's name and the request id), or a failure of its code.
   */
  #log(plugin: string, header: FrameHeader): void {
    const level = header.level === "error" ? "error" : header.level === "warn" ? "warn" : "info";
    const message = String(header.message);
    const context = this.#contextOf(plugin, header.request);
    if (context && header.stack === undefined) {
      context.log[level](message, plainFields(header.fields));
      return;
    }
    for (const events of this.#events) {
      events.log?.(
        plugin,
        level,
        message,
        typeof header.stack === "string" ? header.stack : undefined,
      );
    }
  }

  /** A storage request from a plugin's worker, answered with its storage for that request. */
  async #storage(plugin: string, header: FrameHeader): Promise<void> {
    const context = this.#contextOf(plugin, header.request);
    const answer = context ? await answerContext(context, header) : {
      error: { name: "Error", message: "storage is only available while a request is served" },
    };
    this.#link.send({ header: { t: "stored", plugin, id: header.id, ...answer } });
  }

  async #authorize(plugin: string, header: FrameHeader): Promise<void> {
    const pending = this.#pending.get(Number(header.request));
    const host = pending?.plugin === plugin ? pending.host : undefined;
    const token = typeof header.token === "string" ? header.token : undefined;
    let result: unknown = "unauthorized";
    try {
      if (host) result = await host.authorize(token, String(header.permission));
    } catch {
      result = "unauthorized";
    }
    this.#link.send({ header: { t: "authorized", plugin, id: header.id, result } });
  }

  /** Asks the plugin process to start a plugin's worker, once; resolves when it is ready. */
  #ask(load: Load): Promise<Frame> {
    if (!load.asked) {
      load.asked = true;
      this.#sendLoad(load.code);
    }
    return load.started.promise;
  }

  /**
   * Waits for a plugin's worker, starting it on first use; a plugin whose import failed is
   * unavailable (the first time, its observers hear of it).
   */
  async #started(plugin: string): Promise<void> {
    const load = this.#loads.get(plugin);
    if (!load) return;
    const first = !load.asked;
    const ready = await this.#ask(load);
    if (ready.header.t !== "failed") return;
    const reason = String(ready.header.reason);
    if (first) { for (const events of this.#events) events.startFailed?.(plugin, reason); }
    throw new PluginUnavailable(plugin, `it failed to start: ${reason}`);
  }
}

/** `Promise.withResolvers()`, which Node 20 lacks. */
function withResolvers<T>(): PromiseWithResolvers<T> {
  let resolve!: (value: T | PromiseLike<T>) => void;
  let reject!: (reason?: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}
