/**
 * The `dbt_workspace` field: a folder inside the plugin that holds `dbt_project.yml`.
 *
 * @module
 */
import { join } from "node:path";
import { MANIFEST_FILE, type Problem, problem } from "../manifest/mod.ts";
import { resolveInsidePlugin } from "./inside_plugin.ts";

/**
 * Checks a plugin's dbt workspace on disk.
 *
 * @param dir The plugin folder.
 * @param workspace The field's value.
 * @returns Its problems (none when the folder and its `dbt_project.yml` are there).
 */
export function checkDbtWorkspace(dir: string, workspace: string): Problem[] {
  const at = { file: MANIFEST_FILE, path: "dbt_workspace" };
  const where = resolveInsidePlugin(dir, workspace);
  if (where.kind === "outside") {
    return [
      problem(
        "dbt_workspace.outside_plugin",
        `\`${workspace}\` resolves outside the plugin folder`,
        at,
      ),
    ];
  }
  if (where.kind === "not_found" || !where.isDirectory) {
    return [
      problem("dbt_workspace.not_found", `\`${workspace}\` is not a folder in the plugin`, at),
    ];
  }
  const project = resolveInsidePlugin(dir, join(workspace, "dbt_project.yml"));
  if (project.kind === "outside") {
    return [
      problem(
        "dbt_workspace.outside_plugin",
        `\`${workspace}/dbt_project.yml\` is a link that resolves outside the plugin folder`,
        at,
      ),
    ];
  }
  if (project.kind === "not_found" || project.isDirectory) {
    return [problem("dbt_workspace.no_project", `\`${workspace}\` has no dbt_project.yml`, at)];
  }
  return [];
}
