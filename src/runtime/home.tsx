/**
 * `/`: where a visitor lands — the dashboard, the plugin pages they may open, and sign-in (or the
 * admin pages, once signed in with the right to see them), instead of a redirect to a sign-in page
 * with no way anywhere else.
 *
 * @module
 */
import { Hono } from "hono";
import { ADMIN_MENU, DASHBOARD_LINK, visibleLinks } from "./admin/layout.tsx";
import { pageSecurityHeaders, type PageShell, renderPage } from "./admin/render.tsx";
import { signInUrl } from "./admin/safe_next.ts";

/**
 * The landing page app, to be mounted at `/`.
 *
 * @param shell The plugins' sidebar links and the request's viewer.
 * @returns The app.
 */
export function homeApp(shell: PageShell): Hono {
  const app = new Hono();
  app.get("/", pageSecurityHeaders, async (c) => {
    const viewer = await shell.viewerOf(c);
    const links = shell.links();
    // Entries without a page are shown in the sidebar, but lead nowhere from here.
    const pages = visibleLinks(links, viewer.can).filter((link) => link.href !== undefined);
    const admin = visibleLinks(ADMIN_MENU, viewer.can);
    return renderPage(
      c,
      { title: "Honeyframe Edge", pluginLinks: links, ...viewer },
      <>
        <h1>Honeyframe Edge</h1>
        <section class="card" aria-labelledby="home-start">
          <h2 id="home-start">Start here</h2>
          <ul data-home-links>
            <li>
              <a href={DASHBOARD_LINK.href}>Dashboard</a>: every plugin's blocks
            </li>
            {pages.map((link) => (
              <li>
                <a href={link.href}>{link.label}</a>
              </li>
            ))}
            {admin.map((link) => (
              <li>
                <a href={link.href}>{link.label}</a> (admin)
              </li>
            ))}
          </ul>
          {viewer.session ? null : (
            <p>
              <a href={signInUrl(DASHBOARD_LINK.href!)}>Sign in</a>{" "}
              to see the pages and admin tools your groups allow.
            </p>
          )}
        </section>
      </>,
    );
  });
  return app;
}
