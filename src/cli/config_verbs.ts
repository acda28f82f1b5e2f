/**
 * `config get|set|unset` and `secrets rotate`: plugins' settings in the state store the server
 * uses (the same environment chooses it: `HONEYFRAME_STORE`, `HONEYFRAME_DATABASE_URL`, `DATA_DIR`),
 * checked against the declarations the build reads. A secret is read from standard input, never
 * from the command line, and sealed under `HONEYFRAME_SECRETS_KEY` before it reaches the store.
 * Every change is audited with the keys it touched, as the API does. `uninstall --purge` deletes a
 * plugin's records here.
 *
 * @module
 */
import type { VerifiedPlugin } from "../build/mod.ts";
import {
  chooseStore,
  describeStore,
  openStore,
  queryTimeLimit,
  type StateStore,
} from "../state/mod.ts";
import {
  configChangeDetail,
  type ConfigView,
  importSecretsKey,
  PluginConfigs,
  type SettingDeclaration,
  settingFromText,
} from "../runtime/mod.ts";
import { readEnv } from "../env/mod.ts";
import type { CliArgs } from "./args.ts";
import { openCache, runBuild } from "./build_verbs.ts";
import { alignColumns } from "./format.ts";
import { type CliIo, report } from "./io.ts";

/** The store the CLI opens when nothing is configured: the server's default on Deno. */
const DEFAULT_STORE = "sqlite";

/**
 * Opens the state store the environment names, as the server would.
 *
 * @param args The parsed command line (its environment).
 * @returns The store and its description.
 */
export async function openStateStore(
  args: CliArgs,
): Promise<{ store: StateStore; label: string }> {
  // `--data-dir` names the SQLite file's folder, as `DATA_DIR` does for the server.
  const choice = chooseStore({ ...args.env, DATA_DIR: args.dataDir }, DEFAULT_STORE);
  return { store: await openStore(choice, queryTimeLimit(args.env)), label: describeStore(choice) };
}

/**
 * With `--purge`, deletes a plugin's records (settings and storage) from the state store, and
 * audits it.
 *
 * @param args The parsed command line.
 * @param plugin The plugin's name.
 * @returns What was deleted, or why it could not be (the plugin's files are gone by then: running
 * `uninstall --purge` again finishes it).
 */
export async function purgeIfAsked(
  args: CliArgs,
  plugin: string,
): Promise<{ ok: boolean; message: string; records: number }> {
  if (!args.purge) return { ok: true, message: "", records: 0 };
  let opened;
  try {
    opened = await openStateStore(args);
  } catch (error) {
    return {
      ok: false,
      message: `the records of ${plugin} were not purged: ${(error as Error).message}; run ` +
        `\`uninstall --purge ${plugin}\` again when the state store is reachable`,
      records: 0,
    };
  }
  const { store, label } = opened;
  try {
    const records = await store.purgeRecords(plugin);
    await auditSettings(store, plugin, `purged ${records} records (settings and storage)`);
    return {
      ok: true,
      message: `purged ${records} records of ${plugin} (settings and storage) from ${label}`,
      records,
    };
  } finally {
    await store.close();
  }
}

/**
 * Runs `config get <plugin>`, `config set <plugin> key=value…` or `config unset <plugin> key…`.
 *
 * @param args The parsed command line.
 * @param io Where to write, and standard input (the secrets of `--secret`).
 * @returns 0 when done, 1 when refused.
 */
export async function configVerb(args: CliArgs, io: CliIo): Promise<number> {
  const [action, plugin, ...rest] = args.positionals as [string, string, ...string[]];
  const { plugins } = await runBuild(args, openCache(args, io));
  const { store, label } = await openStateStore(args);
  try {
    const configs = settingsOf(args, store, plugins);
    const declared = configs.declarations(plugin);
    if (!declared) {
      return report(io, args.json, {
        ok: false,
        message: `no plugin is called ${plugin}`,
        data: { plugin },
      });
    }
    if (action === "get") {
      const view = (await configs.view(plugin))!;
      if (args.json) io.out(JSON.stringify(view, null, 2));
      else for (const line of viewLines(view, declared)) io.out(line);
      return 0;
    }
    const changes = action === "unset"
      ? Object.fromEntries(rest.map((key) => [key, null]))
      : await settingsToSet(args, io, declared, rest);
    if (typeof changes === "string") {
      return report(io, args.json, { ok: false, message: changes, data: { plugin } });
    }
    const change = await configs.change(plugin, changes);
    if (!change.ok) {
      const fields = change.error === "invalid_config" ? change.fields : {};
      return report(io, args.json, {
        ok: false,
        message: change.error === "secrets_key_missing"
          ? "secret settings need HONEYFRAME_SECRETS_KEY (the server's key)"
          : `the settings of ${plugin} were not changed`,
        lines: Object.entries(fields).map(([key, problem]) =>
          `error: ${plugin}: config.${key}: ${problem}`
        ),
        data: { plugin, error: change.error, fields },
      });
    }
    const detail = configChangeDetail(change);
    await auditSettings(store, plugin, detail);
    return report(io, args.json, {
      ok: true,
      message: `${plugin}: ${detail} in ${label}${
        store.shared ? "" : "\nnote: a running server on this store reads settings when it starts"
      }`,
      data: { plugin, set: change.set, cleared: change.cleared },
    });
  } finally {
    await store.close();
  }
}

