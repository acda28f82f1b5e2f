/**
 * The admin UI under `/admin`: sign-in and sign-out, the Plugins page (with enable/disable), the
 * Audit Log, dbt and Settings pages behind a session. Unauthenticated visits are redirected to the sign-in page; every form POST is
 * checked for its origin and, once signed in, for the session's CSRF token.
 *
 * @module
 */
import { createLogger, type Logger } from "../../log/mod.ts";
import { FORM_BODY_LIMIT, limitBody } from "../body_limits.ts";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { csrf } from "hono/csrf";
import type { Registry } from "../registry.ts";
import { sameSecret } from "../secrets.ts";
import type { PluginLifecycle, RuntimeStatus } from "../lifecycle.ts";
import type { AuditEvent } from "../../state/mod.ts";

import type { NavLink } from "./layout.tsx";
import { AuditPage } from "./pages/audit_page.tsx";
import { DbtPage } from "./pages/dbt_page.tsx";
import { NotFoundPage } from "./pages/not_found_page.tsx";
import type { DbtService } from "../dbt/service.ts";
import { keepRunning } from "../dbt/api.ts";
import { PluginDetailPage } from "./pages/plugin_detail_page.tsx";
import { PluginsPage, STATUS_FILTERS } from "./pages/plugins_page.tsx";
import { ConfirmTogglePage, toggleActionOf } from "./pages/toggle.tsx";
import { SettingsPage } from "./pages/settings_page.tsx";
import { SignInPage } from "./pages/sign_in_page.tsx";
import { htmlDocument, pageSecurityHeaders, renderPage } from "./render.tsx";
import { actorOf, type Session, type SessionManager } from "./session.ts";
import { type Grants, grantsOf, refusalEvent } from "./access.ts";
import { safeNext, signInUrl } from "./safe_next.ts";
import { describePerson } from "../auth/oidc.tsx";
import { ForbiddenPage } from "./pages/forbidden_page.tsx";
import { formOrigins, type Transport } from "../secure_request.ts";
import {
  auditSignInFailures,
  DEFAULT_THROTTLE_LIMITS,
  SignInThrottle,
} from "./sign_in_throttle.ts";
import { clientAddress } from "../client_address.ts";
import { pluginHealth } from "../plugin_health.ts";
import { configChangeDetail, type PluginConfigs } from "../context/plugin_config.ts";
import { PluginSettings, settingsFormChanges } from "./pages/plugin_settings.tsx";

/** What the admin UI needs. */
export interface AdminOptions {
  /** The served registry. */
  readonly registry: Registry;
  /** The plugins' sidebar links, as of now. */
  readonly links: () => readonly NavLink[];
  /** Plugin state; its store keeps the audit log. */
  readonly lifecycle: PluginLifecycle;
  /** The admin token; without one, nobody can sign in. */
  readonly adminToken?: string;
  /** The sessions (`sessionManager`); none when nobody can sign in. */
  readonly sessions?: SessionManager;
  /** The identity provider's name for the sign-in page, when people sign in through one. */
  readonly oidcLabel?: string;
  /** How to tell an HTTPS request (the forms' accepted origins). */
  readonly transport?: Transport;
  /** Non-secret facts for the Settings page. */
  readonly settings: readonly (readonly [string, string])[];
  /** The clock, in milliseconds (injectable for tests). */
  readonly now?: () => number;
  /** Where the admin UI reports problems (malformed cookies). */
  readonly log?: Logger;
  /** dbt workspaces and runs. */
  readonly dbt: DbtService;
  /** The plugins' settings (the Settings section of each plugin's page); none: no section. */
  readonly configs?: PluginConfigs;
  /**
   * The failed sign-in throttle, shared with the OpenID Connect callback so that its failures are
   * audited with the token's (a new one by default).
   */
  readonly throttle?: SignInThrottle;
}

type AdminEnv = { Variables: { session: Session; can: Grants } };

/**
 * Creates the admin app, to be mounted at `/admin`.
 *
 * @param options Registry, token, audit store, settings and clock.
 * @returns The admin app.
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { PluginLifecycle } from "../lifecycle.ts";
 * import { MemoryStore } from "../../state/mod.ts";
 * import { defineRegistry } from "../registry.ts";
 * import { readDbtConfig } from "../dbt/config.ts";
 * import { DbtService } from "../dbt/service.ts";
 * const registry = defineRegistry({ fingerprint: "sha256-x", permissions: [], plugins: [] });
 * const lifecycle = new PluginLifecycle(registry, new MemoryStore());
 * const app = new Hono();
 * const dbt = new DbtService(registry, lifecycle, { config: readDbtConfig({}) });
 * app.route("/admin", adminApp({ registry, lifecycle, dbt, links: () => [], settings: [], now: Date.now }));
 * ```
 */
