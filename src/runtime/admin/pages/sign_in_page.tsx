/**
 * `/admin/sign-in`: the form that takes the admin token.
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
  /** True when no admin token is configured (sign-in is impossible). */
  readonly closed: boolean;
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
                Administration is closed: no admin token is configured. Set{" "}
                <code>HONEYFRAME_ADMIN_TOKEN</code> and restart the server.
              </p>
            )
            : (
              <form method="post" action="/admin/sign-in">
                <input type="hidden" name="next" value={props.next} />
                <p>
                  <label for="token">Admin token</label>
                  <input
                    id="token"
                    name="token"
                    type="password"
                    autocomplete="current-password"
                    required
                    autofocus
                  />
                </p>
                <button type="submit">Sign in</button>
              </form>
            )}
        </main>
      </body>
    </html>
  );
}
