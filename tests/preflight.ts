/**
 * Runs before the test suite (`deno task test`): one line per system tool the suite needs. As root
 * (with apt-get at hand) it installs what is missing, as CI does; otherwise the tests that need a missing tool
 * are skipped with a notice. Under `CI=true` a tool still missing fails the run here, before any
 * test starts.
 */
import { maySkip, onPath, SYSTEM_TOOLS, type ToolName } from "./helpers/system_tools.ts";

const names = Object.keys(SYSTEM_TOOLS) as ToolName[];
let missing = names.filter((name) => !SYSTEM_TOOLS[name].find());

if (missing.length > 0 && Deno.uid() === 0 && onPath("apt-get")) {
  const packages = [...new Set(missing.map((name) => SYSTEM_TOOLS[name].package))];
  console.log(`preflight: installing ${packages.join(" ")} with apt-get (running as root)`);
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const apt = (...args: string[]) =>
    new Deno.Command("apt-get", { args, env, stdout: "null", stderr: "inherit" }).output();
  await apt("update", "-qq");
  // prometheus is wanted for promtool only: not its recommended exporters.
  const lean = packages.filter((name) => name === "prometheus");
  const full = packages.filter((name) => name !== "prometheus");
  if (full.length > 0) await apt("install", "-y", "-qq", ...full);
  if (lean.length > 0) await apt("install", "-y", "-qq", "--no-install-recommends", ...lean);
  missing = names.filter((name) => !SYSTEM_TOOLS[name].find());
}

for (const name of names) {
  const tool = SYSTEM_TOOLS[name];
  const found = tool.find();
  console.log(
    found
      ? `preflight: ${name.padEnd(12)} found (${found})`
      : `preflight: ${name.padEnd(12)} MISSING: ${
        maySkip() ? "its tests are skipped; " : ""
      }install with: sudo apt-get install -y ${tool.package}`,
  );
}
if (missing.length > 0 && !maySkip()) {
  console.error(`preflight: CI=true never skips: ${missing.join(", ")} missing`);
  Deno.exit(1);
}
