/**
 * The production image, built and run for real without a Docker engine: Debian's buildah
 * (vfs storage, chroot isolation, no pulls) against base images assembled locally by
 * `container/base-images.sh`. Needs root, buildah and debootstrap (`.ci/run` installs them).
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { alive, descendants, exited, startServer } from "./helpers/process.ts";
import { makeTree, manifest, pingRouter } from "./helpers/tree.ts";
import { needs } from "./helpers/system_tools.ts";
import { freePort } from "./helpers/ports.ts";

const IMAGE = "localhost/honeyframe-edge:test";
const TOKEN = "container-test-admin-token";
const buildah = (...args: string[]) => ["--storage-driver", "vfs", ...args];

async function run(command: string, args: string[], cwd = Deno.cwd()): Promise<string> {
  const output = await new Deno.Command(command, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(output.stdout);
  assert.equal(
    output.code,
    0,
    `${command} ${args.join(" ")}:\n${text}\n${new TextDecoder().decode(output.stderr)}`,
  );
  return text.trim();
}

/** Builds an image from a Dockerfile and context with buildah, never pulling. */
async function buildImage(
  tag: string,
  context: string,
  dockerfile = join(context, "Dockerfile"),
): Promise<void> {
  await run(
    "buildah",
    buildah(
      "bud",
      "--isolation",
      "chroot",
      "--pull=never",
      "--format",
      "docker",
      "-t",
      tag,
      "-f",
      dockerfile,
      context,
    ),
  );
}

/** Starts a container of `image` running its entry point; disposing stops and removes it. */
async function startContainer(image: string, env: Record<string, string>, volumes: string[] = []) {
  const container = await run("buildah", buildah("from", "--pull=never", image));
  const port = freePort();
  const envArgs = Object.entries({ ...env, PORT: String(port) }).flatMap((
    [key, value],
  ) => ["--env", `${key}=${value}`]);
  let server;
  try {
    server = await startServer(
      new Deno.Command("buildah", {
        args: buildah(
          "run",
          "--isolation",
          "chroot",
          ...envArgs,
          ...volumes.flatMap((v) => ["--volume", v]),
          container,
          "--",
          "/app/container/entrypoint.sh",
        ),
        stdout: "piped",
        stderr: "piped",
      }),
      120_000,
    );
  } catch (error) {
    await run("buildah", buildah("rm", container));
    throw error;
  }
  let removed = false;
  return {
    container,
    pid: server.pid,
    url: `http://127.0.0.1:${port}`,
    output: server.output,
    /** Collects the rest of the output and removes the container; only the first call acts. */
    async [Symbol.asyncDispose]() {
      if (removed) return;
      removed = true;
      // As `docker stop` does: SIGTERM to the entry point (the front's supervisor), which stops nginx
      // and the server; buildah's chroot isolation has no process namespace to end them otherwise.
      const supervisor = descendants(server.pid).find((pid) => {
        try {
          return Deno.readTextFileSync(`/proc/${pid}/cmdline`).includes("src/cli/tasks/front.ts");
        } catch {
          return false;
        }
      });
      if (supervisor !== undefined) {
        const inside = descendants(supervisor);
        Deno.kill(supervisor, "SIGTERM");
        await exited(supervisor, 15_000);
        for (const pid of inside.filter(alive)) {
          try {
            Deno.kill(pid, "SIGKILL");
          } catch {
            // it ended meanwhile
          }
        }
      }
      await server[Symbol.asyncDispose]();
      await run("buildah", buildah("rm", container));
    },
  };
}

Deno.test("the Dockerfile passes dockerfilelint", async () => {
  const report = await run("node", [
    resolve("node_modules/dockerfilelint/bin/dockerfilelint"),
    "Dockerfile",
  ]);
  assert.match(report, /Issues: None found/);
});

