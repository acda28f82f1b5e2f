/**
 * Starting a program on Node and Bun: the dbt `command` runner (the child inherits `process.env`,
 * from which the host removed its own variables before plugin code ran), and the plugin process's
 * supervisor and the port the plugin process connects to.
 *
 * @module
 */
import { spawn } from "node:child_process";
import process from "node:process";
import { type AddressInfo, createServer } from "node:net";
import { Readable, Writable } from "node:stream";
import type { Spawn } from "../../runtime/mod.ts";
import { OutputTail, PIPE_GRACE_MS } from "../_output_tail.ts";
import type { Launch, ListenLoopback } from "../_plugin_process.ts";

/** Listens on a free port of 127.0.0.1 (the plugin process's connection). */
export const nodeListenLoopback: ListenLoopback = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        accept(onConnection) {
          server.on("connection", (socket) => {
            socket.setNoDelay(true);
            onConnection({
              readable: Readable.toWeb(socket) as ReadableStream<Uint8Array>,
              writable: Writable.toWeb(socket) as WritableStream<Uint8Array>,
              close: () => void socket.destroy(),
            });
          });
        },
        close: () => void server.close(),
      });
    });
  });

/** Starts a program with piped input and output and only the environment given. */
export const nodeLaunch: Launch = (program, args, env) => {
  const child = spawn(program, [...args], { stdio: ["pipe", "pipe", "inherit"], env });
  const ended = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
  return {
    stdin: Writable.toWeb(child.stdin) as WritableStream<Uint8Array>,
    stdout: Readable.toWeb(child.stdout) as ReadableStream<Uint8Array>,
    ended,
    kill: () => void child.kill("SIGKILL"),
  };
};

/**
 * Starts `command`, collects its standard output and error as they come, and resolves with its
 * exit code once it ended (a signal counts as 1); `signal` kills it.
 */
export const nodeSpawn: Spawn = (command, args, signal, env = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      stdio: ["ignore", "pipe", "pipe"],
      signal,
      // The host's own variables left process.env when privileges were dropped.
      env: { ...process.env, ...env },
    });
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
