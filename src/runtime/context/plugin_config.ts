/**
 * Plugins' settings as operators set them: read against each plugin's declaration, stored as the
 * plugin's records in the state store (space `config`), secrets sealed under the operator's key
 * before they reach the store and never shown again. What is set, cleared or missing is what the
 * API, the admin UI and the plugin's `ctx.config` see.
 *
 * @module
 */
import type { StateStore } from "../../state/mod.ts";
import type { RegistryPlugin } from "../registry.ts";
import { openSecret, sealSecret, type SecretsKey } from "./secret_box.ts";
import { type SettingDeclaration, type SettingValue, settingValueProblem } from "./settings.ts";

/** A setting as an operator sees it: its value, or for a secret whether it is set. */
export type ShownSetting = SettingValue | { readonly secret: true; readonly set: boolean } | null;

/** What `GET /api/plugins/<name>/config` answers. */
export interface ConfigView {
  /** The plugin. */
  readonly plugin: string;
  /** Every declared setting: its value (the default when unset, else `null`), a secret's state. */
  readonly values: Readonly<Record<string, ShownSetting>>;
  /** The required settings that have no value. */
  readonly missing: readonly string[];
}

/** What a change of settings came to. */
export type ConfigChange =
  | { readonly ok: true; readonly set: readonly string[]; readonly cleared: readonly string[] }
  | { readonly ok: false; readonly error: "not_found" }
  | {
    readonly ok: false;
    readonly error: "invalid_config";
    readonly fields: Readonly<Record<string, string>>;
  }
  | { readonly ok: false; readonly error: "secrets_key_missing" };

/** The plugins whose settings are kept: each one's name, status and declared settings. */
export interface DeclaredPlugins {
  /** The plugins (a registry's, or a build's). */
  readonly plugins: readonly Pick<RegistryPlugin, "name" | "status" | "config">[];
}

/** A setting as stored: a value, or a sealed secret. */
type Stored = { readonly value: SettingValue } | { readonly sealed: string };

/** Every plugin's settings. */
export class PluginConfigs {
  readonly #store: StateStore;
  readonly #registry: DeclaredPlugins;
  readonly #key: Promise<SecretsKey> | undefined;
  /** Each plugin's settings as it reads them, kept current by {@link PluginConfigs.reload}. */
  readonly #current = new Map<
    string,
    { values: Record<string, SettingValue>; missing: string[] }
  >();

  /**
   * Every plugin's settings in one store.
   *
   * @param store Where the values are kept.
   * @param registry The plugins and their declarations.
   * @param key The operator's secrets key (`HONEYFRAME_SECRETS_KEY`), when one is set.
   */
  constructor(store: StateStore, registry: DeclaredPlugins, key?: Promise<SecretsKey>) {
    this.#store = store;
    this.#registry = registry;
    this.#key = key;
    // A key that failed to import fails each use; unused, it must not end the process.
    key?.catch(() => {});
  }

  /**
   * Reads every plugin's settings again (at start-up, and whenever the state may have changed on
   * another instance).
   */
  async reload(): Promise<void> {
    const declaring = this.#registry.plugins.filter((plugin) =>
      plugin.status === "mounted" && plugin.config !== undefined
    );
    const read = await Promise.all(declaring.map((plugin) => this.values(plugin.name)));
    declaring.forEach((plugin, index) => this.#current.set(plugin.name, read[index]!));
  }

  /**
   * A plugin's settings as it reads them, from memory (`ctx.config`): secrets opened, defaults
   * applied; what the last {@link reload} or change read.
   *
   * @param plugin The plugin's name.
   * @returns The values, and the required settings that have none.
   */
  current(
    plugin: string,
  ): {
    readonly values: Readonly<Record<string, SettingValue>>;
    readonly missing: readonly string[];
  } {
    return this.#current.get(plugin) ?? { values: {}, missing: [] };
  }

  /**
   * A plugin's declared settings.
   *
   * @param plugin The plugin's name.
   * @returns Its declarations by key (none: `{}`), or `undefined` when there is no such plugin.
   */
  declarations(plugin: string): Readonly<Record<string, SettingDeclaration>> | undefined {
    const copies = this.#registry.plugins.filter((entry) => entry.name === plugin);
    const record = copies.find((copy) => copy.status !== "shadowed") ?? copies[0];
    return record ? record.config ?? {} : undefined;
  }

  /**
   * A plugin's settings as an operator sees them: secrets only as set or not.
   *
   * @param plugin The plugin's name.
   * @returns The view, or `undefined` when there is no such plugin.
   */
  async view(plugin: string): Promise<ConfigView | undefined> {
    const declared = this.declarations(plugin);
    if (!declared) return undefined;
    const stored = await this.#stored(plugin);
    const values: Record<string, ShownSetting> = {};
    for (const [key, setting] of Object.entries(declared)) {
      const entry = stored.get(key);
      values[key] = setting.secret
        ? { secret: true, set: entry !== undefined }
        : entry && "value" in entry
        ? entry.value
        : setting.default ?? null;
    }
    return { plugin, values, missing: missingOf(declared, stored) };
  }

