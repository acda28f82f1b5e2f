/**
 * A plugin's declared settings (`config:` in `plugin.yaml`): what each may hold, checked the same
 * way at build time (a declared default) and at run time (a value an operator sets).
 *
 * @module
 */

/** A setting's type. */
export type SettingType = "string" | "number" | "boolean" | "url" | "enum";

/** The types a setting may have. */
export const SETTING_TYPES: readonly SettingType[] = ["string", "number", "boolean", "url", "enum"];

/** A setting's value: what an operator sets, a plugin reads in `ctx.config`. */
export type SettingValue = string | number | boolean;

/** A setting's key: lowercase letters, digits and `_`, starting with a letter. */
export const SETTING_KEY = /^[a-z][a-z0-9_]*$/;

/** The longest a string, URL or enum value may be, in characters. */
export const MAX_SETTING_LENGTH = 4096;

/** One declared setting, as `plugin.yaml` gives it (with its defaults applied). */
export interface SettingDeclaration {
  /** What it holds. */
  type: SettingType;
  /** Whether the plugin cannot serve until it is set (`needs_config`). */
  required: boolean;
  /** Whether it is a secret: encrypted at rest, never shown again once set, never shipped. */
  secret: boolean;
  /** What it is for, shown beside its field. */
  description?: string | undefined;
  /** Its value until an operator sets one (never on a secret). */
  default?: SettingValue | undefined;
  /** The values an `enum` may take. */
  values?: string[] | undefined;
}

/**
 * What is wrong with a value for a setting, if anything.
 *
 * @param setting The declaration.
 * @param value The value.
 * @returns A message (`must be a URL (http or https)`…), or `undefined` when it fits.
 * @example
 * ```ts
 * settingValueProblem({ type: "number" }, "50"); // "must be a number"
 * ```
 */
export function settingValueProblem(
  setting: Pick<SettingDeclaration, "type" | "values">,
  value: unknown,
): string | undefined {
  switch (setting.type) {
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? undefined : "must be a number";
    case "boolean":
      return typeof value === "boolean" ? undefined : "must be true or false";
    case "string":
      return typeof value !== "string"
        ? "must be a string"
        : value.length > MAX_SETTING_LENGTH
        ? `must be at most ${MAX_SETTING_LENGTH} characters`
        : undefined;
    case "url":
      return typeof value === "string" && value.length <= MAX_SETTING_LENGTH && isWebUrl(value)
        ? undefined
        : "must be a URL (http or https)";
    case "enum":
      return typeof value === "string" && (setting.values ?? []).includes(value)
        ? undefined
        : `must be one of ${(setting.values ?? []).join(", ")}`;
  }
}

/**
 * A value typed as text (on the command line, in a form) as its declared type: a number or a
 * boolean when it reads as one, else the text, which {@link settingValueProblem} then refuses.
 *
 * @param setting The declaration, if the key is declared.
 * @param text The text.
 * @returns The value.
 * @example
 * ```ts
 * settingFromText({ type: "number" }, "20"); // 20
 * settingFromText({ type: "boolean" }, "yes"); // "yes" (refused as "must be true or false")
 * ```
 */
export function settingFromText(
  setting: Pick<SettingDeclaration, "type"> | undefined,
  text: string,
): unknown {
  if (setting?.type === "number" && text.trim() !== "" && Number.isFinite(Number(text))) {
    return Number(text);
  }
  if (setting?.type === "boolean" && (text === "true" || text === "false")) return text === "true";
  return text;
}

function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}
