/**
 * `warehouse grants`: the SQL a DBA runs, as a login that may create roles and schemas, to give
 * each plugin with a dbt workspace its own PostgreSQL login role, granted its schemas only — what
 * the host does itself with `HONEYFRAME_WAREHOUSE_ADMIN_URL`. The roles' passwords are made here
 * (or read) and sealed in the state store the server uses, under `HONEYFRAME_SECRETS_KEY`, so the
 * server logs in with the same ones; they appear in the clear only in this output.
 *
 * @module
 */
import { readEnv } from "../env/mod.ts";
import { importSecretsKey } from "../runtime/mod.ts";
import {
  loginOf,
  pluginRoles,
  provisioningStatements,
  quoteIdentifier,
  rolePassword,
} from "../warehouse/mod.ts";
import type { CliArgs } from "./args.ts";
import { openCache, runBuild } from "./build_verbs.ts";
import { openStateStore } from "./config_verbs.ts";
import { type CliIo, report } from "./io.ts";

/**
 * Prints the grants' SQL (one transaction) on standard output.
 *
 * @param args The parsed command line (`HONEYFRAME_SECRETS_KEY` and the state store's variables in
 * its environment; dbt's login is the user of `HONEYFRAME_WAREHOUSE_URL`).
 * @param io Where to write.
 * @returns 0 when printed, 1 when refused.
 */
export async function warehouseVerb(args: CliArgs, io: CliIo): Promise<number> {
  const keyText = readEnv(args.env, "HONEYFRAME_SECRETS_KEY");
  if (keyText === undefined) {
    return report(io, args.json, {
      ok: false,
      message: "warehouse grants seals the roles' passwords: set HONEYFRAME_SECRETS_KEY as the " +
        "server has it",
    });
  }
  let key;
  try {
    key = await importSecretsKey(keyText);
  } catch (error) {
    return report(io, args.json, { ok: false, message: (error as Error).message });
  }
  const { plugins } = await runBuild(args, openCache(args, io));
  const roles = pluginRoles(plugins.filter((plugin) => !plugin.shadowed));
  if (roles.length === 0) {
    return report(io, args.json, { ok: true, message: "no plugin has a dbt workspace" });
  }
  const warehouse = readEnv(args.env, "HONEYFRAME_WAREHOUSE_URL");
  const builder = loginOf(
    warehouse !== undefined && URL.canParse(warehouse) ? new URL(warehouse) : undefined,
  );
  const { store, label } = await openStateStore(args);
  const lines = [
    `-- Honeyframe Edge: plugin roles for the warehouse (passwords kept sealed in ${label}).`,
    "-- Run as a login that may create roles and schemas in the warehouse's database, e.g.",
    '--   npx deno task plugins warehouse grants | psql "$DBA_URL" -v ON_ERROR_STOP=1',
    ...(builder === undefined
      ? [
        "-- dbt's login is unknown (HONEYFRAME_WAREHOUSE_URL unset): grant it USAGE, CREATE on the",
        "-- schemas below and ALTER DEFAULT PRIVILEGES FOR ROLE it … GRANT SELECT ON TABLES yourself.",
      ]
      : [`-- dbt logs in as ${quoteIdentifier(builder)}: it may create tables in these schemas.`]),
    "BEGIN;",
  ];
  try {
    for (const role of roles) {
      const password = await rolePassword(store, key, role.plugin);
      lines.push(`-- ${role.plugin}: schemas ${role.schemas.join(", ")}`);
      lines.push(...provisioningStatements(role, password, builder).map((sql) => `${sql};`));
    }
  } catch (error) {
    return report(io, args.json, { ok: false, message: (error as Error).message });
  } finally {
    await store.close();
  }
  lines.push("COMMIT;");
  if (args.json) {
    io.out(JSON.stringify({ ok: true, roles, sql: lines.join("\n") }, null, 2));
  } else {
    for (const line of lines) io.out(line);
  }
  return 0;
}