/**
 * Runs `secrets rotate`: every plugin's secret settings sealed again under the key read from
 * standard input (the current one is `HONEYFRAME_SECRETS_KEY`).
 *
 * @param args The parsed command line.
 * @param io Where to write, and standard input (the new key).
 * @returns 0 when done, 1 when refused.
 */
export async function secretsVerb(args: CliArgs, io: CliIo): Promise<number> {
  const current = readEnv(args.env, "HONEYFRAME_SECRETS_KEY");
  if (current === undefined) {
    return report(io, args.json, {
      ok: false,
      message: "secrets rotate needs the current key in HONEYFRAME_SECRETS_KEY",
    });
  }
  const [line] = inputLines(await io.input());
  let next;
  try {
    if (!line) throw new Error("give the new key on standard input (`openssl rand -base64 32`)");
    next = await importSecretsKey(line);
  } catch (error) {
    return report(io, args.json, {
      ok: false,
      message: `the new key: ${(error as Error).message.replace("HONEYFRAME_SECRETS_KEY", "it")}`,
    });
  }
  const { plugins } = await runBuild(args, openCache(args, io));
  const { store, label } = await openStateStore(args);
  try {
    const configs = settingsOf(args, store, plugins);
    let rotated: string[];
    try {
      rotated = await configs.rotate(next);
    } catch (error) {
      return report(io, args.json, { ok: false, message: (error as Error).message });
    }
    const byPlugin = Map.groupBy(rotated, (owner) => owner.split("/")[0]!);
    for (const [plugin, owners] of byPlugin) {
      await auditSettings(
        store,
        plugin,
        `sealed under a new key: ${owners.map((owner) => owner.split("/")[1]).join(", ")}`,
      );
    }
    return report(io, args.json, {
      ok: true,
      message: `sealed ${rotated.length} secrets under the new key in ${label}; ` +
        "set HONEYFRAME_SECRETS_KEY to it and restart the servers",
      data: { rotated },
    });
  } finally {
    await store.close();
  }
}

/** Audits a change the CLI made to a plugin's settings or storage (actor `cli`, keys only). */
async function auditSettings(store: StateStore, plugin: string, detail: string): Promise<void> {
  await store.appendAudit({
    time: new Date().toISOString(),
    actor: "cli",
    action: "plugin_config",
    target: plugin,
    outcome: "success",
    detail,
  });
}

/** The plugins' declared settings, as the build reads them. */
function declarationsOf(plugins: readonly VerifiedPlugin[]) {
  return {
    plugins: plugins.map((plugin) => ({
      name: plugin.name,
      status: plugin.status,
      ...(plugin.manifest && Object.keys(plugin.manifest.config).length > 0
        ? { config: plugin.manifest.config }
        : {}),
    })),
  };
}

function settingsOf(
  args: CliArgs,
  store: StateStore,
  plugins: readonly VerifiedPlugin[],
): PluginConfigs {
  const key = readEnv(args.env, "HONEYFRAME_SECRETS_KEY");
  return new PluginConfigs(
    store,
    declarationsOf(plugins),
    key === undefined ? undefined : importSecretsKey(key),
  );
}

/**
 * The changes `config set` asks for: `key=value` pairs read as their declared types, and the
 * `--secret` keys' values from standard input, one line each; or why they cannot be read.
 */
async function settingsToSet(
  args: CliArgs,
  io: CliIo,
  declared: Readonly<Record<string, SettingDeclaration>>,
  pairs: readonly string[],
): Promise<Record<string, unknown> | string> {
  if (pairs.length === 0 && args.secrets.length === 0) {
    return "give the settings to set as key=value, or --secret <key> to read one from standard input";
  }
  const changes: Record<string, unknown> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf("=");
    if (equals <= 0) return `\`${pair}\` is not key=value`;
    const key = pair.slice(0, equals);
    if (declared[key]?.secret) {
      return `${key} is a secret: give it on standard input with --secret ${key}, never on the ` +
        "command line";
    }
    changes[key] = settingFromText(declared[key], pair.slice(equals + 1));
  }
  if (args.secrets.length > 0) {
    const lines = inputLines(await io.input());
    if (lines.length < args.secrets.length) {
      return `--secret ${args.secrets.join(", ")}: expected ${args.secrets.length} line(s) on ` +
        `standard input, got ${lines.length}`;
    }
    args.secrets.forEach((
      key,
      index,
    ) => (changes[key] = settingFromText(declared[key], lines[index]!)));
  }
  return changes;
}

/** The non-empty lines of standard input, without their line ends. */
function inputLines(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line !== "");
}

/** `config get` for people: each setting, its value (a secret: only whether it is set). */
function viewLines(view: ConfigView, declared: Readonly<Record<string, SettingDeclaration>>) {
  const rows = Object.entries(view.values).map(([key, value]) => [
    key,
    declared[key]!.type + (declared[key]!.required ? ", required" : ""),
    value !== null && typeof value === "object"
      ? value.set ? "(secret, set)" : "(secret, not set)"
      : value === null
      ? "-"
      : JSON.stringify(value),
  ]);
  if (rows.length === 0) return [`${view.plugin} declares no settings`];
  return [
    ...alignColumns([["KEY", "TYPE", "VALUE"], ...rows]),
    ...(view.missing.length > 0 ? [`missing: ${view.missing.join(", ")}`] : []),
  ];
}
