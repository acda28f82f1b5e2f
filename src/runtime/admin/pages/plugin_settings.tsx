/**
 * The Settings section of a plugin's admin page: a form made from the plugin's declared settings.
 * Each setting gets the field its type calls for (a URL field, a number field, a choice for an enum
 * or a boolean, with the default named); a secret is write-only: the form says whether it is set and
 * offers to replace or clear it, never shows it. People without `plugins.manage` see the values
 * (secrets as set or not), no form.
 *
 * @module
 */
import type { ConfigView } from "../../context/plugin_config.ts";
import {
  type SettingDeclaration,
  settingFromText,
  type SettingValue,
} from "../../context/settings.ts";

/** What the Settings section shows. */
export interface PluginSettingsProps {
  /** The plugin. */
  readonly plugin: string;
  /** Its declared settings. */
  readonly declared: Readonly<Record<string, SettingDeclaration>>;
  /** Their values as an operator sees them. */
  readonly view: ConfigView;
  /** The form's CSRF token, for people who may change settings; none: read-only. */
  readonly csrfToken?: string | undefined;
  /** Why the last submission was refused, by setting. */
  readonly errors?: Readonly<Record<string, string>>;
  /** What the last submission said, to show it again. */
  readonly submitted?: Readonly<Record<string, string>>;
  /** A line above the form (saved, or why nothing was). */
  readonly notice?: string | undefined;
}

/**
 * The Settings section.
 *
 * @param props The plugin, its declarations and values, and the form's state.
 * @returns The section (`#settings`).
 */
export function PluginSettings(props: PluginSettingsProps) {
  const keys = Object.keys(props.declared);
  return (
    <section class="card" id="settings" aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      {props.notice ? <p role="status">{props.notice}</p> : null}
      {props.view.missing.length > 0
        ? (
          <p role="alert">
            Required and not set:{" "}
            {props.view.missing.join(", ")}. The plugin answers 503 until they are.
          </p>
        )
        : null}
      {props.csrfToken === undefined ? <ReadOnlySettings {...props} keys={keys} /> : (
        <form
          method="post"
          action={`/admin/plugins/${encodeURIComponent(props.plugin)}/settings`}
        >
          <input type="hidden" name="csrf" value={props.csrfToken} />
          {keys.map((key) => <SettingField key={key} {...props} name={key} />)}
          <p>
            <button type="submit">Save settings</button>
          </p>
        </form>
      )}
    </section>
  );
}

function ReadOnlySettings(props: PluginSettingsProps & { keys: readonly string[] }) {
  return (
    <dl class="facts">
      {props.keys.map((key) => (
        <>
          <dt>{key}</dt>
          <dd>{shown(props.view.values[key])}</dd>
        </>
      ))}
    </dl>
  );
}

function SettingField(props: PluginSettingsProps & { name: string }) {
  const { name } = props;
  const setting = props.declared[name]!;
  const id = `setting-${name}`;
  const error = props.errors?.[name];
  const described = [setting.description ? `${id}-about` : "", error ? `${id}-error` : ""]
    .filter(Boolean).join(" ") || undefined;
  const current = props.view.values[name];
  const value = props.submitted?.[name] ??
    (current === null || typeof current === "object" ? "" : String(current));
  const common = {
    id,
    name,
    "aria-invalid": error ? "true" : undefined,
    "aria-describedby": described,
  };
  return (
    <div class="field">
      <label for={id}>
        <code>{name}</code>
        {setting.required ? " (required)" : ""}
        {setting.secret ? " (secret)" : ""}
      </label>
      {setting.description ? <p class="meta" id={`${id}-about`}>{setting.description}</p> : null}
      {setting.secret
        ? (
          <>
            <p class="meta">
              {typeof current === "object" && current?.set
                ? "Set. Type a new value to replace it."
                : "Not set."}
            </p>
            <input {...common} type="password" autocomplete="new-password" value="" />
            {typeof current === "object" && current?.set
              ? (
                <label class="inline">
                  <input type="checkbox" name={`${name}.clear`} value="1" /> Clear {name}
                </label>
              )
              : null}
          </>
        )
        : setting.type === "enum" || setting.type === "boolean"
        ? (
          <select {...common}>
            <option value="" selected={value === ""}>
              {setting.default === undefined ? "— not set —" : `default (${setting.default})`}
            </option>
            {(setting.type === "enum" ? setting.values ?? [] : ["true", "false"]).map((option) => (
              <option value={option} selected={value === option}>{option}</option>
            ))}
          </select>
        )
        : (
          <input
            {...common}
            type={setting.type === "url" ? "url" : setting.type === "number" ? "number" : "text"}
            step={setting.type === "number" ? "any" : undefined}
            value={value}
            placeholder={setting.default === undefined ? undefined : String(setting.default)}
          />
        )}
      {error ? <p class="field-error" id={`${id}-error`}>{error}</p> : null}
    </div>
  );
}

/**
 * The changes a submitted Settings form asks for: each setting whose field differs from what is
 * stored (an empty field clears it, so its default applies), a secret only when a new value was
 * typed or it is to be cleared.
 *
 * @param declared The declared settings.
 * @param view Their values now.
 * @param form The submitted fields.
 * @returns `{ key: value | null }` for `PluginConfigs.change`, and the fields as submitted.
 */
export function settingsFormChanges(
  declared: Readonly<Record<string, SettingDeclaration>>,
  view: ConfigView,
  form: Readonly<Record<string, unknown>>,
): { changes: Record<string, unknown>; submitted: Record<string, string> } {
  const changes: Record<string, unknown> = {};
  const submitted: Record<string, string> = {};
  for (const [key, setting] of Object.entries(declared)) {
    const text = typeof form[key] === "string" ? form[key] as string : "";
    const current = view.values[key];
    if (setting.secret) {
      if (form[`${key}.clear`] === "1") changes[key] = null;
      else if (text !== "") changes[key] = settingFromText(setting, text);
      continue;
    }
    submitted[key] = text;
    const shownNow = current === null || typeof current === "object" ? "" : String(current);
    if (text === shownNow) continue;
    changes[key] = text === "" ? null : settingFromText(setting, text);
  }
  return { changes, submitted };
}

function shown(value: SettingValue | { secret: true; set: boolean } | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "object") return value.set ? "set (secret)" : "not set (secret)";
  return String(value);
}