  /**
   * A plugin's settings as the plugin reads them: secrets opened, defaults applied. A secret that
   * does not open (no key, or another key) has no value.
   *
   * @param plugin The plugin's name.
   * @returns The values of the settings that have one, and the required ones that have none.
   */
  async values(
    plugin: string,
  ): Promise<{ values: Record<string, SettingValue>; missing: string[] }> {
    const declared = this.declarations(plugin) ?? {};
    const stored = await this.#stored(plugin);
    const secretsKey = await this.#key?.catch(() => undefined);
    const values: Record<string, SettingValue> = {};
    const unreadable: string[] = [];
    for (const [key, setting] of Object.entries(declared)) {
      const entry = stored.get(key);
      if (entry && "sealed" in entry) {
        // Sealed as JSON: a secret keeps its declared type (a number stays a number). One that
        // does not open (no key, another key) has no value: required, it is missing.
        const opened = secretsKey
          ? await openSecret(secretsKey, entry.sealed, `${plugin}/${key}`).catch(() => undefined)
          : undefined;
        if (opened !== undefined) values[key] = JSON.parse(opened) as SettingValue;
        else if (setting.required) unreadable.push(key);
      } else if (entry) {
        values[key] = entry.value;
      } else if (setting.default !== undefined) {
        values[key] = setting.default;
      }
    }
    return { values, missing: [...missingOf(declared, stored), ...unreadable] };
  }

  /**
   * Sets and clears a plugin's settings: all of them, or none when one is invalid.
   *
   * @param plugin The plugin's name.
   * @param changes `{ key: value | null }` (`null` clears).
   * @returns What was set and cleared, or why nothing was.
   */
  async change(plugin: string, changes: unknown): Promise<ConfigChange> {
    const declared = this.declarations(plugin);
    if (!declared) return { ok: false, error: "not_found" };
    if (typeof changes !== "object" || changes === null || Array.isArray(changes)) {
      return { ok: false, error: "invalid_config", fields: { "": "send an object of settings" } };
    }
    const fields: Record<string, string> = {};
    const entries = Object.entries(changes);
    for (const [key, value] of entries) {
      const setting = Object.hasOwn(declared, key) ? declared[key] : undefined;
      const problem = !setting
        ? `is not a setting of ${plugin}`
        : value === null
        ? undefined
        : settingValueProblem(setting, value);
      if (problem) fields[key] = problem;
    }
    if (Object.keys(fields).length > 0) return { ok: false, error: "invalid_config", fields };
    const sealing = entries.some(([key, value]) => value !== null && declared[key]!.secret);
    const key = await this.#key;
    if (sealing && !key) return { ok: false, error: "secrets_key_missing" };
    const set: string[] = [];
    const cleared: string[] = [];
    for (const [name, value] of entries) {
      if (value === null) {
        await this.#store.deleteRecord(plugin, "config", name);
        cleared.push(name);
        continue;
      }
      const stored: Stored = declared[name]!.secret
        ? { sealed: await sealSecret(key!, JSON.stringify(value), `${plugin}/${name}`) }
        : { value: value as SettingValue };
      await this.#store.putRecord(plugin, "config", name, JSON.stringify(stored));
      set.push(name);
    }
    this.#current.set(plugin, await this.values(plugin));
    return { ok: true, set, cleared };
  }

  /**
   * Seals every plugin's secrets again under a new key: all are opened first (with the new key
   * when an earlier rotation got that far, else with the current one), so a secret that opens with
   * neither stops the rotation before anything is written; each is then written only if no one
   * changed it since. Running it again after an interruption finishes the job.
   *
   * @param next The new key.
   * @returns The `<plugin>/<setting>` of each secret sealed again.
   * @throws {SecretUnreadable} When a secret opens with neither key (nothing was written).
   * @throws {Error} When there is no current key, or a secret changed during the rotation.
   */
  async rotate(next: SecretsKey): Promise<string[]> {
    const current = await this.#key;
    if (!current) throw new Error("rotating secrets needs the current HONEYFRAME_SECRETS_KEY");
    const pending: { plugin: string; key: string; version: string; plain: string }[] = [];
    const names = [...new Set(this.#registry.plugins.map((plugin) => plugin.name))];
    for (const plugin of names) {
      for (const record of await this.#store.listRecords(plugin, "config", { limit: 1000 })) {
        const stored = JSON.parse(record.value) as Stored;
        if (!("sealed" in stored)) continue;
        const owner = `${plugin}/${record.key}`;
        const rotated = await openSecret(next, stored.sealed, owner).then(() => true, () => false);
        if (rotated) continue;
        const plain = await openSecret(current, stored.sealed, owner);
        pending.push({ plugin, key: record.key, version: record.version, plain });
      }
    }
    for (const { plugin, key, version, plain } of pending) {
      const stored: Stored = { sealed: await sealSecret(next, plain, `${plugin}/${key}`) };
      const written = await this.#store.putRecord(
        plugin,
        "config",
        key,
        JSON.stringify(stored),
        version,
      );
      if (written === undefined) {
        throw new Error(`the secret ${plugin}/${key} changed during the rotation; run it again`);
      }
    }
    return pending.map(({ plugin, key }) => `${plugin}/${key}`);
  }

  async #stored(plugin: string): Promise<Map<string, Stored>> {
    const records = await this.#store.listRecords(plugin, "config", { limit: 1000 });
    return new Map(records.map((record) => [record.key, JSON.parse(record.value) as Stored]));
  }
}

/**
 * The audit detail of a change of settings: the keys, never a value.
 *
 * @param change What was set and cleared.
 * @returns E.g. `set api_url, api_key; cleared region`.
 */
export function configChangeDetail(
  change: { readonly set: readonly string[]; readonly cleared: readonly string[] },
): string {
  return [
    change.set.length > 0 ? `set ${change.set.join(", ")}` : "",
    change.cleared.length > 0 ? `cleared ${change.cleared.join(", ")}` : "",
  ].filter(Boolean).join("; ");
}

/** The required settings with neither a stored value nor a default. */
function missingOf(
  declared: Readonly<Record<string, SettingDeclaration>>,
  stored: ReadonlyMap<string, Stored>,
): string[] {
  return Object.entries(declared)
    .filter(([key, setting]) =>
      setting.required && !stored.has(key) && setting.default === undefined
    )
    .map(([key]) => key);
}
