// A real OpenID Connect provider (the `oidc-provider` package) on 127.0.0.1, for the sign-in tests.
// Usage: node oidc_provider.mjs <client id> <client secret>
// Prints "issuer <url>" once it listens, then reads the client's redirect URI from stdin (the host
// starts after the provider, so its port is known only then) and prints "ready". Two people:
// alice (group crm_admin) and bob (group crm_viewer), both of the organisation `default`. Its own
// login form accepts any password (the provider's development interactions).
import { createServer } from "node:http";
import Provider from "oidc-provider";

const [clientId, clientSecret] = process.argv.slice(2);
const PEOPLE = {
  alice: { email: "alice@example.com", name: "Alice Admin", groups: ["crm_admin"], org: "default" },
  bob: { email: "bob@example.com", name: "Bob Viewer", groups: ["crm_viewer"], org: "default" },
};

const server = createServer();
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;
console.log(`issuer ${issuer}`);
const redirectUri = await new Promise((resolve) => {
  let text = "";
  process.stdin.on("data", (chunk) => {
    text += chunk;
    if (text.includes("\n")) resolve(text.trim());
  });
});
const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    grant_types: ["authorization_code"],
    response_types: ["code"],
  }],
  pkce: { required: () => true },
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name"],
    groups: ["groups", "org"],
  },
  scopes: ["openid", "email", "profile", "groups"],
  conformIdTokenClaims: false,
  findAccount: (_ctx, id) => {
    const person = PEOPLE[id];
    if (!person) return undefined;
    return {
      accountId: id,
      claims: () => ({ sub: id, email_verified: true, ...person }),
    };
  },
  cookies: { keys: ["oidc-provider-test-cookie-key"] },
  features: { devInteractions: { enabled: true } },
});
provider.on("server_error", (_ctx, error) => console.error("provider error", error));
server.on("request", provider.callback());
console.log("ready");

const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
