/**
 * One isolated plugin inside the plugin process: its worker (own realm, own Deno permissions),
 * started from the plugin's entry and the shared worker modules, and everything that can go wrong
 * with it. An uncaught exception or unhandled rejection, a request that outlives the time limit (a synchronous
 * endless loop included) or a worker that stops answering ends the worker: its requests are
 * answered 500 (504 for the one that timed out), naming the plugin, and it is started again after a
 * back-off. After too many crashes in a window the plugin is given up (`plugin.crashed`).
 *
 * @module
 */
import { type Frame, plainFields } from "../../runtime/plugins/mod.ts";

/** What the plugin process tells the host about one plugin. */
export type Report = (frame: Frame) => void;

/** How one plugin's worker is run. */
export interface WorkerSettings {
  /** The plugin's name. */
  readonly name: string;
  /** The module its worker starts from (a `blob:` URL). */
  readonly url: string;
  /** The hosts it may reach (Deno `net` permission entries); none when empty. */
  readonly net: readonly string[];
  /** How long its import, or one of its requests, may take, in milliseconds. */
  readonly timeoutMs: number;
  /** How many crashes in {@link WorkerSettings.windowMs} it survives. */
  readonly maxRestarts: number;
  /** The crash window, in milliseconds. */
  readonly windowMs: number;
}

/** The first back-off after a crash; it doubles with each crash in the window, up to the cap. */
const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

type State = "starting" | "ready" | "backoff" | "error";

/** A request or call in flight in the worker. */
interface InFlight {
  /** When it times out (`performance.now()`); cleared when the answer starts. */
  deadline?: number;
}

/**
 * How often in-flight requests are checked against their deadlines: one interval while any is in
 * flight rather than a timer per request (which costs each request a few microseconds more).
 */
const DEADLINE_CHECK_MS = 20;

/** One plugin's worker, supervised. */
export class PluginWorker {
  #worker: Worker | undefined;
  #state: State = "starting";
  #ready: PromiseWithResolvers<boolean> = Promise.withResolvers();
  #inFlight = new Map<number, InFlight>();
  #crashes: number[] = [];
  #everStarted = false;
  #deadlines: ReturnType<typeof setInterval> | undefined;

  /**
   * @param settings The plugin and its limits.
   * @param report Where frames for the host go.
   */
  constructor(readonly settings: WorkerSettings, private readonly report: Report) {
    this.#start();
  }

  /** Resolves with whether the plugin's first start succeeded. */
  get started(): Promise<boolean> {
    return this.#ready.promise;
  }