Deno.test(
  "the image builds with buildah and serves behind nginx as a non-root user with file access denied",
  needs("buildah", "debootstrap"),
  async (t) => {
    await using _cleanup = {
      [Symbol.asyncDispose]: () => run("buildah", buildah("rmi", "--prune")).then(() => {}),
    };
    await run("bash", ["container/base-images.sh"]);
    await buildImage(IMAGE, Deno.cwd());
    const config = JSON.parse(await run("buildah", buildah("inspect", "--type", "image", IMAGE)));
    assert.equal(config.OCIv1.config.User, "10001:10001");
    assert.deepEqual(Object.keys(config.OCIv1.config.ExposedPorts), ["8000/tcp"]);
    assert.equal(config.OCIv1.config.Labels["org.opencontainers.image.title"], "Honeyframe Edge");
    assert.match(config.Docker.config.Healthcheck.Test.join(" "), /\/livez/);

    await t.step("serves /api/_demo/ping and the admin API", async () => {
      await using server = await startContainer(IMAGE, { HONEYFRAME_ADMIN_TOKEN: TOKEN });
      assert.equal(
        await run(
          "buildah",
          buildah("run", "--isolation", "chroot", server.container, "--", "id", "-u"),
        ),
        "10001",
      );
      const sources = (await run(
        "buildah",
        buildah("run", "--isolation", "chroot", server.container, "--", "ls", "/app/src"),
      )).split("\n");
      assert.ok(sources.includes("build") && sources.includes("runtime"), sources.join(" "));
      assert.ok(!sources.includes("dev"), "the dev loop (src/dev) is left out of the image");
      const ping = await fetch(`${server.url}/api/_demo/ping`);
      assert.deepEqual(await ping.json(), { ok: true, plugin: "_demo" });
      assert.equal((await (await fetch(`${server.url}/api/plugins`)).json()).error, "unauthorized");
      const admin = await fetch(`${server.url}/api/plugins`, {
        headers: { Authorization: `Bearer ${TOKEN}` },
      });
      assert.equal(admin.status, 200);
      await admin.body?.cancel();
      const healthcheck = config.Docker.config.Healthcheck.Test.slice(1) as string[];
      await run(
        "buildah",
        buildah(
          "run",
          "--isolation",
          "chroot",
          "--env",
          `PORT=${new URL(server.url).port}`,
          server.container,
          "--",
          ...healthcheck,
        ),
      );
    });

    await t.step(
      "SIGTERM to the entry point drains nginx, then the server: a slow request finishes, no process is left",
      async () => {
        using data = makeTree({
          "plugins/slow/plugin.yaml": manifest("slow", "routers:", "  - r.ts:router"),
          "plugins/slow/r.ts": `import { Hono } from "hono";
export const router = new Hono().get("/wait", async (c) => {
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return c.text("done");
});
`,
        });
        await Deno.chmod(data.root, 0o755);
        await using server = await startContainer(IMAGE, { HONEYFRAME_BUILD_ON_START: "1" }, [
          `${data.root}:/data`,
        ]);
        const chain = descendants(server.pid);
        const running = (part: string) =>
          chain.find((pid) => Deno.readTextFileSync(`/proc/${pid}/cmdline`).includes(part));
        assert.ok(running("dist/server.js"), "the server runs");
        assert.ok(running("nginx"), "nginx runs in front of it");
        const supervisor = running("src/cli/tasks/front.ts");
        assert.ok(supervisor, "the entry point execs the front's supervisor");
        const slow = fetch(`${server.url}/api/slow/wait`);
        await new Promise((resolve) => setTimeout(resolve, 300));
        Deno.kill(supervisor, "SIGTERM");
        const answer = await slow;
        assert.equal(answer.headers.get("server"), "nginx");
        assert.equal(await answer.text(), "done");
        assert.ok(await exited(server.pid, 15_000), "buildah run ends with the server");
        assert.deepEqual(chain.filter(alive), [], "no process of the container survives");
        await server[Symbol.asyncDispose]();
        const records = server.output().split("\n").filter((line) => line.startsWith("{"))
          .map((line) => JSON.parse(line));
        assert.ok(records.every((record) => record.time && record.level && record.msg));
        assert.equal(records.at(-1)?.msg, "Honeyframe Edge stopped");
      },
    );

    await t.step(
      "a customer image FROM ours with plugins copied into /data/plugins serves them",
      async () => {
        using context = makeTree({
          "Dockerfile": [
            `FROM ${IMAGE}`,
            "COPY plugins/ /data/plugins/",
            "RUN /app/node_modules/deno/deno task bundle",
            "",
          ].join("\n"),
          "plugins/crm/plugin.yaml": manifest(
            "crm",
            "routers:",
            "  - backend/routers/main.ts:router",
          ),
          "plugins/crm/backend/routers/main.ts": pingRouter("crm"),
        });
        const customerImage = "localhost/honeyframe-edge-customer:test";
        await buildImage(customerImage, context.root);
        try {
          await using server = await startContainer(customerImage, {});
          assert.deepEqual(await (await fetch(`${server.url}/api/crm/ping`)).json(), {
            pong: "crm",
          });
          assert.equal((await fetch(`${server.url}/api/_demo/ping`)).status, 200);
        } finally {
          await run("buildah", buildah("rmi", customerImage));
        }
      },
    );

    await t.step("build-on-start mode serves the plugins of a mounted /data volume", async () => {
      using data = makeTree({
        "plugins/finance/plugin.yaml": manifest("finance", "routers:", "  - r.ts:router"),
        "plugins/finance/r.ts": pingRouter("finance"),
      });
      await Deno.chmod(data.root, 0o755);
      await using server = await startContainer(IMAGE, { HONEYFRAME_BUILD_ON_START: "1" }, [
        `${data.root}:/data`,
      ]);
      assert.deepEqual(
        await (await fetch(`${server.url}/api/finance/ping`)).json(),
        { pong: "finance" },
        server.output(),
      );
      assert.match(server.output(), /wrote \.gen\/registry\.ts: 2 plugins, 2 mounted/);
      assert.match(
        server.output(),
        /Plugins: 1 isolated in the plugin process, a worker each \(finance\)/,
      );
    });
  },
);
