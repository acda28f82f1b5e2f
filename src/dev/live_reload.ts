/**
 * Live reload and the error overlay of the dev loop. The proxy adds one script (and its stylesheet)
 * to every page of the host it passes on (frames excepted: their page reloads them), both from the
 * proxy's own origin, which the pages' Content-Security-Policy allows. The script listens to
 * server-sent events: after a rebuild that serves a new registry the page reloads; after a save
 * that breaks a plugin it shows each problem (plugin, code, `file:line:column`, message, the source
 * line) over the page, which the last good version keeps serving; a page opened while a plugin is
 * broken is told at once. Development only.
 *
 * @module
 */

/** The path prefix of what the proxy answers itself. */
export const DEV_PATH = "/_honeyframe_dev";

/** One problem as the overlay shows it. */
export interface OverlayProblem {
  /** The plugin. */
  readonly plugin: string;
  /** The problem code. */
  readonly code: string;
  /** Where: `plugins/crm/backend/main.ts:10:63`. */
  readonly where: string;
  /** What is wrong. */
  readonly message: string;
  /** The source lines around the place, when known. */
  readonly frame?: string;
}

/** What the pages are told. */
type DevEvent = { readonly type: "reload" } | {
  readonly type: "problems";
  readonly problems: readonly OverlayProblem[];
};

const SCRIPT = `// The dev loop's live reload and error overlay (${DEV_PATH}).
const events = new EventSource("${DEV_PATH}/events");
events.addEventListener("open", () => document.documentElement.setAttribute("data-honeyframe-dev", "live"));
events.addEventListener("reload", () => location.reload());
events.addEventListener("problems", (event) => show(JSON.parse(event.data)));
function show(problems) {
  document.getElementById("honeyframe-dev-overlay")?.remove();
  const overlay = document.createElement("section");
  overlay.id = "honeyframe-dev-overlay";
  overlay.setAttribute("role", "alert");
  const title = document.createElement("h2");
  title.textContent = "A save broke a plugin: the last good version is still serving";
  const close = document.createElement("button");
  close.type = "button";
  close.textContent = "Hide";
  close.addEventListener("click", () => overlay.remove());
  overlay.append(title, close);
  for (const problem of problems) {
    const item = document.createElement("article");
    const head = document.createElement("p");
    const where = document.createElement("code");
    where.className = "where";
    where.textContent = problem.where;
    head.append(where, " " + problem.plugin + " [" + problem.code + "]");
    const message = document.createElement("p");
    message.className = "message";
    message.textContent = problem.message;
    item.append(head, message);
    if (problem.frame) {
      const frame = document.createElement("pre");
      frame.textContent = problem.frame;
      item.append(frame);
    }
    overlay.append(item);
  }
  document.body.append(overlay);
}
`;

const STYLE = `#honeyframe-dev-overlay {
  position: fixed; inset: 1rem; z-index: 2147483647; overflow: auto; padding: 1rem 1.25rem;
  background: #1d1d1f; color: #f5f5f7; border: 3px solid #e5484d; border-radius: 8px;
  font: 14px/1.5 ui-monospace, monospace; box-shadow: 0 8px 32px rgb(0 0 0 / 0.4);
}
#honeyframe-dev-overlay h2 { margin: 0 0 0.75rem; font-size: 1rem; color: #ff9592; }
#honeyframe-dev-overlay button { position: absolute; top: 0.75rem; right: 1rem; }
#honeyframe-dev-overlay article { border-top: 1px solid #444; padding: 0.5rem 0; }
#honeyframe-dev-overlay .where { color: #7ee0a1; }
#honeyframe-dev-overlay pre { background: #000; padding: 0.5rem; overflow-x: auto; }
`;

/** The server-sent events of the open pages, and what they show. */
export class LiveReload {
  #pages = new Set<ReadableStreamDefaultController<Uint8Array>>();
  #problems: readonly OverlayProblem[] = [];

  /** Tells every open page to reload (a rebuild serves a new registry; the overlay goes). */
  reload(): void {
    this.#problems = [];
    this.#send({ type: "reload" });
  }

  /**
   * Shows problems over every open page, and over pages opened until the next good rebuild.
   *
   * @param problems What broke.
   */
  broken(problems: readonly OverlayProblem[]): void {
    this.#problems = problems;
    this.#send({ type: "problems", problems });
  }

  /**
   * Answers what the proxy serves itself: the events, the script and its stylesheet.
   *
   * @param url The request's URL.
   * @returns The response, or `undefined` for a request to pass on.
   */
  answer(url: URL): Response | undefined {
    if (!url.pathname.startsWith(`${DEV_PATH}/`)) return undefined;
    const file = url.pathname.slice(DEV_PATH.length + 1);
    if (file === "client.js") return asset(SCRIPT, "text/javascript; charset=utf-8");
    if (file === "overlay.css") return asset(STYLE, "text/css; charset=utf-8");
    if (file !== "events") return new Response("not found\n", { status: 404 });
    let page: ReadableStreamDefaultController<Uint8Array>;
    const stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        page = controller;
        this.#pages.add(controller);
        controller.enqueue(encode(": connected\n\n"));
        if (this.#problems.length > 0) {
          controller.enqueue(eventBytes({ type: "problems", problems: this.#problems }));
        }
      },
      cancel: () => void this.#pages.delete(page),
    });
    return new Response(stream, {
      headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-store" },
    });
  }

  /**
   * A page of the host with the script and stylesheet added to its `<head>`.
   *
   * @param request What the browser asked for.
   * @param response What the server answered.
   * @returns The response, the page's with the two added.
   */
  async withClient(request: Request, response: Response): Promise<Response> {
    const type = response.headers.get("Content-Type") ?? "";
    const frame = new URL(request.url).pathname.startsWith("/frames/");
    if (!type.startsWith("text/html") || frame || request.method !== "GET") return response;
    const html = await response.text();
    const tags = `<link rel="stylesheet" href="${DEV_PATH}/overlay.css">` +
      `<script type="module" src="${DEV_PATH}/client.js"></script>`;
    const headers = new Headers(response.headers);
    headers.delete("Content-Length");
    return new Response(html.replace("</head>", `${tags}</head>`), {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  }

  /** Ends every page's events (so that the proxy can stop). */
  close(): void {
    for (const page of this.#pages) page.close();
    this.#pages.clear();
  }

  #send(event: DevEvent): void {
    const bytes = eventBytes(event);
    for (const page of this.#pages) {
      try {
        page.enqueue(bytes);
      } catch {
        this.#pages.delete(page);
      }
    }
  }
}

function eventBytes(event: DevEvent): Uint8Array {
  const data = event.type === "problems" ? JSON.stringify(event.problems) : "";
  return encode(`event: ${event.type}\ndata: ${data}\n\n`);
}

function encode(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function asset(body: string, type: string): Response {
  return new Response(body, { headers: { "Content-Type": type, "Cache-Control": "no-store" } });
}
