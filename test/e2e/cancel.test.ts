import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { build } from "esbuild";
import { ensureImage } from "../../helper/docker/image";
import * as sshmount from "../../helper/index";
import { containerLogs, readContainerFile } from "../../helper/docker/containers";
import { MOUNT_IMAGE } from "../../helper/mount/types";
import { containerName } from "../../helper/mount/naming";
import { createWorld, repoRoot, smb, type World } from "./harness";

/**
 * Leaving mid-mount (Raycast unloading the command, Ctrl-C in the CLI) aborts the
 * mount's signal, and nothing it made may outlive the rejection, whatever stage it was at. Every check
 * asks the engine directly, with no list or mount in between that would sweep leftovers (abandoned()).
 */
let world: World;
beforeAll(async () => {
  world = await createWorld("cancel");
}, 900_000);
afterAll(() => world?.close(), 120_000);

const nameOf = (name: string) => `${world.prefix}-${name}`;
const mountServer = (name: string, extra: sshmount.MountOptions = {}, alias = "server") =>
  sshmount.mount(alias, "", { ...world.options, sshConfig: world.server.sshConfig, name: nameOf(name), ...extra });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const report = (what: string, values: number[]) =>
  process.stderr.write(`cancel: ${what}: median ${median(values)} ms of [${values.join(", ")}]\n`);

/** Mounts NAME and aborts when `when` says so; resolves with the ms from the abort to the rejection. */
async function abortedMount(
  name: string,
  when: (abort: () => void, step: sshmount.MountProgress) => void,
  alias?: string,
): Promise<number> {
  const controller = new AbortController();
  let abortedAt = 0;
  const abort = () => {
    abortedAt = performance.now();
    controller.abort();
  };
  const error = await mountServer(name, { signal: controller.signal, onProgress: (step) => when(abort, step) }, alias)
    .then(() => undefined)
    .catch((e: unknown) => e);
  const elapsed = Math.round(performance.now() - abortedAt);
  expect(error).toMatchObject({ kind: "cancelled" });
  expect(sshmount.describeError(error).hint).toContain("Nothing was left behind");
  expect(await world.leftovers()).toEqual([]);
  return elapsed;
}