  /**
   * Passes a frame from the host to the worker: a new request or call waits for the worker to be
   * ready; the rest of an exchange follows it.
   *
   * @param frame The frame.
   */
  async deliver(frame: Frame): Promise<void> {
    const { header } = frame;
    const id = Number(header.id);
    if (header.t === "req" || header.t === "call") {
      if (this.#state !== "ready") await this.#ready.promise;
      if (this.#state !== "ready") {
        this.report({
          header: {
            t: "fail",
            id,
            status: 503,
            message: `the plugin ${this.settings.name} is not available`,
          },
        });
        return;
      }
      this.#inFlight.set(id, { deadline: performance.now() + this.settings.timeoutMs });
      this.#deadlines ??= setInterval(() => this.#checkDeadlines(), DEADLINE_CHECK_MS);
    } else if (header.t !== "authorized" && header.t !== "stored" && !this.#inFlight.has(id)) {
      return;
    }
    this.#post(frame);
  }

  /** Stops the worker for good. */
  stop(): void {
    this.#state = "error";
    clearInterval(this.#deadlines);
    this.#worker?.terminate();
    this.#ready.resolve(false);
  }

  #post(frame: Frame): void {
    const bytes = frame.bytes;
    this.#worker?.postMessage(frame, bytes ? [bytes.buffer as ArrayBuffer] : []);
  }

  #start(): void {
    this.#state = "starting";
    const worker = new Worker(this.settings.url, {
      type: "module",
      name: this.settings.name,
      deno: {
        permissions: {
          net: this.settings.net.length > 0 ? [...this.settings.net] : false,
          read: false,
          write: false,
          env: false,
          run: false,
          ffi: false,
          sys: false,
          import: false,
        },
      },
    } as WorkerOptions);
    this.#worker = worker;
    const importTimer = setTimeout(() => {
      this.#crash(`it did not finish its import within ${this.settings.timeoutMs} ms`);
    }, this.settings.timeoutMs);
    worker.onmessage = (event: MessageEvent) => {
      if (this.#worker !== worker) return;
      const frame = event.data as Frame;
      if (typeof frame?.header?.t !== "string") return;
      if (frame.header.t === "ready" && this.#state === "starting") {
        clearTimeout(importTimer);
        this.#state = "ready";
        if (!this.#everStarted) {
          this.#everStarted = true;
          this.report({ header: { t: "ready" } });
        }
        this.#ready.resolve(true);
        return;
      }
      this.#fromWorker(frame);
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      if (this.#worker !== worker) return;
      clearTimeout(importTimer);
      this.#crash(event.message || "an uncaught error");
    };
    worker.onmessageerror = () => {};
  }

  /** A frame from the worker, passed to the host if it belongs to an exchange of this plugin. */
  #fromWorker(frame: Frame): void {
    const { header } = frame;
    const id = Number(header.id);
    switch (header.t) {
      case "authorize":
        this.report({
          header: {
            t: "authorize",
            id,
            request: Number(header.request),
            token: typeof header.token === "string" ? header.token : null,
            permission: String(header.permission),
          },
        });
        return;
      case "storage":
        this.report({
          header: {
            t: "storage",
            id,
            request: Number(header.request),
            op: String(header.op),
            args: Array.isArray(header.args) ? header.args : [],
          },
        });
        return;
      case "log":
        this.report({
          header: {
            t: "log",
            level: header.level === "error" ? "error" : header.level === "warn" ? "warn" : "info",
            message: String(header.message).slice(0, 4096),
            ...(typeof header.stack === "string" ? { stack: header.stack.slice(0, 8192) } : {}),
            ...(header.request === undefined ? {} : { request: Number(header.request) }),
            ...(header.fields === undefined ? {} : { fields: plainFields(header.fields) }),
          },
        });
        return;
    }
    const inFlight = this.#inFlight.get(id);
    if (!inFlight) return;
    switch (header.t) {
      case "head":
        delete inFlight.deadline;
        this.report({
          header: { t: "head", id, status: Number(header.status), headers: header.headers },
        });
        return;
      case "whole":
        this.#inFlight.delete(id);
        this.report({
          header: { t: "whole", id, status: Number(header.status), headers: header.headers },
          ...(frame.bytes instanceof Uint8Array ? { bytes: frame.bytes } : {}),
        });
        return;
      case "chunk":
        if (frame.bytes instanceof Uint8Array) {
          this.report({ header: { t: "chunk", id }, bytes: frame.bytes });
        }
        return;
      case "end":
      case "result":
      case "fail":
        this.#inFlight.delete(id);
        this.report({
          header: header.t === "end"
            ? { t: "end", id }
            : header.t === "result"
            ? { t: "result", id, value: header.value }
            : { t: "fail", id, status: 500, message: String(header.message).slice(0, 1024) },
        });
        return;
    }
  }

  /** Times out what is past its deadline; stops checking once nothing is in flight. */
  #checkDeadlines(): void {
    const now = performance.now();
    for (const [id, inFlight] of this.#inFlight) {
      if (inFlight.deadline !== undefined && now > inFlight.deadline) this.#timedOut(id);
    }
    if (this.#inFlight.size === 0) {
      clearInterval(this.#deadlines);
      this.#deadlines = undefined;
    }
  }

  #timedOut(id: number): void {
    if (!this.#inFlight.has(id)) return;
    this.#inFlight.delete(id);
    this.report({
      header: {
        t: "fail",
        id,
        status: 504,
        message:
          `the plugin ${this.settings.name} did not answer within ${this.settings.timeoutMs} ms`,
      },
    });
    this.report({ header: { t: "timeout" } });
    this.#crash(`a request took longer than ${this.settings.timeoutMs} ms`);
  }

  /** Ends the worker, answers what it had in flight, and starts it again or gives up. */
  #crash(reason: string): void {
    if (this.#state === "error" || this.#state === "backoff") return;
    this.#worker?.terminate();
    this.#worker = undefined;
    for (const id of this.#inFlight.keys()) {
      this.report({
        header: {
          t: "fail",
          id,
          status: 500,
          message: `the plugin ${this.settings.name} crashed: ${reason}`,
        },
      });
    }
    this.#inFlight.clear();
    if (!this.#everStarted) {
      this.#state = "error";
      this.report({ header: { t: "failed", reason } });
      this.#ready.resolve(false);
      return;
    }
    const now = Date.now();
    this.#crashes = this.#crashes.filter((at) => now - at < this.settings.windowMs);
    this.#crashes.push(now);
    const final = this.#crashes.length > this.settings.maxRestarts;
    this.report({ header: { t: "crashed", reason, restarts: this.#crashes.length, final } });
    if (final) {
      this.#state = "error";
      this.#ready.resolve(false);
      return;
    }
    this.#state = "backoff";
    this.#ready = Promise.withResolvers();
    const backoff = Math.min(FIRST_BACKOFF_MS * 2 ** (this.#crashes.length - 1), MAX_BACKOFF_MS);
    setTimeout(() => this.#start(), backoff);
  }
}
