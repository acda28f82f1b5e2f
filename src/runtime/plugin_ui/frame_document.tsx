/**
 * The two sides of a plugin frame in markup: the `<iframe>` the host's page embeds, and the
 * document the frame loads, with the headers that keep that document in an opaque origin even when
 * it is opened on its own.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import { STYLESHEET_PATH } from "../admin/stylesheet.ts";
import { PluginAssetTags } from "../admin/layout.tsx";
import { BRIDGE_SCRIPT_PATH } from "./frame_scripts.ts";

/**
 * What a plugin frame may do: run scripts, submit forms and open pop-ups, in an opaque origin
 * (never `allow-same-origin`), never navigating the host's page itself.
 */
export const FRAME_SANDBOX = "allow-scripts allow-forms allow-popups";

/** The `<iframe>` of a plugin's page or block, in the host's page. */
export function PluginFrame(props: {
  /** The frame document's URL. */
  readonly src: string;
  /** Its accessible name. */
  readonly title: string;
  /** The plugin it shows. */
  readonly plugin: string;
  /** Where the host page asks for the plugin's tokens; absent where the frame gets none. */
  readonly tokenUrl?: string | undefined;
}) {
  return (
    <iframe
      class="plugin-frame"
      src={props.src}
      title={props.title}
      sandbox={FRAME_SANDBOX}
      referrerpolicy="no-referrer"
      data-honeyframe-plugin={props.plugin}
      data-token-url={props.tokenUrl}
    >
    </iframe>
  );
}

/** What a frame document shows and where it is from. */
export interface FrameDocumentProps {
  /** Its title. */
  readonly title: string;
  /** The plugin. */
  readonly plugin: string;
  /** The host's page it stands for (links resolve against it). */
  readonly page: string;
  /** The host's origin when the frame is served from another one; empty on the host's own. */
  readonly hostBase: string;
  /** The plugin's client modules (paths on the host). */
  readonly scripts?: readonly string[] | undefined;
  /** The plugin's stylesheets (paths on the host). */
  readonly stylesheets?: readonly string[] | undefined;
  /** The rendered content. */
  readonly children?: Child;
}

/**
 * A frame document: the host's stylesheet, the frame's end of the message protocol, the plugin's
 * client module, and the content.
 *
 * @param props What it shows.
 * @returns The `<html>` element.
 */
export function FrameDocument(props: FrameDocumentProps) {
  return (
    <html lang="en" class="frame">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        {props.hostBase && <meta name="honeyframe-host" content={props.hostBase} />}
        <meta name="honeyframe-page" content={props.page} />
        <meta name="honeyframe-plugin" content={props.plugin} />
        <link rel="stylesheet" href={props.hostBase + STYLESHEET_PATH} />
        <script src={props.hostBase + BRIDGE_SCRIPT_PATH}></script>
        <PluginAssetTags
          stylesheets={props.stylesheets}
          scripts={props.scripts}
          base={props.hostBase}
        />
      </head>
      <body>
        <main>{props.children}</main>
      </body>
    </html>
  );
}

/**
 * The headers of a frame document: `Content-Security-Policy: sandbox …` (an opaque origin wherever
 * it is opened), sources only from the host (and the frame's own origin), framed only by the host.
 *
 * @param hostBase The host's origin when frames are served from another one; empty on its own.
 * @returns The headers.
 * @example
 * ```ts
 * frameHeaders("")["Content-Security-Policy"]?.startsWith("sandbox "); // true
 * ```
 */
export function frameHeaders(hostBase: string): Record<string, string> {
  const from = hostBase ? `'self' ${hostBase}` : "'self'";
  const policy = [
    `sandbox ${FRAME_SANDBOX}`,
    "default-src 'none'",
    `script-src ${from}`,
    `style-src ${from}`,
    `img-src ${from} data:`,
    `font-src ${from}`,
    `connect-src ${from}`,
    `form-action ${from}`,
    `frame-ancestors ${from}`,
    "base-uri 'none'",
  ];
  return {
    "Content-Security-Policy": policy.join("; "),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
  };
}
