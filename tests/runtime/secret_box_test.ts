/**
 * Plugin secrets at rest: AES-256-GCM under the operator's key, bound to the plugin and setting
 * they belong to.
 */
import assert from "node:assert/strict";
import {
  importSecretsKey,
  InvalidSecretsKey,
  openSecret,
  sealSecret,
  SecretUnreadable,
} from "../../src/runtime/context/secret_box.ts";

const randomKey = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));

Deno.test("a sealed secret opens with its key and owner only, and never shows in clear", async () => {
  const key = await importSecretsKey(randomKey());
  const secret = "sk_live_0123456789abcdef";
  const sealed = await sealSecret(key, secret, "crm/api_key");
  assert.match(sealed, /^aesgcm1:[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+$/);
  assert.ok(!sealed.includes(secret) && !sealed.includes(btoa(secret)));
  assert.notEqual(await sealSecret(key, secret, "crm/api_key"), sealed, "a fresh IV each time");
  assert.equal(await openSecret(key, sealed, "crm/api_key"), secret);

  await assert.rejects(openSecret(key, sealed, "crm/other_key"), SecretUnreadable);
  await assert.rejects(openSecret(key, sealed, "finance/api_key"), SecretUnreadable);
  await assert.rejects(
    openSecret(await importSecretsKey(randomKey()), sealed, "crm/api_key"),
    SecretUnreadable,
  );
  const [head, data] = sealed.split(".");
  const flipped = `${head}.${data!.startsWith("A") ? "B" : "A"}${data!.slice(1)}`;
  await assert.rejects(openSecret(key, flipped, "crm/api_key"), SecretUnreadable);
  await assert.rejects(openSecret(key, "not sealed", "crm/api_key"), SecretUnreadable);
});

Deno.test("the secrets key must be 32 bytes of base64", async () => {
  await assert.rejects(importSecretsKey("not base64!"), InvalidSecretsKey);
  await assert.rejects(importSecretsKey(btoa("too short")), /9 bytes, not 32/);
  await importSecretsKey(`  ${randomKey()}\n`);
});
