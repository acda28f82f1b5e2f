/**
 * Test helper: a stand-in `dbt build` that really builds. dbt is a Python package from PyPI, which
 * these machines cannot reach; this program does what `dbt build` does with the plain projects the
 * tests use, on the real PostgreSQL, through the same door dbt would use: it reads the
 * `profiles.yml` of `--profiles-dir`, renders its `env_var()`s from its environment (so it logs in
 * with the credentials the host passed), and in the profile's schema loads the seeds (CSV, types
 * inferred: integers, dates, text) and creates the models (SQL files, `{{ ref() }}` resolved, in
 * dependency order) as views or tables, in `<schema>_<custom>` for a folder's `+schema: custom` —
 * dbt's default schema naming. It supports `ref`, `+materialized` and `+schema`, no more: a model
 * with any other Jinja fails the run, as dbt would not.
 *
 * @module
 */
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import postgres from "postgres";
import { parse } from "yaml";

/** A building stand-in `dbt` in its own folder. */
export interface BuildingDbt extends Disposable {
  /** The executable's path (for `HONEYFRAME_DBT_COMMAND`). */
  readonly command: string;
}

/** Writes the `dbt` executable (a shell script that runs this module); dispose it to delete it. */
export function makeBuildingDbt(): BuildingDbt {
  const dir = mkdtempSync(join(tmpdir(), "honeyframe-dbt-build-"));
  const command = join(dir, "dbt");
  writeFileSync(
    command,
    `#!/bin/sh\nexec "${Deno.execPath()}" run -A --config "${Deno.cwd()}/deno.json" "${
      new URL(import.meta.url).pathname
    }" "$@"\n`,
  );
  chmodSync(command, 0o755);
  return { command, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

type Config = { materialized?: string; schema?: string };

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
}

/** The profile's target, its `{{ env_var('X') }}` (and `| as_number`) rendered. */
function target(profilesDir: string, profile: string, name: string): Record<string, string> {
  const profiles = parse(readFileSync(join(profilesDir, "profiles.yml"), "utf8"));
  const output = profiles[profile]?.outputs?.[name];
  if (!output) throw new Error(`profile ${profile} has no target ${name}`);
  return Object.fromEntries(
    Object.entries(output as Record<string, unknown>).map(([key, value]) => [
      key,
      String(value).replace(
        /\{\{\s*env_var\('([A-Z_]+)'\)(\s*\|\s*as_number)?\s*\}\}/g,
        (_, variable: string) => {
          const found = Deno.env.get(variable);
          if (found === undefined) throw new Error(`env_var('${variable}') is not set`);
          return found;
        },
      ),
    ]),
  );
}

/** The config of a model folder: the `models:` settings of the project along its path. */
function folderConfig(project: Record<string, unknown>, name: string, folders: string[]): Config {
  let node = (project.models as Record<string, unknown> | undefined)?.[name] as
    | Record<string, unknown>
    | undefined;
  const config: Config = {};
  for (const folder of ["", ...folders]) {
    if (folder !== "") node = node?.[folder] as Record<string, unknown> | undefined;
    if (!node) break;
    if (typeof node["+materialized"] === "string") config.materialized = node["+materialized"];
    if (typeof node["+schema"] === "string") config.schema = node["+schema"];
  }
  return config;
}

function files(dir: string, extension: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(extension))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Drops what a model or seed built before, as whatever kind it was (dbt replaces it). */
async function dropRelation(tx: postgres.TransactionSql, schema: string, name: string) {
  const [found] = await tx`SELECT c.relkind FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ${schema} AND c.relname = ${name}`;
  if (!found) return;
  await tx.unsafe(
    `DROP ${found.relkind === "v" ? "VIEW" : "TABLE"} ${quote(schema)}.${quote(name)} CASCADE`,
  );
}

function columnType(values: string[]): string {
  if (values.every((value) => /^-?\d+$/.test(value))) return "integer";
  if (values.every((value) => /^\d{4}-\d{2}-\d{2}$/.test(value))) return "date";
  return "text";
}

async function build(args: string[]): Promise<void> {
  const projectDir = option(args, "--project-dir") ?? ".";
  const profilesDir = option(args, "--profiles-dir") ?? join(Deno.env.get("HOME") ?? "", ".dbt");
  const project = parse(readFileSync(join(projectDir, "dbt_project.yml"), "utf8"));
  const out = target(profilesDir, project.profile, option(args, "--target") ?? "honeyframe");
  console.log(`Running with dbt=stand-in (builds into ${out.schema})`);
  const sql = postgres({
    host: out.host,
    port: Number(out.port),
    username: out.user,
    password: out.password,
    database: out.dbname,
    max: 1,
    onnotice: () => {},
  });
  const relations = new Map<string, string>();
  const ensureSchema = async (schema: string) => {
    // As dbt does: create it only when it is missing (dbt's login may not create schemas).
    const found = await sql`SELECT 1 FROM pg_namespace WHERE nspname = ${schema}`;
    if (found.length === 0) await sql.unsafe(`CREATE SCHEMA ${quote(schema)}`);
  };
  try {
    await ensureSchema(out.schema!);
    for (const seedDir of project["seed-paths"] ?? ["seeds"]) {
      for (const file of files(join(projectDir, seedDir), ".csv")) {
        const [header, ...lines] = readFileSync(file, "utf8").trim().split("\n");
        const columns = header!.split(",");
        const rows = lines.map((line) => line.split(","));
        const relation = `${quote(out.schema!)}.${quote(basename(file, ".csv"))}`;
        const types = columns.map((_, i) => columnType(rows.map((row) => row[i]!)));
        await sql.begin(async (tx) => {
          await dropRelation(tx, out.schema!, basename(file, ".csv"));
          await tx.unsafe(
            `CREATE TABLE ${relation} (${
              columns.map((column, i) => `${quote(column)} ${types[i]}`).join(", ")
            })`,
          );
          for (const row of rows) {
            await tx.unsafe(
              `INSERT INTO ${relation} VALUES (${row.map((_, i) => `$${i + 1}`).join(", ")})`,
              row,
            );
          }
        });
        relations.set(basename(file, ".csv"), relation);
        console.log(`OK loaded seed file ${relation}`);
      }
    }
    const models = (project["model-paths"] ?? ["models"]).flatMap((modelDir: string) =>
      files(join(projectDir, modelDir), ".sql").map((file) => {
        const folders = relative(join(projectDir, modelDir), file).split("/").slice(0, -1);
        return {
          name: basename(file, ".sql"),
          text: readFileSync(file, "utf8"),
          config: folderConfig(project, project.name, folders),
        };
      })
    );
    const pending = [...models];
    while (pending.length > 0) {
      const ready = pending.findIndex((model) =>
        [...model.text.matchAll(/ref\('(\w+)'\)/g)].every(([, name]) => relations.has(name!))
      );
      if (ready === -1) throw new Error("a model refers to something that is not built");
      const [model] = pending.splice(ready, 1);
      const body = model!.text.replace(
        /\{\{\s*ref\('(\w+)'\)\s*\}\}/g,
        (_: string, name: string) => relations.get(name)!,
      );
      if (body.includes("{{") || body.includes("{%")) {
        throw new Error(`${model!.name}: the stand-in renders ref() only`);
      }
      const schema = model!.config.schema ? `${out.schema}_${model!.config.schema}` : out.schema!;
      await ensureSchema(schema);
      const relation = `${quote(schema)}.${quote(model!.name)}`;
      const kind = model!.config.materialized === "table" ? "TABLE" : "VIEW";
      await sql.begin(async (tx) => {
        await dropRelation(tx, schema, model!.name);
        await tx.unsafe(`CREATE ${kind} ${relation} AS ${body}`);
      });
      relations.set(model!.name, relation);
      console.log(`OK created sql ${kind.toLowerCase()} model ${relation}`);
    }
  } finally {
    await sql.end();
  }
}

if (import.meta.main) {
  const args = Deno.args;
  if (args[0] !== "build") {
    console.error(`the stand-in dbt only builds, not ${args[0]}`);
    Deno.exit(2);
  }
  try {
    await build(args);
    console.log("Completed successfully");
  } catch (error) {
    console.error(`Database Error: ${(error as Error).message}`);
    Deno.exit(1);
  }
}
