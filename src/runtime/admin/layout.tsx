/**
 * The shared page layout: a sidebar with the plugins' navigation and the Administration menu
 * (Audit Log, Plugins, Settings), and the page in a landmark `main`.
 *
 * @module
 */
import { html } from "hono/html";
import type { Child } from "hono/jsx";
import type { Registry, RegistryPlugin } from "../registry.ts";
import { Icon } from "./icons.tsx";
import type { Session } from "./session.ts";
import { type Grants, NONE_GRANTED } from "./access.ts";
import { HOST_SCRIPT_PATH } from "../plugin_ui/frame_scripts.ts";
import { STYLESHEET_PATH } from "./stylesheet.ts";
import { signInUrl } from "./safe_next.ts";

/** One link in the sidebar. */
export interface NavLink {
  /** The link text. */
  readonly label: string;
  /** Where it goes; absent for a plugin's nav entry whose path has no page (shown, not a link). */
  readonly href?: string;
  /** An icon name. */
  readonly icon?: string;
  /** The permission it needs: people without it do not see it. */
  readonly permission?: string;
}

/** The dashboard: the sidebar's first entry. */
export const DASHBOARD_LINK: NavLink = { label: "Dashboard", href: "/dashboard", icon: "chart" };

/** The Administration menu, in its order. */
export const ADMIN_MENU: readonly (NavLink & { readonly permission: string })[] = [
  { label: "Audit Log", href: "/admin/audit", icon: "audit", permission: "audit.read" },
  { label: "dbt", href: "/admin/dbt", icon: "database", permission: "plugins.read" },
  { label: "Plugins", href: "/admin/plugins", icon: "plugins", permission: "plugins.read" },
  { label: "Settings", href: "/admin/settings", icon: "settings", permission: "plugins.manage" },
];

/**
 * The sidebar links contributed by enabled plugins' `nav` entries, in registry order.
 *
 * @param registry The registry.
 * @param isEnabled Whether a plugin is served now.
 * @returns One link per nav entry, pointing at `/plugins/<name><path>`.
 */
export function pluginNavigation(
  registry: Registry,
  isEnabled: (name: string) => boolean,
): NavLink[] {
  return registry.plugins
    .filter((plugin) => plugin.status === "mounted" && isEnabled(plugin.name))
    .flatMap((plugin) =>
      plugin.nav.map((entry) => {
        const permission = pagePermission(plugin, entry.path);
        return {
          label: entry.label,
          ...(Object.hasOwn(plugin.pages, entry.path)
            ? { href: pageUrl(plugin.name, entry.path) }
            : {}),
          ...(entry.icon === undefined ? {} : { icon: entry.icon }),
          ...(permission === undefined ? {} : { permission }),
        };
      })
    );
}

/**
 * The permission a plugin page needs: the one its `pages` export names, else the one of the nav
 * entry at its path, else none (the page is public).
 *
 * @param plugin The plugin.
 * @param path The page path inside the plugin.
 * @returns The permission, if any.
 */
export function pagePermission(plugin: RegistryPlugin, path: string): string | undefined {
  return plugin.page_permissions?.[path] ??
    plugin.nav.find((entry) => entry.path === path && entry.permission)?.permission;
}

/**
 * Where a plugin page is served.
 *
 * @param pluginName The plugin.
 * @param path The page path inside the plugin (`/`, `/customers`).
 * @returns The URL path, e.g. `/plugins/crm/customers`.
 */
export function pageUrl(pluginName: string, path: string): string {
  return `/plugins/${pluginName}${path === "/" ? "/" : path}`;
}

/** What every page passes to the layout. */
export interface LayoutProps {
  /** The page title (also the `<h1>` of most pages). */
  readonly title: string;
  /** The URL path of the page, to mark the current link. */
  readonly current: string;
  /** The plugins' sidebar links. */
  readonly pluginLinks: readonly NavLink[];
  /** The session, when signed in (shows who and the sign-out button; else a sign-in link). */
  readonly session?: Session;
  /** What the session may open: the Administration menu shows only that. */
  readonly can?: Grants;
  /** The plugins' client modules the page loads (`/assets/plugins/<name>/<hash>.js`). */
  readonly scripts?: readonly string[] | undefined;
  /** The plugins' stylesheets the page loads (`/assets/plugins/<name>/<hash>.css`). */
  readonly stylesheets?: readonly string[] | undefined;
  /** Whether the page has plugin frames (it loads the host's end of their messages). */
  readonly framed?: boolean | undefined;
  /** The page content. */
  readonly children?: Child;
}

/**
 * The links a viewer may follow: those that need no permission, or one they have (the sidebar and
 * the landing page show the same).
 *
 * @param links The links.
 * @param can What the viewer may open.
 * @returns The links they see.
 */
export function visibleLinks<Link extends NavLink>(
  links: readonly Link[],
  can: Grants,
): Link[] {
  return links.filter((link) => !link.permission || can(link.permission));
}

