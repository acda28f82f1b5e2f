/**
 * Starting a program on Node (the dbt `command` runner). The child inherits `process.env`, from
 * which the host removed its own variables before plugin code ran.
 *
 * @module
 */
import { spawn } from "node:child_process";
import type { Spawn } from "../../runtime/mod.ts";
import { OutputTail, PIPE_GRACE_MS } from "../_output_tail.ts";

/**
 * Starts `command`, collects its standard output and error as they come, and resolves with its
 * exit code once it ended (a signal counts as 1); `signal` kills it.
 */
export const nodeSpawn: Spawn = (command, args, signal) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { stdio: ["ignore", "pipe", "pipe"], signal });
    const output = new OutputTail();
    child.stdout.setEncoding("utf8").on("data", (text: string) => output.push(text));
    child.stderr.setEncoding("utf8").on("data", (text: string) => output.push(text));
    child.on("error", (error: Error) => {
      if (error.name !== "AbortError") reject(error);
    });
    child.on("exit", (code) => {
      // A program it started may still hold the pipes open: its output is not waited for long.
      const grace = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, PIPE_GRACE_MS);
      child.on("close", () => {
        clearTimeout(grace);
        resolve({ code: code ?? 1, output: output.text });
      });
    });
  });
