/**
 * `/admin/sign-in`: "Sign in with <provider>" when people sign in through an identity provider,
 * beside the form that takes the admin token (for bootstrap).
 *
 * @module
 */
import { DocumentHead } from "../layout.tsx";

/** What the sign-in page shows. */
export interface SignInProps {
  /** Where to go after signing in. */
  readonly next: string;
  /** A message about the last attempt. */
  readonly error?: string;
  /** True when nobody can sign in (no admin token, no identity provider). */
  readonly closed: boolean;
  /** Whether the admin-token form is offered (an admin token is configured). */
  readonly token?: boolean;
  /** The identity provider's name, when people sign in through one. */
  readonly oidc?: string;
}

/**
 * The sign-in document (no sidebar: nothing behind it is reachable yet).
 *
 * @param props Where to go next, and what went wrong.
 * @returns The HTML document.
 */
export function SignInPage(props: SignInProps) {
  return (
    <html lang="en">
      <DocumentHead title="Sign in" />
      <body>
        <main id="main" class="sign-in card">
          <h1>Sign in to Honeyframe Edge</h1>
          {props.error && <p class="alert" role="alert">{props.error}</p>}
          {props.closed
            ? (
              <p>
                Administration is closed: no admin token and no identity provider is configured. Set
                {" "}
                <code>HONEYFRAME_ADMIN_TOKEN</code> (or <code>HONEYFRAME_OIDC_ISSUER</code>{" "}
                and its client) and restart the server.
              </p>
            )
            : null}
          {props.oidc
            ? (
              <p>
                <a
                  class="button primary"
                  href={`/auth/sign-in?next=${encodeURIComponent(props.next)}`}
                >
                  Sign in with {props.oidc}
                </a>
              </p>
            )
            : null}
          {props.token !== false && !props.closed
            ? (
              <form method="post" action="/admin/sign-in">
                {props.oidc ? <h2>Or with the admin token</h2> : null}
                <input type="hidden" name="next" value={props.next} />
                <p>
                  <label for="token">Admin token</label>
                  <input
                    id="token"
                    name="token"
                    type="password"
                    autocomplete="current-password"
                    required
                    autofocus={!props.oidc}
                  />
                </p>
                <button type="submit">Sign in</button>
              </form>
            )
            : null}
        </main>
      </body>
    </html>
  );
}
