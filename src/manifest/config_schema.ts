/**
 * The rule of `config:` in `plugin.yaml`: a map from setting keys to their declarations (type,
 * `required`, `secret`, `description`, `default`, an `enum`'s `values`), each problem with its
 * stable code.
 *
 * @module
 */
import * as v from "valibot";
import {
  MAX_SETTING_LENGTH,
  SETTING_KEY,
  SETTING_TYPES,
  type SettingDeclaration,
  settingValueProblem,
} from "../runtime/context/settings.ts";
import { codedMessage } from "./coded_message.ts";
import { noUnsafeKeys } from "./unsafe_keys.ts";

/** The most settings one plugin may declare. */
export const MAX_SETTINGS = 100;

const DESCRIPTION_LENGTH = 500;

const flag = (field: string) =>
  v.optional(
    v.boolean(codedMessage("manifest.invalid_type", `\`${field}\` must be true or false`)),
    false,
  );

/** One setting's declaration, its cross-field rules included. */
const SettingSchema = v.pipe(
  v.strictObject(
    {
      type: v.picklist(
        SETTING_TYPES,
        (issue) =>
          codedMessage(
            "config.invalid_type",
            `\`${String(issue.input)}\` is not a setting type: ${SETTING_TYPES.join(", ")}`,
          ),
      ),
      required: flag("required"),
      secret: flag("secret"),
      description: v.optional(
        v.pipe(
          v.string(codedMessage("manifest.invalid_type", "`description` must be a string")),
          v.maxLength(
            DESCRIPTION_LENGTH,
            codedMessage("manifest.invalid_value", `at most ${DESCRIPTION_LENGTH} characters`),
          ),
        ),
      ),
      default: v.optional(
        v.union(
          [v.string(), v.number(), v.boolean()],
          codedMessage("config.invalid_default", "must be a string, a number or true/false"),
        ),
      ),
      values: v.optional(
        v.array(
          v.pipe(
            v.string(codedMessage("config.invalid_values", "each value must be a string")),
            v.maxLength(
              MAX_SETTING_LENGTH,
              codedMessage("config.invalid_values", "a value is too long"),
            ),
          ),
          codedMessage("config.invalid_values", "`values` must be a list of strings"),
        ),
      ),
    },
    (issue) =>
      issue.kind === "schema" && issue.expected === "never"
        ? codedMessage(
          "manifest.invalid_value",
          `\`${String(issue.input)}\` is not known here: a setting has \`type\`, \`required\`, ` +
            "`secret`, `description`, `default` and `values`",
        )
        : codedMessage("manifest.invalid_type", "a setting must be a mapping with a `type`"),
  ),
  v.forward(
    v.check(
      (setting) => valuesProblem(setting) === undefined,
      (issue) => codedMessage("config.invalid_values", valuesProblem(issue.input)!),
    ),
    ["values"],
  ),
  v.forward(
    v.check(
      (setting) => !setting.secret || setting.default === undefined,
      codedMessage(
        "config.secret_default",
        "a secret has no default: operators set it (`plugins config set --secret`)",
      ),
    ),
    ["default"],
  ),
  v.forward(
    v.check(
      (setting) =>
        setting.default === undefined || valuesProblem(setting) !== undefined ||
        settingValueProblem(setting, setting.default) === undefined,
      (issue) =>
        codedMessage(
          "config.invalid_default",
          `the default ${settingValueProblem(issue.input, issue.input.default)}`,
        ),
    ),
    ["default"],
  ),
);

/** The `config:` map. */
export const ConfigSchema = v.pipe(
  v.unknown(),
  noUnsafeKeys("config.invalid_key", "a setting"),
  v.record(
    v.pipe(
      v.string(),
      v.regex(
        SETTING_KEY,
        (issue) =>
          codedMessage(
            "config.invalid_key",
            `\`${issue.input}\` is not a setting key (lowercase letters, digits and \`_\`, ` +
              "starting with a letter)",
          ),
      ),
    ),
    SettingSchema,
    codedMessage("manifest.invalid_type", "`config` must be a mapping from keys to settings"),
  ),
  v.check(
    (config) => Object.keys(config).length <= MAX_SETTINGS,
    codedMessage("manifest.invalid_value", `at most ${MAX_SETTINGS} settings`),
  ),
);

/** What is wrong with an enum's `values` (or a non-enum's having them). */
function valuesProblem(
  setting: { type: string; values?: string[] | undefined },
): string | undefined {
  if (setting.type !== "enum") {
    return setting.values === undefined ? undefined : "only an `enum` setting has `values`";
  }
  if (!setting.values?.length) return "an `enum` setting needs `values`";
  const repeated = setting.values.find((value, index) => setting.values!.indexOf(value) !== index);
  return repeated === undefined ? undefined : `\`${repeated}\` is listed twice`;
}

/** Fails to compile when {@link SettingDeclaration} and the schema's output drift apart. */
type SettingOutput = v.InferOutput<typeof SettingSchema>;
const _settingIsTheSchemaOutput: [SettingDeclaration, SettingOutput] extends
  [SettingOutput, SettingDeclaration] ? true : never = true;
