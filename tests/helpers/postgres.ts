/**
 * Test helper: a throwaway PostgreSQL cluster on 127.0.0.1 (Debian's `postgresql` package), started
 * in a temporary folder on a free port and removed afterwards. As root, the server runs as the
 * `postgres` user (PostgreSQL refuses root).
 *
 * @module
 */
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { postgresBinaries } from "./system_tools.ts";
import { freePort } from "./ports.ts";

/** A running cluster. */
export interface TestPostgres extends AsyncDisposable {
  /** The URL of the `postgres` database, as the superuser `honeyframe`. */
  readonly url: string;
  /** Creates a new empty database and returns its URL. */
  createDatabase(): Promise<string>;
  /** Stops (`SIGSTOP`) or resumes (`SIGCONT`) every process of the cluster: a frozen database. */
  signal(signal: "SIGSTOP" | "SIGCONT"): Promise<void>;
  /** Shuts the cluster down (its connections are closed); {@link start} brings it back. */
  stop(): Promise<void>;
  /** Starts the cluster again on the same port and data. */
  start(): Promise<void>;
}

function binaries(): string {
  const bin = postgresBinaries();
  if (!bin) throw new Error("PostgreSQL is not installed: apt-get install -y postgresql");
  return bin;
}

async function run(command: string, args: string[]): Promise<void> {
  const asPostgres = Deno.uid() === 0;
  const output = await new Deno.Command(asPostgres ? "runuser" : command, {
    args: asPostgres ? ["-u", "postgres", "--", command, ...args] : args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (output.code !== 0) {
    throw new Error(`${command} failed: ${new TextDecoder().decode(output.stderr)}`);
  }
}

/**
 * Creates a login role with a password of its own (dbt's login, in the warehouse tests).
 *
 * @param url A superuser's URL of the database.
 * @param name The role.
 * @param password Its password.
 * @returns The database's URL, logged in as that role.
 */
export async function createLogin(url: string, name: string, password: string): Promise<URL> {
  const superuser = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await superuser.unsafe(`CREATE ROLE ${name} LOGIN PASSWORD '${password}'`);
  } finally {
    await superuser.end();
  }
  const login = new URL(url);
  login.username = name;
  login.password = password;
  return login;
}

/** The superuser's password of a cluster started with `passwords: true`. */
export const SUPERUSER_PASSWORD = "honeyframe-test";

/**
 * Starts a cluster; dispose it to stop it and delete its files.
 *
 * @param options `passwords: true` makes every login prove its password (SCRAM), as a real
 * server does; by default any login is trusted.
 */
export async function startPostgres(
  options: { readonly passwords?: boolean } = {},
): Promise<TestPostgres> {
  const bin = binaries();
  const dir = mkdtempSync(join(tmpdir(), "honeyframe-pg-"));
  // As root, the cluster's files belong to the `postgres` user.
  const owner = Deno.uid() === 0
    ? Number(
      new TextDecoder().decode(
        (await new Deno.Command("id", { args: ["-u", "postgres"] }).output()).stdout,
      ).trim(),
    )
    : undefined;
  if (owner !== undefined) chownSync(dir, owner, owner);
  const data = join(dir, "data");
  const port = freePort();
  const passwordFile = join(dir, "superuser_password");
  Deno.writeTextFileSync(passwordFile, SUPERUSER_PASSWORD);
  if (owner !== undefined) chownSync(passwordFile, owner, owner);
  await run(join(bin, "initdb"), [
    "-D",
    data,
    ...(options.passwords ? [`--pwfile=${passwordFile}`] : []),
    "-A",
    options.passwords ? "scram-sha-256" : "trust",
    "-U",
    "honeyframe",
    "-E",
    "UTF8",
    "--no-sync",
  ]);
  const startCluster = () =>
    run(join(bin, "pg_ctl"), [
      "-D",
      data,
      "-l",
      join(dir, "server.log"),
      "-w",
      "-t",
      "30",
      "-o",
      `-p ${port} -h 127.0.0.1 -k ${dir} -F -c fsync=off`,
      "start",
    ]);
  await startCluster();
  const login = options.passwords ? `honeyframe:${SUPERUSER_PASSWORD}` : "honeyframe";
  const url = `postgres://${login}@127.0.0.1:${port}/postgres`;
  let databases = 0;
  const signal = async (name: "SIGSTOP" | "SIGCONT") => {
    const postmaster = Deno.readTextFileSync(join(data, "postmaster.pid")).split("\n")[0]!;
    const flag = name === "SIGSTOP" ? "-STOP" : "-CONT";
    await new Deno.Command("pkill", { args: [flag, "-P", postmaster] }).output();
    await new Deno.Command("kill", { args: [flag, postmaster] }).output();
  };
  return {
    url,
    async createDatabase() {
      const name = `honeyframe_${++databases}`;
      const admin = postgres(url, { max: 1, onnotice: () => {} });
      await admin.unsafe(`CREATE DATABASE ${name}`);
      await admin.end();
      return `postgres://${login}@127.0.0.1:${port}/${name}`;
    },
    signal,
    stop: () => run(join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"]),
    start: startCluster,
    async [Symbol.asyncDispose]() {
      await signal("SIGCONT").catch(() => {});
      await run(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
