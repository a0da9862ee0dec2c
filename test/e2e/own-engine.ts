import { execFile, spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import Docker from "dockerode";
import { DEMO_IMAGE } from "../../helper/demo";
import { ensureImage } from "../../helper/docker/image";
import { MOUNT_IMAGE } from "../../helper/mount/types";
import { createRuntime } from "../../helper/runtime";
import { createWorld, repoRoot, type World } from "./harness";

const execFileAsync = promisify(execFile);

/**
 * A Docker engine of the test's own, so a test may stop and start it (by its PID) without touching
 * the machine's engine: its own socket, data and exec roots, a default bridge of its own and no
 * iptables rules (those are global to the machine and belong to the main engine). Published ports still work through
 * docker-proxy, and the embedded DNS inside each network needs no host rules.
 */
export interface OwnEngine {
  /** DOCKER_HOST for it. */
  host: string;
  docker: Docker;
  pid(): number | undefined;
  /** Starts dockerd again on the same data (a no-op while it runs). */
  start(): Promise<void>;
  /** SIGTERM to dockerd's PID, as a user quitting their engine; resolves when the process is gone. */
  stop(): Promise<void>;
  /**
   * Lets the containers of one of its networks talk to each other. The machine's engine set the
   * FORWARD policy to DROP and bridged traffic passes it (br_netfilter); without iptables this engine
   * adds no ACCEPT of its own. One rule for exactly this bridge, removed by close().
   */
  allowWithin(network: string): Promise<void>;
  /** Copies images from the machine's engine (no registry is reachable here). */
  loadImages(tags: string[]): Promise<void>;
  close(): Promise<void>;
}

export async function createOwnEngine(): Promise<OwnEngine> {
  // Short: containerd's socket lives under the exec root and unix socket paths are limited to 108 bytes.
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "sme-"));
  const socket = path.join(dir, "docker.sock");
  const docker = new Docker({ socketPath: socket });
  let child: ChildProcess | undefined;
  const rules: string[][] = [];
  const iptables = (args: string[]) => execFileAsync("iptables", args);
  // Its own default bridge: dockerd started with --bridge=none deletes the machine's docker0 (its
  // cleanup of a "stale" default bridge), which breaks every later `docker build` RUN step and
  // `docker run` on the main engine. 10.213.x is outside the ranges Docker hands out by itself.
  const suffix = path
    .basename(dir)
    .slice(-6)
    .replace(/[^A-Za-z0-9]/g, "x");
  const bridge = `smebr${suffix}`;
  const octet = 1 + (Number.parseInt(suffix.replace(/[^0-9]/g, "").slice(-3) || "0", 10) % 250);
  await execFileAsync("ip", ["link", "add", bridge, "type", "bridge"]);
  await execFileAsync("ip", ["addr", "add", `10.213.${octet}.1/24`, "dev", bridge]);
  await execFileAsync("ip", ["link", "set", bridge, "up"]);

  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const answers = () =>
    docker.ping().then(
      () => true,
      () => false,
    );

  const engine: OwnEngine = {
    host: `unix://${socket}`,
    docker,
    pid: () => child?.pid,
    async start() {
      if (running()) return;
      const log = openSync(path.join(dir, "dockerd.log"), "a");
      child = spawn(
        "dockerd",
        [
          `--host=unix://${socket}`,
          `--data-root=${path.join(dir, "data")}`,
          `--exec-root=${path.join(dir, "exec")}`,
          `--pidfile=${path.join(dir, "dockerd.pid")}`,
          `--bridge=${bridge}`,
          "--iptables=false",
        ],
        { stdio: ["ignore", log, log] },
      );
      closeSync(log);
      const deadline = Date.now() + 60_000;
      while (!(await answers())) {
        if (!running() || Date.now() > deadline) {
          const tail = (await fs.readFile(path.join(dir, "dockerd.log"), "utf8")).split("\n").slice(-15).join("\n");
          throw new Error(`the test's own dockerd did not come up:\n${tail}`);
        }
        await sleep(200);
      }
    },
    async stop() {
      const dockerd = child;
      if (!dockerd || !running()) return;
      const exited = new Promise((resolve) => dockerd.once("exit", resolve));
      process.kill(dockerd.pid as number, "SIGTERM");
      // Unref'd: the usual outcome is a quick exit, and a pending timer would keep jest alive for a minute.
      const outcome = await Promise.race([exited, sleep(60_000, "timeout", { ref: false })]);
      if (outcome === "timeout") {
        process.kill(dockerd.pid as number, "SIGKILL");
        await exited;
      }
    },
    async allowWithin(network) {
      const info = await docker.getNetwork(network).inspect();
      const bridge = info.Options?.["com.docker.network.bridge.name"] ?? `br-${String(info.Id).slice(0, 12)}`;
      const rule = ["FORWARD", "-i", bridge, "-o", bridge, "-j", "ACCEPT"];
      await iptables(["-I", ...rule]);
      rules.push(rule);
    },
    async loadImages(tags) {
      const save = spawn("docker", ["save", ...tags], { stdio: ["ignore", "pipe", "inherit"] });
      const load = spawn("docker", ["--host", engine.host, "load", "--quiet"], {
        stdio: ["pipe", "ignore", "inherit"],
      });
      save.stdout.pipe(load.stdin);
      const codes = await Promise.all([save, load].map((p) => new Promise((resolve) => p.once("exit", resolve))));
      if (codes.some((code) => code !== 0)) throw new Error(`docker save | docker load exited ${codes.join(", ")}`);
    },
    async close() {
      if (running()) {
        // Networks leave bridge interfaces on the machine unless the engine removes them itself.
        const containers = await docker.listContainers({ all: true });
        await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
        const networks = await docker.listNetworks();
        await Promise.all(
          networks
            .filter((n) => !["bridge", "host", "none"].includes(n.Name))
            .map((n) => docker.getNetwork(n.Id).remove()),
        );
        await engine.stop();
      }
      for (const rule of rules.splice(0)) await iptables(["-D", ...rule]).catch(() => undefined);
      await execFileAsync("ip", ["link", "delete", bridge]).catch(() => undefined);
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
  await engine.start();
  return engine;
}

/** An engine of the test's own with the suite's images, and a world on it whose containers reach each other. */
export async function createOwnEngineWorld(label: string): Promise<{ engine: OwnEngine; world: World }> {
  // The images come from the machine's engine (built there by the first world of the run if needed).
  const main = await createRuntime({ env: { PATH: process.env.PATH }, home: repoRoot });
  const tags = await Promise.all(
    [
      ["container", MOUNT_IMAGE],
      ["demo/sshd", DEMO_IMAGE],
    ].map(
      async ([dir, repository]) => (await ensureImage(main.docker, { dir: path.join(repoRoot, dir), repository })).tag,
    ),
  );
  const engine = await createOwnEngine();
  await engine.loadImages(tags);
  const world = await createWorld(label, { dockerHost: engine.host });
  await engine.allowWithin(world.runtime.network);
  return { engine, world };
}

export async function closeOwnEngineWorld(engine: OwnEngine | undefined, world: World | undefined): Promise<void> {
  try {
    // A test that failed while the engine was stopped must not keep the world from being removed.
    await engine?.start();
    await world?.close();
  } finally {
    await engine?.close();
  }
}
