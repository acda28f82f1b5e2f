/**
 * Isolated plugins' pages and blocks in frames of their own: the host's page embeds a sandboxed
 * `<iframe>` (an opaque origin: no cookie, no storage, no reach into the host's page) whose
 * document the plugin renders where it runs, served under `/frames` on the host's origin or on
 * `HONEYFRAME_PLUGIN_ORIGIN`. A page's frame is loaded with a frame ticket (the viewer's
 * permissions, for five minutes); its script gets a plugin token for its own API from the host's
 * page (`POST /frames/<name>/token`, the session and its CSRF token required); a block's frame, on
 * the public dashboard, gets neither.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import type { Child } from "hono/jsx";
import type { StateStore } from "../../state/mod.ts";
import { groupPermissions } from "../admin/access.ts";
import { pagePermission } from "../admin/layout.tsx";
import { htmlDocument } from "../admin/render.tsx";
import { DEFAULT_ORG, type PluginLifecycle } from "../lifecycle.ts";
import { requestIdOf } from "../observe.ts";
import type { PluginContexts } from "../context/mod.ts";
import type { Logger } from "../../log/mod.ts";
import {
  PluginNeedsSettings,
  PluginPageFailed,
  renderPluginBlock,
  renderPluginPage,
} from "../plugin_parts.tsx";
import type { RenderOutcome } from "../plugin_render.ts";
import type { BlockEntry, Registry, RegistryPlugin } from "../registry.ts";
import { FrameDocument, frameHeaders, PluginFrame } from "./frame_document.tsx";
import {
  BRIDGE_SCRIPT,
  BRIDGE_SCRIPT_PATH,
  HOST_SCRIPT,
  HOST_SCRIPT_PATH,
} from "./frame_scripts.ts";
import type { PluginTokens, TokenHolder } from "./plugin_tokens.ts";
import { pluginAssets, pluginContent } from "./plugin_content.tsx";
import { allowingStyles } from "./plugin_styles.ts";

/** The query parameter that carries a page frame's ticket. */
export const TICKET_PARAMETER = "hf_ticket";

/** What a frame needs of the session it is shown in: the person, or none for the admin token. */
export interface FrameSession {
  /** Who signed in through the identity provider; absent for the admin token. */
  readonly person?: {
    readonly subject: string;
    readonly org: string;
    readonly groups: readonly string[];
  };
}

/** What plugin frames need from the host. */
export interface PluginFramesOptions {
  /** The plugins' contexts (`props.context`). */
  readonly contexts: PluginContexts;
  /** Where failures go. */
  readonly log: Logger;
  /** How long a page or block may take to render, in milliseconds. */
  readonly timeoutMs?: number | undefined;
  /** The registry. */
  readonly registry: Registry;
  /** Which plugins are enabled. */
  readonly lifecycle: PluginLifecycle;
  /** The plugins' tokens and frame tickets. */
  readonly tokens: PluginTokens;
  /** Where the organisations' groups are (a ticket's permissions). */
  readonly store: Pick<StateStore, "groups">;
  /** The sessions (and their CSRF tokens), when anyone can sign in. */
  readonly sessions?: {
    read(c: Context): Promise<(FrameSession & { readonly csrfToken: string }) | undefined>;
  } | undefined;
  /** The second origin frames are served from (`HONEYFRAME_PLUGIN_ORIGIN`), when there is one. */
  readonly pluginOrigin?: URL | undefined;
  /** The host's own origin (`HONEYFRAME_PUBLIC_URL`): needed with a plugin origin. */
  readonly publicUrl?: URL | undefined;
}

/** Isolated plugins' frames: the app serving them, and the host page's side. */
export interface PluginFrames {
  /** Frame documents, the frame scripts and plugin tokens, to be mounted at `/frames`. */
  readonly app: Hono;
  /** Where frames come from, for the host pages' `frame-src`. */
  readonly frameSources: readonly string[];
  /** Whether a plugin's pages and blocks are framed (it runs isolated). */
  isFramed(plugin: RegistryPlugin): boolean;
  /** The frame of one of a plugin's pages, shown at `url` in a page of `session` (if any). */
  pageFrame(
    plugin: RegistryPlugin,
    path: string,
    url: URL,
    session: FrameSession | undefined,
  ): Promise<Child>;
  /** The frame of one of a plugin's blocks. */
  blockFrame(block: BlockEntry & { readonly plugin: RegistryPlugin }): Child;
}