describe("leaving mid-mount", () => {
  it("right after the call starts: rejects as cancelled and nothing was created", async () => {
    const controller = new AbortController();
    const attempt = mountServer("at-once", { signal: controller.signal });
    controller.abort();
    await expect(attempt).rejects.toMatchObject({ kind: "cancelled" });
    expect(await world.leftovers()).toEqual([]);
  }, 60_000);

  it('once the progress says "Connecting to": the created container is gone when the promise rejects', async () => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      times.push(await abortedMount(`connecting-${i}`, (abort, step) => step.step === "connecting" && abort()));
    }
    report('abort at "Connecting to" → rejected, container gone', times);
    // Sent from the abort listener: before, the next stage's check found the abort (median 600 ms here).
    expect(median(times)).toBeLessThan(300);
  }, 120_000);

  it("while a slow server delays the login: the running container is killed and removed at once", async () => {
    const server = world.runtime.docker.getContainer(world.server.serverName);
    await server.pause();
    const times: number[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        const elapsed = await abortedMount(`slow-${i}`, (abort, step) => {
          if (step.step === "connecting") setTimeout(abort, 1500);
        });
        times.push(elapsed);
      }
    } finally {
      await server.unpause();
    }
    report("abort while the server hangs → rejected, running container gone", times);
    // The 150 ms poll no longer decides: the removal leaves with the abort.
    expect(median(times)).toBeLessThan(3000);
  }, 120_000);

  it("during a host-key scan of an unknown host: the scan container is gone too", async () => {
    const empty = path.join(world.dir, "known_hosts_empty");
    await fs.writeFile(empty, "");
    const config = await fs.readFile(world.server.sshConfig, "utf8");
    const block = config.split(/^(?=Host )/m).find((each) => each.startsWith("Host server\n")) as string;
    await world.addHost(
      block
        .replace("Host server\n", "Host server-unknown\n")
        .replace(/UserKnownHostsFile .*/, `UserKnownHostsFile "${empty}"`)
        .trimEnd()
        .split("\n"),
    );
    const server = world.runtime.docker.getContainer(world.server.serverName);
    const controller = new AbortController();
    // The scan container's creation comes first (the mount container's own ssh has seen the unknown
    // key by then): pausing the server at that moment holds the scan, which is aborted once it runs.
    const events = (await world.runtime.docker.getEvents({
      filters: { type: ["container"], event: ["create", "start"], label: ["sshmount.role=host-key-scan"] },
    })) as NodeJS.ReadableStream & { destroy(): void };
    let scanStarted = false;
    events.on("data", (chunk: Buffer) => {
      const action = (JSON.parse(chunk.toString()) as { Action?: string }).Action;
      if (action === "create") void server.pause();
      if (action === "start") {
        scanStarted = true;
        setTimeout(() => controller.abort(), 300);
      }
    });
    try {
      const error = await mountServer("scan", { signal: controller.signal }, "server-unknown").catch((e) => e);
      expect(scanStarted).toBe(true);
      expect(error).toMatchObject({ kind: "cancelled" });
      expect(await world.leftovers()).toEqual([]);
    } finally {
      events.destroy();
      await server.unpause().catch(() => undefined);
    }
  }, 120_000);

  it("while the image builds: the build stops and leaves no container or image", async () => {
    const { docker } = world.runtime;
    const base = await ensureImage(docker, { dir: path.join(repoRoot, "container"), repository: MOUNT_IMAGE });
    const context = await fs.mkdtemp(path.join(world.dir, "build-"));
    const marker = `sleep 47.${world.id.length}`;
    await fs.writeFile(path.join(context, "Dockerfile"), `FROM ${base.tag}\nRUN ${marker}\n`);
    const controller = new AbortController();
    let abortedAt = 0;
    const steps: string[] = [];
    const building = ensureImage(docker, {
      dir: context,
      repository: `sshmount-e2e-${world.id}`,
      signal: controller.signal,
      // The engine's own "Step 2/3 : RUN sleep …", read as numbers: the RUN is under way (the engine
      // counts the labels of the build as a third step, LABEL, after it).
      onProgress: ({ build }) => {
        if (build && steps.at(-1) !== `${build.current}/${build.total}`) steps.push(`${build.current}/${build.total}`);
        if (build?.current !== 2 || abortedAt) return;
        abortedAt = performance.now();
        setTimeout(() => controller.abort(), 500);
      },
    });
    await expect(building).rejects.toMatchObject({ name: "AbortError" });
    expect(steps).toEqual(["1/3", "2/3"]);
    expect(performance.now() - abortedAt).toBeLessThan(5000);
    const buildContainers = async () =>
      (await docker.listContainers({ all: true })).filter((info) => info.Command.includes(marker));
    const started = performance.now();
    while ((await buildContainers()).length > 0 && performance.now() - started < 20_000) await sleep(100);
    expect(await buildContainers()).toEqual([]);
    expect(await docker.listImages({ filters: { reference: [`sshmount-e2e-${world.id}`] } })).toEqual([]);
  }, 120_000);

  it("just after the mount completed: the mount stays listed", async () => {
    const controller = new AbortController();
    const mount = await mountServer("completed", {
      signal: controller.signal,
      onProgress: (step) => step.step === "ready" && controller.abort(),
    });
    expect(controller.signal.aborted).toBe(true);
    expect(mount.status).toBe("ready");
    expect((await world.mountContainers()).map((info) => info.Labels["sshmount.name"])).toEqual([nameOf("completed")]);
    await sshmount.unmount(mount.name, world.options);
  }, 120_000);

  it("of a stopped mount this call started again: it is stopped again, never removed", async () => {
    const mount = await mountServer("own");
    await world.runtime.docker.getContainer(mount.container).stop();
    const controller = new AbortController();
    await expect(
      mountServer("own", {
        signal: controller.signal,
        onProgress: (step) => step.step === "connecting" && setTimeout(() => controller.abort(), 200),
      }),
    ).rejects.toMatchObject({ kind: "cancelled" });
    const info = await world.runtime.docker.getContainer(mount.container).inspect();
    expect(info.State.Running).toBe(false);
    expect((await sshmount.list(world.options)).find((each) => each.name === mount.name)).toMatchObject({
      status: "stopped",
    });
    await sshmount.unmount(mount.name, world.options);
  }, 120_000);
});