/**
 * The page shell.
 *
 * @param props Title, current path, links, session and content.
 * @returns The whole HTML document.
 */
export function Layout(props: LayoutProps) {
  const can = props.can ?? NONE_GRANTED;
  const adminMenu = visibleLinks(ADMIN_MENU, can);
  const pluginLinks = visibleLinks(props.pluginLinks, can);
  return (
    <html lang="en">
      <DocumentHead
        title={props.title}
        scripts={props.scripts}
        stylesheets={props.stylesheets}
        framed={props.framed}
      />
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <div class="shell">
          <aside class="sidebar">
            <a class="brand" href="/admin/plugins">Honeyframe Edge</a>
            <nav aria-label="Main">
              <Links links={[DASHBOARD_LINK]} current={props.current} />
              {pluginLinks.length > 0 && (
                <section aria-labelledby="menu-plugins">
                  <h2 id="menu-plugins">Plugin pages</h2>
                  <Links links={pluginLinks} current={props.current} />
                </section>
              )}
              {adminMenu.length > 0 && (
                <section aria-labelledby="menu-admin">
                  <h2 id="menu-admin">Administration</h2>
                  <Links links={adminMenu} current={props.current} />
                </section>
              )}
            </nav>
            {props.session
              ? (
                <div class="who">
                  <p>
                    Signed in as {props.session.person
                      ? (
                        <>
                          <strong>
                            {props.session.person.name ?? props.session.person.subject}
                          </strong>
                          {props.session.person.email
                            ? <span class="meta">{` (${props.session.person.email})`}</span>
                            : null}
                        </>
                      )
                      : (
                        <>
                          <strong>admin</strong> <span class="meta">(admin token)</span>
                        </>
                      )}
                  </p>
                  <form method="post" action="/admin/sign-out">
                    <input type="hidden" name="csrf" value={props.session.csrfToken} />
                    <button type="submit">Sign out</button>
                  </form>
                </div>
              )
              : props.current.startsWith("/admin/sign-in")
              ? null
              : (
                <p class="who">
                  <a href={signInUrl(props.current)}>Sign in</a>
                </p>
              )}
          </aside>
          <main id="main" tabindex={-1}>{props.children}</main>
        </div>
      </body>
    </html>
  );
}

/**
 * The `<head>` of every page: character set, viewport, title, the host's stylesheet and, on
 * plugins' pages, their stylesheets and client modules.
 *
 * @param props `title`: the page title; `scripts`, `stylesheets`: plugins' modules and stylesheets
 * to load; `framed`: whether the page has
 * plugin frames (it loads the host's end of their messages); `refresh`: a page to move on to.
 * @returns The head element.
 */
export function DocumentHead(
  props: {
    title: string;
    scripts?: readonly string[] | undefined;
    stylesheets?: readonly string[] | undefined;
    framed?: boolean | undefined;
    refresh?: string;
  },
) {
  return (
    <head>
      <meta charset="utf-8" />
      {props.refresh && <meta http-equiv="refresh" content={`0;url=${props.refresh}`} />}
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{props.title} · Honeyframe Edge</title>
      <link rel="stylesheet" href={STYLESHEET_PATH} />
      <PluginAssetTags stylesheets={props.stylesheets} scripts={props.scripts} />
      {props.framed && <script src={HOST_SCRIPT_PATH} defer></script>}
    </head>
  );
}

/**
 * The `<link>` and `<script>` elements of plugins' stylesheets and client modules.
 *
 * @param props Their URLs, each prefixed with `base` (the host's origin in a frame served from
 * another).
 * @returns The elements.
 */
export function PluginAssetTags(
  props: {
    stylesheets?: readonly string[] | undefined;
    scripts?: readonly string[] | undefined;
    base?: string;
  },
) {
  const base = props.base ?? "";
  // Templates, not JSX lists: each URL is escaped as an attribute value all the same.
  return html`${
    (props.stylesheets ?? []).map((href) => html`<link rel="stylesheet" href="${base + href}">`)
  }${
    (props.scripts ?? []).map((src) => html`<script type="module" src="${base + src}"></script>`)
  }`;
}

function Links(props: { links: readonly NavLink[]; current: string }) {
  return (
    <ul>
      {props.links.map((link) => (
        <li>
          {link.href === undefined
            ? (
              <span class="nav-missing" title="This plugin has no page here yet">
                <Icon name={link.icon} />
                <span>{link.label}</span>
              </span>
            )
            : (
              <a
                href={link.href}
                aria-current={isCurrent(link.href, props.current) ? "page" : undefined}
              >
                <Icon name={link.icon} />
                <span>{link.label}</span>
              </a>
            )}
        </li>
      ))}
    </ul>
  );
}

function isCurrent(href: string, current: string): boolean {
  return current === href || (href.startsWith("/admin/") && current.startsWith(`${href}/`));
}