/**
 * Makes isolated plugins' frames.
 *
 * @param options The registry, lifecycle, tokens, sessions, origins and what rendering needs.
 * @returns The frames.
 */
export function pluginFrames(options: PluginFramesOptions): PluginFrames {
  const { registry, lifecycle, tokens } = options;
  const frameBase = options.pluginOrigin?.origin ?? "";
  const hostBase = options.pluginOrigin && options.publicUrl ? options.publicUrl.origin : "";
  const app = new Hono();
  app.use("*", allowingStyles);
  app.get(BRIDGE_SCRIPT_PATH.slice("/frames".length), (c) => script(c, BRIDGE_SCRIPT));
  app.get(HOST_SCRIPT_PATH.slice("/frames".length), (c) => script(c, HOST_SCRIPT));

  const framed = registry.plugins.filter((plugin) =>
    plugin.status === "mounted" && plugin.isolation === "worker"
  );
  for (const plugin of framed) {
    const name = plugin.name;
    app.post(`/${name}/token`, async (c) => {
      c.header("Cache-Control", "no-store");
      if (!lifecycle.isEnabled(name)) return c.json({ error: "not_found" }, 404);
      const session = await options.sessions?.read(c);
      if (!session) {
        return c.json({ error: "unauthorized", message: "sign in to get a plugin token" }, 401);
      }
      if (c.req.header("X-Honeyframe-CSRF") !== session.csrfToken) {
        return c.json({ error: "forbidden", message: "the session's CSRF token is required" }, 403);
      }
      return c.json(await tokens.issue(name, "plugin", holderOf(session)));
    });
    for (const [path, page] of Object.entries(plugin.pages)) {
      const permission = pagePermission(plugin, path);
      app.get(`/${name}/page${path}`, async (c) => {
        if (!lifecycle.isEnabled(name)) return notice(c, plugin, 404, "This page is not served.");
        const asked = new URL(c.req.url);
        const ticket = asked.searchParams.get(TICKET_PARAMETER);
        asked.searchParams.delete(TICKET_PARAMETER);
        const hostOrigin = hostBase || asked.origin;
        const inner = asked.pathname.slice(`/frames/${name}/page`.length) || "/";
        const shown = new URL(`/plugins/${name}${inner}${asked.search}`, hostOrigin);
        if (permission !== undefined) {
          const holder = ticket ? await tokens.verify(ticket, name, "frame") : undefined;
          if (!holder) {
            return notice(c, plugin, 401, "This frame has expired: reload the page.", shown);
          }
          if (!await holds(holder, permission)) {
            return notice(c, plugin, 403, `This page needs the permission ${permission}.`, shown);
          }
        }
        const outcome = await settingsOr(
          plugin,
          () => renderPluginPage(plugin, path, page, shown, c.req.raw, options),
        );
        return frameDocument(c, plugin, shown, outcome);
      });
    }
    for (const block of plugin.blocks ?? []) {
      app.get(`/${name}/block/${block.id}`, async (c) => {
        if (!lifecycle.isEnabled(name)) return notice(c, plugin, 404, "This block is not served.");
        const shown = new URL("/dashboard", hostBase || new URL(c.req.url).origin);
        const outcome = await settingsOr(
          plugin,
          () =>
            renderPluginBlock(
              plugin,
              block.id,
              plugin.blockComponents?.[block.id],
              c.req.raw,
              options,
            ),
        );
        return frameDocument(c, plugin, shown, outcome);
      });
    }
  }
  app.all("*", (c) => c.json({ error: "not_found", message: "no such frame" }, 404));

  /** Whether a ticket's holder has a permission now. */
  async function holds(holder: TokenHolder, permission: string): Promise<boolean> {
    if (holder.admin) return true;
    return (await groupPermissions(options.store, holder.org, holder.groups)).has(permission);
  }

  /** The part rendered, or (with a required setting unset) the notice saying what to set. */
  async function settingsOr(
    plugin: RegistryPlugin,
    render: () => Promise<RenderOutcome>,
  ): Promise<RenderOutcome | { readonly missing: readonly string[] }> {
    const missing = options.contexts.missing(plugin.name);
    return missing.length > 0 ? { missing } : await render();
  }

  async function frameDocument(
    c: Context,
    plugin: RegistryPlugin,
    shown: URL,
    outcome: RenderOutcome | { readonly missing: readonly string[] },
  ) {
    if ("missing" in outcome) {
      return notice(
        c,
        plugin,
        503,
        <PluginNeedsSettings plugin={plugin.name} missing={outcome.missing} />,
        shown,
      );
    }
    if ("failed" in outcome) {
      const requestId = requestIdOf(c.req.raw);
      return notice(
        c,
        plugin,
        outcome.status,
        <PluginPageFailed plugin={plugin.name} reason={outcome.failed} requestId={requestId} />,
        shown,
      );
    }
    const content = await pluginContent(c, plugin.name, outcome.html);
    return document(c, plugin, shown, content, 200, pluginAssets([plugin]));
  }

  function notice(
    c: Context,
    plugin: RegistryPlugin,
    status: 401 | 403 | 404 | 500 | 503 | 504,
    content: Child,
    shown?: URL,
  ) {
    const page = shown ??
      new URL(`/plugins/${plugin.name}/`, hostBase || new URL(c.req.url).origin);
    const body = typeof content === "string" ? <p class="card" role="alert">{content}</p> : content;
    return document(c, plugin, page, body, status);
  }

  function document(
    c: Context,
    plugin: RegistryPlugin,
    shown: URL,
    content: Child,
    status: 200 | 401 | 403 | 404 | 500 | 503 | 504,
    assets?: { scripts: readonly string[]; stylesheets: readonly string[] },
  ) {
    for (const [header, value] of Object.entries(frameHeaders(hostBase))) c.header(header, value);
    return htmlDocument(
      c,
      <FrameDocument
        title={plugin.display_name}
        plugin={plugin.name}
        page={shown.href}
        hostBase={hostBase}
        scripts={assets?.scripts}
        stylesheets={assets?.stylesheets}
      >
        {content}
      </FrameDocument>,
      status,
    );
  }

  return {
    app,
    frameSources: frameBase ? [frameBase] : ["'self'"],
    isFramed: (plugin) => plugin.status === "mounted" && plugin.isolation === "worker",
    async pageFrame(plugin, path, url, session) {
      const inner = url.pathname.slice(`/plugins/${plugin.name}`.length) || "/";
      const src = new URL(`${frameBase}/frames/${plugin.name}/page${inner}`, url);
      src.search = url.search;
      if (session) {
        const ticket = await tokens.issue(plugin.name, "frame", holderOf(session));
        src.searchParams.set(TICKET_PARAMETER, ticket.token);
      }
      return (
        <PluginFrame
          src={frameBase ? src.href : src.pathname + src.search}
          title={`${plugin.display_name}: ${path === "/" ? "home" : path.slice(1)}`}
          plugin={plugin.name}
          tokenUrl={session ? `/frames/${plugin.name}/token` : undefined}
        />
      );
    },
    blockFrame(block) {
      return (
        <PluginFrame
          src={`${frameBase}/frames/${block.plugin.name}/block/${block.id}`}
          title={`${block.title} (${block.plugin.display_name})`}
          plugin={block.plugin.name}
        />
      );
    },
  };
}

/** Who a session's tokens speak for. */
function holderOf(session: FrameSession): TokenHolder {
  return session.person
    ? {
      subject: session.person.subject,
      org: session.person.org,
      groups: session.person.groups,
      admin: false,
    }
    : { subject: "admin", org: DEFAULT_ORG, groups: [], admin: true };
}

function script(c: Context, body: string) {
  c.header("Cache-Control", "public, max-age=3600");
  c.header("X-Content-Type-Options", "nosniff");
  return c.body(body, 200, { "Content-Type": "text/javascript; charset=utf-8" });
}
