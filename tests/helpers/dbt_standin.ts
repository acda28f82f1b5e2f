/**
 * Test helper: a stand-in for the `dbt` executable. dbt is a Python package from PyPI, which these
 * machines cannot reach, so tests put this script (named `dbt`) in a temporary folder, on `PATH` or
 * by path: it records its arguments, working directory, what it sees of the host's admin token and
 * the warehouse variables, and a copy of the `profiles.yml` it was pointed at; prints a few lines,
 * optionally sleeps, and exits with the code the test chose.
 *
 * @module
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** One recorded call. */
export interface DbtCall {
  /** The arguments. */
  readonly args: string[];
  /** The working directory. */
  readonly cwd: string;
  /** The value of `HONEYFRAME_ADMIN_TOKEN` the stand-in saw (empty when blanked or unset). */
  readonly adminToken: string;
  /** The warehouse variables it saw (empty when unset). */
  readonly warehouse: {
    readonly host: string;
    readonly port: string;
    readonly user: string;
    readonly password: string;
    readonly dbname: string;
    readonly schema: string;
  };
}

/** A stand-in `dbt` in its own folder. */
export interface DbtStandIn extends Disposable {
  /** The folder (put it first on `PATH`). */
  readonly dir: string;
  /** The executable's path. */
  readonly command: string;
  /** The exit code of the next calls. */
  exitWith(code: number): void;
  /** Seconds each next call sleeps before it exits. */
  sleep(seconds: number): void;
  /** The calls so far, oldest first. */
  calls(): DbtCall[];
  /** The `profiles.yml` of the `--profiles-dir` of the last call that gave one, if any. */
  profiles(): string | undefined;
}

const SCRIPT = `#!/bin/sh
here=$(dirname "$0")
args=""
profiles=""
previous=""
for arg in "$@"; do
  args="$args\\"$arg\\","
  if [ "$previous" = "--profiles-dir" ]; then profiles="$arg"; fi
  previous="$arg"
done
if [ -n "$profiles" ] && [ -f "$profiles/profiles.yml" ]; then cp "$profiles/profiles.yml" "$here/profiles.yml"; fi
printf '{"args":[%s],"cwd":"%s","adminToken":"%s","warehouse":{"host":"%s","port":"%s","user":"%s","password":"%s","dbname":"%s","schema":"%s"}}\\n' "\${args%,}" "$PWD" "$HONEYFRAME_ADMIN_TOKEN" "$HONEYFRAME_WAREHOUSE_HOST" "$HONEYFRAME_WAREHOUSE_PORT" "$HONEYFRAME_WAREHOUSE_USER" "$DBT_ENV_SECRET_HONEYFRAME_WAREHOUSE_PASSWORD" "$HONEYFRAME_WAREHOUSE_DBNAME" "$HONEYFRAME_WAREHOUSE_SCHEMA" >> "$here/calls.log"
echo "Running with dbt=stand-in"
echo "Found 2 models"
sleep "$(cat "$here/sleep")"
code=$(cat "$here/exit_code")
echo "Finished: exit $code"
exit "$code"
`;

/** Writes a stand-in `dbt` into a new temporary folder; dispose it to delete the folder. */
export function makeDbtStandIn(): DbtStandIn {
  const dir = mkdtempSync(join(tmpdir(), "honeyframe-dbt-"));
  const command = join(dir, "dbt");
  writeFileSync(command, SCRIPT);
  chmodSync(command, 0o755);
  writeFileSync(join(dir, "exit_code"), "0");
  writeFileSync(join(dir, "sleep"), "0");
  const log = join(dir, "calls.log");
  return {
    dir,
    command,
    exitWith: (code) => writeFileSync(join(dir, "exit_code"), String(code)),
    sleep: (seconds) => writeFileSync(join(dir, "sleep"), String(seconds)),
    calls: () =>
      existsSync(log)
        ? readFileSync(log, "utf8").trim().split("\n").map((line) => JSON.parse(line) as DbtCall)
        : [],
    profiles: () =>
      existsSync(join(dir, "profiles.yml"))
        ? readFileSync(join(dir, "profiles.yml"), "utf8")
        : undefined,
    [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }),
  };
}
