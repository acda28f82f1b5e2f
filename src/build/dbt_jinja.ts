/**
 * The little Jinja that `dbt_project.yml` fields use, rendered as dbt would on a machine that sets
 * nothing: `{{ env_var('X', 'default') }}` is its default — never a value from the build's
 * environment, which would put the build machine's secrets in the registry — and
 * `{{ var('name') }}` the project's `vars`. Anything else stays as written, and the caller warns.
 *
 * @module
 */

/** What rendering a field gave. */
export interface Rendered {
  /** The text, with every expression that could be rendered replaced. */
  readonly text: string;
  /** The first expression that could not be rendered, if any. */
  readonly unrendered?: string;
}

const EXPRESSION = /\{\{-?\s*(.*?)\s*-?\}\}/g;
const STRING = String.raw`(?:'([^'\\]*)'|"([^"\\]*)")`;
const CALL = new RegExp(String.raw`^(env_var|var)\(\s*${STRING}\s*(?:,\s*${STRING}\s*)?\)$`);

/**
 * Renders the `{{ env_var(…) }}` and `{{ var(…) }}` expressions of a field.
 *
 * @param text The field as written.
 * @param vars The project's `vars`.
 * @returns The rendered text and the first expression left as written.
 * @example
 * ```ts
 * renderDbtJinja("{{ env_var('DBT_PROFILE', 'jaffle_shop') }}", {}).text; // "jaffle_shop"
 * renderDbtJinja("{{ var('folder') }}", { folder: "models" }).text; // "models"
 * renderDbtJinja("{{ env_var('SECRET') }}", {}).unrendered; // "{{ env_var('SECRET') }}"
 * ```
 */
export function renderDbtJinja(text: string, vars: Readonly<Record<string, unknown>>): Rendered {
  let unrendered: string | undefined;
  const rendered = text.replace(EXPRESSION, (expression, body: string) => {
    const value = callValue(body, vars);
    if (value === undefined) unrendered ??= expression;
    return value ?? expression;
  });
  return unrendered === undefined ? { text: rendered } : { text: rendered, unrendered };
}

function callValue(body: string, vars: Readonly<Record<string, unknown>>): string | undefined {
  const call = CALL.exec(body);
  if (!call) return undefined;
  const [, name, first1, first2, fallback1, fallback2] = call;
  const key = first1 ?? first2!;
  const fallback = fallback1 ?? fallback2;
  if (name === "env_var") return fallback;
  const value = Object.hasOwn(vars, key) ? vars[key] : fallback;
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : undefined;
}
