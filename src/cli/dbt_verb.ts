/**
 * `dbt list`, `dbt run <plugin>` and `dbt export`: the dbt workspaces the build finds, one run of
 * dbt in the foreground (its output passed through, its exit code returned), and the inventory an
 * external orchestrator schedules from.
 *
 * @module
 */
import { resolve } from "node:path";
import { type VerifiedPlugin, writeDbtProfiles } from "../build/mod.ts";
import { readEnv } from "../env/mod.ts";
import { dbtInvocation, nextRun, readDbtConfig } from "../runtime/mod.ts";
import type { CliArgs } from "./args.ts";
import { openCache, runBuild } from "./build_verbs.ts";
import { alignColumns, formatProblem } from "./format.ts";
import type { Problem } from "../manifest/mod.ts";
import type { CliIo } from "./io.ts";

/** The exit code when dbt cannot be started at all (as a shell reports a missing command). */
export const DBT_NOT_STARTED = 127;

/**
 * Runs `dbt <action>`.
 *
 * @param args The parsed command line (`positionals`: the action and, for `run`, the plugin).
 * @param io Where to write.
 * @returns The exit code: dbt's for `run`, else 0 (1 when a plugin's problems stop it).
 */
export async function dbtVerb(args: CliArgs, io: CliIo): Promise<number> {
  const [action, name] = args.positionals;
  const { plugins, dbtProfiles } = await runBuild(args, openCache(args, io));
  const workspaces = plugins.filter((plugin) => plugin.dbt !== undefined && !plugin.shadowed);
  if (action === "run") return await runDbt(args, workspaces, name!, io, dbtProfiles);
  const rows = workspaces.map(workspaceRecord);
  if (args.json) {
    io.out(JSON.stringify({ workspaces: rows }, null, 2));
    return 0;
  }
  // What the build found wrong with dbt workspaces (also of those without an inventory).
  for (const plugin of plugins.filter((candidate) => !candidate.shadowed)) {
    for (
      const [level, problems] of [["error", plugin.errors], ["warning", plugin.warnings]] as const
    ) {
      for (const item of problems.filter(isDbtProblem)) io.err(formatProblem(plugin, item, level));
    }
  }
  if (rows.length === 0) {
    io.out("no plugin has a dbt workspace");
    return 0;
  }
  const table = action === "export"
    ? [
      ["PLUGIN", "PROJECT", "SCHEDULE (UTC)", "PATH"],
      ...rows.map((row) => [row.plugin, row.project, row.schedule ?? "-", row.path]),
    ]
    : [
      ["PLUGIN", "PROJECT", "PROFILE", "SCHEMA", "MODELS", "SCHEDULE (UTC)", "NEXT RUN", "STATUS"],
      ...rows.map((row) => [
        row.plugin,
        row.project,
        row.profile ?? "-",
        row.schema,
        String(row.models.filter((model) => model.enabled !== false).length),
        row.schedule ?? "-",
        row.next_run ?? "-",
        row.status,
      ]),
    ];
  for (const line of alignColumns(table)) io.out(line);
  return 0;
}

/** One workspace as `list` and `export` show it. */
function workspaceRecord(plugin: VerifiedPlugin) {
  const dbt = plugin.dbt!;
  const schedule = plugin.status === "mounted" ? dbt.schedule : null;
  return {
    plugin: plugin.name,
    status: plugin.status,
    project: dbt.project,
    profile: dbt.profile,
    version: dbt.version,
    path: resolve(plugin.dir, dbt.path),
    schema: dbt.schema,
    schemas: dbt.schemas,
    model_paths: dbt.model_paths,
    seed_paths: dbt.seed_paths,
    schedule: dbt.schedule,
    next_run: schedule === null ? null : nextRun(schedule, new Date())?.toISOString() ?? null,
    models: dbt.models.map((model) => ({ ...model })),
    problems: [
      ...plugin.errors.filter(isDbtProblem).map((item) => ({ level: "error", ...item })),
      ...plugin.warnings.filter(isDbtProblem).map((item) => ({ level: "warning", ...item })),
    ],
  };
}

/** Whether a problem is about the plugin's dbt workspace or schedule. */
function isDbtProblem(item: Problem): boolean {
  return item.code.startsWith("dbt_workspace.") || item.code.startsWith("dbt_schedule.");
}

async function runDbt(
  args: CliArgs,
  workspaces: readonly VerifiedPlugin[],
  name: string,
  io: CliIo,
  profiles: string | undefined,
): Promise<number> {
  const plugin = workspaces.find((candidate) => candidate.name === name);
  if (!plugin) {
    io.err(`error: no plugin called ${name} has a dbt workspace (see \`plugins dbt list\`)`);
    return 1;
  }
  if (plugin.status !== "mounted") {
    io.err(`error: ${name} has errors; fix them first (see \`plugins verify\`)`);
    return 1;
  }
  let config;
  try {
    config = readDbtConfig(args.env);
  } catch (error) {
    io.err(`error: ${(error as Error).message}`);
    return 2;
  }
  const command = config.command;
  // Into the warehouse: the profiles the build generates, written for this run beside the registry.
  let profilesDir = config.profilesDir;
  if (config.warehouseUrl !== undefined && profilesDir === undefined && profiles !== undefined) {
    profilesDir = writeDbtProfiles(args.outFile, profiles);
  }
  const { args: commandArgs, env } = dbtInvocation(
    resolve(plugin.dir, plugin.dbt!.path),
    plugin.dbt!.schema,
    { ...config, ...(profilesDir === undefined ? {} : { profilesDir }) },
  );
  io.err(`running ${command} ${commandArgs.join(" ")}`);
  const signal = AbortSignal.timeout(config.timeoutMs);
  let status: Deno.CommandStatus;
  try {
    status = await new Deno.Command(command, {
      args: [...commandArgs],
      env: { ...env },
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
      signal,
    }).spawn().status;
  } catch (error) {
    io.err(`error: \`${command}\` could not be started: ${(error as Error).message}`);
    if (readEnv(args.env, "HONEYFRAME_DBT_COMMAND") === undefined) {
      io.err("hint: install dbt, or set HONEYFRAME_DBT_COMMAND to its path");
    }
    return DBT_NOT_STARTED;
  }
  if (signal.aborted) {
    io.err(`error: dbt was stopped after the time limit of ${config.timeoutMs / 1000} s`);
    return status.code === 0 ? 1 : status.code;
  }
  io.err(`dbt exited with ${status.code}`);
  return status.code;
}