describe("Ctrl-C in the CLI", () => {
  it("while the server hangs: the CLI says nothing was left behind, and nothing was", async () => {
    const server = world.runtime.docker.getContainer(world.server.serverName);
    await server.pause();
    try {
      const cli = spawn(
        process.execPath,
        [
          path.join(repoRoot, "bin", "sshmount.mjs"),
          ...["mount", "server", "--ssh-config", world.server.sshConfig, "--name", nameOf("ctrl-c")],
        ],
        { env: world.options.env, stdio: ["ignore", "pipe", "pipe"] },
      );
      let stderr = "";
      let interrupting = false;
      cli.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if (interrupting || !/Connecting to server/.test(stderr)) return;
        interrupting = true;
        // Once, a second later: a second Ctrl-C makes the CLI exit without waiting for the cleanup.
        setTimeout(() => cli.kill("SIGINT"), 1000);
      });
      const code = await new Promise((resolve) => cli.on("exit", resolve));
      expect(stderr).toContain("Nothing was left behind");
      expect(code).not.toBe(0);
      expect(await world.leftovers()).toEqual([]);
    } finally {
      await server.unpause();
    }
  }, 120_000);
});

/**
 * Raycast's worst case: the process running the mount dies right after the abort fired. A child Node
 * process mounts through the helper, aborts once its container is running and connecting to a hung
 * server, and SIGKILLs itself KILL ms later; the one forced DELETE must be enough. With `abort: false`
 * it dies with no abort at all, `connectingMs` after "Connecting to" (a Raycast worker terminated
 * before any effect cleanup ran, raycast/extensions#2022).
 */
let child: string;
beforeAll(async () => {
  // Beside node_modules, so the bundle's external packages (dockerode, execa) resolve as the CLI's do.
  child = path.join(repoRoot, "node_modules", ".cache", `sshmount-abort-child-${world.id}.mjs`);
  await build({
    stdin: {
      resolveDir: repoRoot,
      loader: "ts",
      contents: `
          import { mount } from "./helper/index";
          const { options, sshConfig, name, killAfterMs, abort = true, connectingMs = 1000 } = JSON.parse(process.argv[2]);
          const controller = new AbortController();
          const abortAndDie = () => {
            if (abort) controller.abort();
            if (killAfterMs === 0) process.kill(process.pid, "SIGKILL");
            setTimeout(() => process.kill(process.pid, "SIGKILL"), killAfterMs);
          };
          await mount("server", "", {
            ...options, sshConfig, name, signal: controller.signal,
            onProgress: (step) => step.step === "connecting" && setTimeout(abortAndDie, connectingMs),
          });`,
    },
    outfile: child,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  });
}, 60_000);
afterAll(() => fs.rm(child, { force: true }));

