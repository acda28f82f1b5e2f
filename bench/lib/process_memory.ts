/**
 * The memory of a process and of every process it started (Linux `/proc`).
 *
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";

/**
 * A process and its descendants, parents first.
 *
 * @param pid The process.
 * @returns Their ids.
 */
export function processTree(pid: number): number[] {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim().split(/\s+/)
      .filter(Boolean).map(Number)
  );
  return [
    pid,
    ...children.flatMap((child) => {
      try {
        return processTree(child);
      } catch {
        return []; // it ended meanwhile
      }
    }),
  ];
}

/**
 * The resident memory of a process and its descendants together, in MiB.
 *
 * @param pid The process.
 * @returns The sum of their `VmRSS`.
 */
export function treeRssMiB(pid: number): number {
  let kiB = 0;
  for (const id of processTree(pid)) {
    try {
      const line = readFileSync(`/proc/${id}/status`, "utf8").split("\n")
        .find((entry) => entry.startsWith("VmRSS:"));
      kiB += Number(line?.match(/(\d+)/)?.[1] ?? 0);
    } catch {
      // it ended meanwhile
    }
  }
  return kiB / 1024;
}
