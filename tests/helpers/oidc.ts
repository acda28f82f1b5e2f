/**
 * Test helper: a real OpenID Connect provider (`tests/helpers/oidc_provider.mjs`, the
 * `oidc-provider` package under Node) on 127.0.0.1, with the people alice and bob.
 *
 * @module
 */
import { resolve } from "node:path";

/** A running provider. */
export interface OidcProvider extends AsyncDisposable {
  /** Its issuer URL. */
  readonly issuer: string;
  /** Registers the client's redirect URI (once the host's address is known); it is then ready. */
  allowRedirect(uri: string): Promise<void>;
}

/**
 * Starts the provider with one confidential client; it stops by itself after `timeoutMs`.
 *
 * @param clientId The client id.
 * @param clientSecret The client secret.
 * @param timeoutMs The longest it may run.
 * @returns The provider; dispose it to stop it.
 */
export async function startOidcProvider(
  clientId: string,
  clientSecret: string,
  timeoutMs = 180_000,
): Promise<OidcProvider> {
  const child = new Deno.Command("node", {
    args: [resolve("tests/helpers/oidc_provider.mjs"), clientId, clientSecret],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const killer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const lines = linesOf(child.stdout);
  const stop = async () => {
    clearTimeout(killer);
    try {
      child.kill("SIGTERM");
    } catch {
      // already ended
    }
    await child.status;
  };
  try {
    const [, issuer] = await lineMatching(lines, /^issuer (\S+)$/);
    return {
      issuer: issuer!,
      async allowRedirect(uri) {
        const writer = child.stdin.getWriter();
        await writer.write(new TextEncoder().encode(`${uri}\n`));
        await writer.close();
        await lineMatching(lines, /^ready$/);
      },
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function lineMatching(
  lines: AsyncIterator<string>,
  pattern: RegExp,
): Promise<RegExpExecArray> {
  for (let next = await lines.next(); !next.done; next = await lines.next()) {
    const match = pattern.exec(next.value);
    if (match) return match;
  }
  throw new Error(`the provider ended before printing ${pattern}`);
}

async function* linesOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buffered = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    const parts = buffered.split("\n");
    buffered = parts.pop()!;
    yield* parts;
  }
}

/**
 * Grants the provider's groups (alice's `crm_admin`, bob's `crm_viewer`) permissions on a host,
 * through its API.
 *
 * @param hostUrl The host's URL.
 * @param adminToken Its admin token.
 * @param groups The permissions of each group of the organisation `default`.
 */
export async function grantGroups(
  hostUrl: string,
  adminToken: string,
  groups: Record<string, readonly string[]>,
): Promise<void> {
  for (const [group, permissions] of Object.entries(groups)) {
    const response = await fetch(`${hostUrl}/api/orgs/default/groups/${group}`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({ permissions }),
    });
    if (response.status !== 200) {
      throw new Error(`granting ${group} answered ${response.status}: ${await response.text()}`);
    }
  }
}