describe("a process killed right after the abort", () => {
  /** Runs the child; resolves with the ms from its death until its container was gone, or undefined. */
  async function killedMount(name: string, killAfterMs: number): Promise<number | undefined> {
    const args = { options: world.options, sshConfig: world.server.sshConfig, name: nameOf(name), killAfterMs };
    const process_ = spawn(process.execPath, [child, JSON.stringify(args)], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    process_.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const signal = await new Promise((resolve) => process_.on("exit", (_code, signal) => resolve(signal)));
    expect({ signal, stderr }).toEqual({ signal: "SIGKILL", stderr: "" });
    const died = performance.now();
    while (performance.now() - died < 10_000) {
      if ((await world.leftovers()).length === 0) return Math.round(performance.now() - died);
      await sleep(20);
    }
    await world.unmountAll();
    return undefined;
  }

  it("still leaves nothing, even killed in the abort's own tick", async () => {
    const server = world.runtime.docker.getContainer(world.server.serverName);
    await server.pause();
    const outcomes: Record<number, (number | undefined)[]> = {};
    try {
      for (const killAfterMs of [0, 1, 5, 20]) {
        outcomes[killAfterMs] = [];
        for (let i = 0; i < 3; i++)
          outcomes[killAfterMs].push(await killedMount(`killed-${killAfterMs}-${i}`, killAfterMs));
      }
    } finally {
      await server.unpause();
    }
    for (const [killAfterMs, gone] of Object.entries(outcomes)) {
      process.stderr.write(
        `cancel: SIGKILL ${killAfterMs} ms after the abort: container gone after [${gone.map((ms) => (ms === undefined ? "never (left)" : `${ms} ms`)).join(", ")}]\n`,
      );
    }
    expect(Object.values(outcomes).flat()).not.toContain(undefined);
  }, 240_000);
});

/**
 * The part no abort reaches: the process dies mid-mount without aborting. The
 * container's stdin is the helper's attach connection, so the engine closes it with the process and
 * the entrypoint stops before it serves; the next list removes what is left (abandoned()).
 */
describe("a process killed mid-mount with no abort", () => {
  /** Resolves with the ms from the child's death until its container no longer ran. */
  async function orphanedMount(name: string, connectingMs: number): Promise<number> {
    const args = {
      options: world.options,
      sshConfig: world.server.sshConfig,
      name,
      killAfterMs: 0,
      abort: false,
      connectingMs,
    };
    const process_ = spawn(process.execPath, [child, JSON.stringify(args)], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    process_.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const signal = await new Promise((resolve) => process_.on("exit", (_code, signal) => resolve(signal)));
    const died = performance.now();
    expect({ signal, stderr }).toEqual({ signal: "SIGKILL", stderr: "" });
    const container = world.runtime.docker.getContainer(containerName(name));
    let info = await container.inspect();
    while (info.State.Running && performance.now() - died < 30_000) {
      await sleep(20);
      info = await container.inspect();
    }
    const stoppedMs = Math.round(performance.now() - died);
    expect(info.State).toMatchObject({ Running: false, ExitCode: 0 });
    const log = await containerLogs(container);
    expect(log).not.toMatch(/^sshmount: ready$/m);
    expect(log).toMatch(/^sshmount: stopped: the process that created this mount went away before it was ready$/m);
    const password = (await readContainerFile(container, "/etc/sshmount/smb_password")).toString();
    const port = Number(info.HostConfig.PortBindings?.["445/tcp"]?.[0]?.HostPort);
    const target = { host: "127.0.0.1", port, share: name, user: "sshmount", password };
    await expect(smb(target, ["ls"])).rejects.toThrow(/NT_STATUS_CONNECTION_REFUSED/);
    expect((await sshmount.list(world.options)).map((each) => each.name)).not.toContain(name);
    expect(await world.leftovers()).toEqual([]);
    return stoppedMs;
  }

  it("while the server hangs the login: the container stops by itself, never served, and list sweeps it", async () => {
    const server = world.runtime.docker.getContainer(world.server.serverName);
    await server.pause();
    const times: number[] = [];
    try {
      for (let i = 0; i < 5; i++) times.push(await orphanedMount(nameOf(`orphan-hung-${i}`), 1000));
    } finally {
      await server.unpause();
    }
    report("SIGKILL with no abort while the server hangs → container stopped", times);
    expect(median(times)).toBeLessThan(5000);
  }, 180_000);

  it('just after "Connecting to", with a server that would answer: it never serves either', async () => {
    const times: number[] = [];
    for (let i = 0; i < 8; i++) times.push(await orphanedMount(nameOf(`orphan-early-${i}`), 50));
    report('SIGKILL with no abort 50 ms after "Connecting to" → container stopped', times);
    expect(median(times)).toBeLessThan(5000);
  }, 240_000);
});