export function adminApp(options: AdminOptions): Hono<AdminEnv> {
  const { registry, lifecycle, links } = options;
  const store = lifecycle.store;
  const now = options.now ?? Date.now;
  const sessions = options.sessions;
  const signIn = {
    closed: !sessions,
    token: options.adminToken !== undefined,
    ...(options.oidcLabel ? { oidc: options.oidcLabel } : {}),
  };
  const record = (event: Omit<AuditEvent, "time">) =>
    store.appendAudit({ ...event, time: new Date(now()).toISOString() });
  const throttle = options.throttle ?? new SignInThrottle(
    DEFAULT_THROTTLE_LIMITS,
    now,
    auditSignInFailures((event) => store.appendAudit(event), options.log ?? createLogger()),
  );

  const app = new Hono<AdminEnv>();
  const transport = options.transport ?? {};
  const sameSite = csrf({
    origin: (origin, c) => formOrigins(c.req.raw, transport).includes(origin),
  });
  app.use("*", limitBody(FORM_BODY_LIMIT), pageSecurityHeaders, sameSite, async (_c, next) => {
    await throttle.roll();
    await next();
  });

  app.get("/sign-in", async (c) => {
    if (await sessions?.read(c)) return c.redirect(safeNext(c.req.query("next")), 303);
    return htmlDocument(
      c,
      <SignInPage
        next={safeNext(c.req.query("next"))}
        {...signIn}
      />,
    );
  });

  app.post("/sign-in", async (c) => {
    const client = clientAddress(c);
    const wait = throttle.admit(client);
    if (wait > 0) {
      c.header("Retry-After", String(wait));
      return htmlDocument(
        c,
        <SignInPage
          next="/admin/plugins"
          {...signIn}
          error={`Too many failed sign-ins; try again in ${wait} s.`}
        />,
        429,
      );
    }
    const form = await c.req.parseBody();
    const next = safeNext(String(form.next ?? ""));
    if (!sessions || !options.adminToken) {
      return htmlDocument(
        c,
        <SignInPage
          next={next}
          {...signIn}
          token={false}
          error="Sign-in with a token is not possible."
        />,
        403,
      );
    }
    const token = typeof form.token === "string" ? form.token : "";
    if (!token || !await sameSecret(token, options.adminToken)) {
      // The admitted attempt stays counted: audited per client and minute, with the count.
      return htmlDocument(
        c,
        <SignInPage
          next={next}
          {...signIn}
          error="That token is not the admin token."
        />,
        401,
      );
    }
    throttle.forgive(client);
    await sessions.start(c);
    await record({ actor: "admin", action: "sign_in", outcome: "success", detail: "admin token" });
    return c.redirect(next, 303);
  });

  app.use("*", async (c, next) => {
    const session = await sessions?.read(c);
    if (!session) {
      const url = new URL(c.req.url);
      return c.redirect(signInUrl(url.pathname + url.search), 303);
    }
    c.set("session", session);
    c.set("can", await grantsOf(session, store));
    await next();
    c.header("Cache-Control", "no-store");
    return undefined;
  });

  app.post("/sign-out", async (c) => {
    if (!await hasCsrfToken(c)) return c.text("Invalid or missing CSRF token.", 403);
    const session = c.get("session");
    await sessions!.end(c, session);
    await record({
      actor: actorOf(session),
      action: "sign_out",
      outcome: "success",
      ...(session.person ? { detail: describePerson(session.person) } : {}),
    });
    return c.redirect("/admin/sign-in", 303);
  });

  app.post("/sign-out-everywhere", needs("plugins.manage"), async (c) => {
    if (!await hasCsrfToken(c)) return c.text("Invalid or missing CSRF token.", 403);
    const ended = await sessions!.endEverywhere(c);
    await record({
      actor: actorOf(c.get("session")),
      action: "sign_out_everywhere",
      outcome: "success",
      detail: `${ended} session${ended === 1 ? "" : "s"} ended`,
    });
    return c.redirect("/admin/sign-in", 303);
  });

  const page = (c: Context<AdminEnv>, title: string) => ({
    title,
    pluginLinks: links(),
    session: c.get("session"),
    can: c.get("can"),
  });
  /** A person without `permission` gets the 403 page in the layout (the admin token has all). */
  function needs(permission: string): MiddlewareHandler<AdminEnv> {
    return async (c, next) => {
      if (c.get("can")(permission)) return await next();
      await record(refusalEvent(c.get("session"), c.req.path, permission));
      return renderPage(
        c,
        page(c, "Not allowed"),
        <ForbiddenPage path={c.req.path} permission={permission} />,
        403,
      );
    };
  }

  app.get("/", (c) => c.redirect("/admin/plugins", 303));
  app.get("/plugins", needs("plugins.read"), async (c) => {
    const wanted = c.req.query("status");
    const status = STATUS_FILTERS.find((option) => option === wanted) as RuntimeStatus | undefined;
    const checked = await Promise.all(
      registry.plugins
        .filter((plugin) => plugin.health.length > 0 && lifecycle.status(plugin) === "mounted")
        .map((plugin) => pluginHealth(plugin, "mounted")),
    );
    return renderPage(
      c,
      page(c, "Plugins"),
      <PluginsPage
        registry={registry}
        status={status}
        query={c.req.query("q")}
        statusOf={(plugin) => lifecycle.status(plugin)}
        health={new Map(checked.map((health) => [health.plugin, health]))}
        missingOf={(plugin) => options.configs?.current(plugin.name).missing ?? []}
      />,
    );
  });
  /** A plugin's page, with its Settings section in the state `form` says (after a submission). */
  const detailPage = async (
    c: Context<AdminEnv>,
    form: {
      notice?: string;
      errors?: Record<string, string>;
      submitted?: Record<string, string>;
      status?: 200 | 409;
    } = {},
  ) => {
    const plugins = registry.plugins.filter((plugin) => plugin.name === c.req.param("name"));
    if (plugins.length === 0) {
      return renderPage(c, page(c, "Page not found"), <NotFoundPage path={c.req.path} />, 404);
    }
    const served = plugins.find((plugin) => plugin.status !== "shadowed") ?? plugins[0]!;
    const health = await pluginHealth(served, lifecycle.status(served));
    const declared = served.config;
    const view = declared && options.configs ? await options.configs.view(served.name) : undefined;
    return renderPage(
      c,
      page(c, plugins[0]!.display_name),
      <>
        <PluginDetailPage
          plugins={plugins}
          statusOf={(plugin) => lifecycle.status(plugin)}
          health={health}
        />
        {declared && view
          ? (
            <PluginSettings
              plugin={served.name}
              declared={declared}
              view={view}
              csrfToken={c.get("can")("plugins.manage") ? c.get("session").csrfToken : undefined}
              {...form}
            />
          )
          : null}
      </>,
      form.errors ? 422 : form.status ?? 200,
    );
  };
  app.get(
    "/plugins/:name",
    needs("plugins.read"),
    (c) => detailPage(c, c.req.query("saved") === undefined ? {} : { notice: "Settings saved." }),
  );
  app.post("/plugins/:name/settings", needs("plugins.manage"), async (c) => {
    if (!await hasCsrfToken(c)) return c.text("Invalid or missing CSRF token.", 403);
    const name = c.req.param("name");
    const configs = options.configs;
    const declared = configs?.declarations(name);
    const view = declared ? await configs!.view(name) : undefined;
    if (!configs || !declared || !view || Object.keys(declared).length === 0) {
      return c.text("No such plugin, or it declares no settings.", 404);
    }
    const { changes, submitted } = settingsFormChanges(declared, view, await c.req.parseBody());
    if (Object.keys(changes).length === 0) {
      return await detailPage(c, { notice: "Nothing changed." });
    }
    const change = await configs.change(name, changes);
    if (!change.ok) {
      if (change.error === "invalid_config") {
        return await detailPage(c, {
          notice: "Nothing was saved: correct the settings marked below.",
          errors: change.fields,
          submitted,
        });
      }
      return await detailPage(c, {
        notice: change.error === "secrets_key_missing"
          ? "Nothing was saved: secret settings need HONEYFRAME_SECRETS_KEY on the server."
          : "Nothing was saved.",
        submitted,
        status: 409,
      });
    }
    await record({
      actor: actorOf(c.get("session")),
      action: "plugin_config",
      target: name,
      outcome: "success",
      detail: configChangeDetail(change),
    });
    return c.redirect(`/admin/plugins/${encodeURIComponent(name)}?saved#settings`, 303);
  });
  for (const [action, enabled] of [["enable", true], ["disable", false]] as const) {
    app.get(`/plugins/:name/${action}`, needs("plugins.manage"), (c) => {
      const name = c.req.param("name");
      const plugin = registry.plugins.find((entry) =>
        entry.name === name && entry.status !== "shadowed"
      );
      if (!plugin) {
        return renderPage(c, page(c, "Page not found"), <NotFoundPage path={c.req.path} />, 404);
      }
      // Already done, or not possible: the detail page says where the plugin stands.
      if (toggleActionOf(lifecycle.status(plugin)) !== action) {
        return c.redirect(`/admin/plugins/${encodeURIComponent(name)}`, 303);
      }
      return renderPage(
        c,
        page(c, `${action === "enable" ? "Enable" : "Disable"} ${plugin.display_name}`),
        <ConfirmTogglePage
          name={name}
          displayName={plugin.display_name}
          action={action}
          csrfToken={c.get("session").csrfToken}
          dependents={enabled ? [] : lifecycle.enabledDependents(name)}
          missing={enabled ? lifecycle.disabledDependencies(name) : []}
        />,
      );
    });
    app.post(`/plugins/:name/${action}`, needs("plugins.manage"), async (c) => {
      if (!await hasCsrfToken(c)) return c.text("Invalid or missing CSRF token.", 403);
      const name = c.req.param("name");
      const refused = await lifecycle.setEnabled(name, enabled, actorOf(c.get("session")));
      if (refused === "not_found") return c.text("No such plugin.", 404);
      if (refused === "not_mountable") return c.text("This plugin has errors or is shadowed.", 409);
      if (refused === "has_dependents") {
        return c.text(
          `Enabled plugins require ${name}: ${
            lifecycle.enabledDependents(name).join(", ")
          }. Disable them first.`,
          409,
        );
      }
      if (refused === "dependency_disabled") {
        return c.text(
          `${name} requires ${lifecycle.disabledDependencies(name).join(", ")}. Enable it first.`,
          409,
        );
      }
      return c.redirect("/admin/plugins", 303);
    });
  }
  app.get(
    "/audit",
    needs("audit.read"),
    async (c) =>
      renderPage(c, page(c, "Audit Log"), <AuditPage events={await store.recentAudit(200)} />),
  );
  const dbtPage = async (c: Context<AdminEnv>, notice?: string, status: 200 | 409 | 501 = 200) =>
    renderPage(
      c,
      page(c, "dbt"),
      <DbtPage
        workspaces={await options.dbt.workspaces()}
        runs={await options.dbt.runs({ limit: 50 })}
        runner={options.dbt.runnerKind}
        csrfToken={c.get("session").csrfToken}
        {...(notice === undefined ? {} : { notice })}
      />,
      status,
    );
  app.get("/dbt", needs("plugins.read"), (c) => dbtPage(c));
  app.post("/dbt/:plugin/run", needs("plugins.manage"), async (c) => {
    if (!await hasCsrfToken(c)) return c.text("Invalid or missing CSRF token.", 403);
    const started = await options.dbt.requestRun(c.req.param("plugin"), actorOf(c.get("session")));
    if (!("error" in started)) {
      keepRunning(c, started.done);
      return c.redirect("/admin/dbt", 303);
    }
    if (started.status === 404) return c.text("No such dbt workspace.", 404);
    return dbtPage(c, `Not started: ${started.message}.`, started.status);
  });
  app.get(
    "/settings",
    needs("plugins.manage"),
    (c) =>
      renderPage(
        c,
        page(c, "Settings"),
        <SettingsPage facts={options.settings} csrfToken={c.get("session").csrfToken} />,
      ),
  );
  // A browser gets a page for what is not there, inside the layout.
  app.get(
    "*",
    (c) => renderPage(c, page(c, "Page not found"), <NotFoundPage path={c.req.path} />, 404),
  );
  return app;
}

async function hasCsrfToken(c: Context<AdminEnv>): Promise<boolean> {
  const form = await c.req.parseBody();
  return typeof form.csrf === "string" && await sameSecret(form.csrf, c.get("session").csrfToken);
}

/** One audit row per client and minute of failed sign-ins, with the count. */
