import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import * as sshmount from "../../helper/index";
import type { MountInfo, MountStatus } from "../../helper/index";
import { createWorld, sha256, smb, smbTargetOf, within, type World } from "./harness";

const execFileAsync = promisify(execFile);

/** Faults: a server that restarts, hangs or drops off the network; a mount container that restarts. */
let world: World;
beforeAll(async () => {
  world = await createWorld("faults");
}, 900_000);
afterAll(() => world?.close(), 120_000);

const mountServer = (name: string, alias = "server", sshConfig = world.server.sshConfig) =>
  sshmount.mount(alias, "", { ...world.options, sshConfig, name: `${world.prefix}-${name}` });

const statusOf = async (mount: MountInfo): Promise<MountStatus | undefined> =>
  (await sshmount.list(world.options)).find((each) => each.name === mount.name)?.status;

/** The mount reads Welcome.txt with the server's bytes: it serves, not just lists a cached folder. */
async function serves(mount: MountInfo): Promise<boolean> {
  const local = await fs.mkdtemp(path.join(world.dir, "read-"));
  try {
    await smb(smbTargetOf(mount), ["get Welcome.txt"], local);
    const expected = (await world.onServer(["sha256sum", "Welcome.txt"])).split(" ")[0];
    return (await sha256(path.join(local, "Welcome.txt"))) === expected;
  } finally {
    await fs.rm(local, { recursive: true, force: true });
  }
}

const containerStarts = async (mount: MountInfo) =>
  ((await sshmount.logs(mount.name, world.options)).match(/^sshmount: connecting$/gm) ?? []).length;

describe("the server restarts", () => {
  it("the same mount serves again within 20 s without a remount, and reads as reconnecting meanwhile", async () => {
    const mount = await mountServer("restart");
    const server = world.runtime.docker.getContainer(world.server.serverName);
    await server.stop({ t: 1 });
    expect(await within(20_000, async () => (await statusOf(mount)) === "reconnecting")).toBe(true);
    await server.start();
    const started = Date.now();
    expect(await within(20_000, () => serves(mount))).toBe(true);
    process.stderr.write(`faults: server restart → serving again after ${Date.now() - started} ms\n`);
    expect(await within(5_000, async () => (await statusOf(mount)) === "ready")).toBe(true);
    expect(await containerStarts(mount)).toBe(1);
    await sshmount.unmount(mount.name, world.options);
  }, 120_000);
});

describe("one server hangs", () => {
  it("another mount still lists in under 2 s, and the hung one reads as reconnecting until it is back", async () => {
    const other = await world.addServer("other");
    const config = path.join(world.dir, "two_config");
    await fs.writeFile(config, [world.server.sshConfig, other.sshConfig].map((f) => `Include "${f}"\n`).join(""));
    const [first, second] = await Promise.all([
      mountServer("hung", "server", config),
      mountServer("fine", "other", config),
    ]);
    const server = world.runtime.docker.getContainer(world.server.serverName);
    await server.pause();
    try {
      expect(await within(20_000, async () => (await statusOf(first)) === "reconnecting")).toBe(true);
      const started = Date.now();
      expect(await smb(smbTargetOf(second), ["ls"])).toContain("Welcome.txt");
      const listed = await sshmount.list(world.options);
      const elapsed = Date.now() - started;
      process.stderr.write(`faults: a hung server's neighbour listed over SMB and by sshmount list in ${elapsed} ms\n`);
      expect(elapsed).toBeLessThan(2_000);
      expect(listed.find((each) => each.name === second.name)?.status).toBe("ready");
    } finally {
      await server.unpause();
    }
    expect(await within(30_000, () => serves(first))).toBe(true);
    expect(await within(5_000, async () => (await statusOf(first)) === "ready")).toBe(true);
    await world.unmountAll();
  }, 180_000);
});

describe("the server drops off the network mid-copy", () => {
  const big = 1500 * 1024 * 1024;
  let mount: MountInfo;
  let local: string;
  beforeAll(async () => {
    mount = await mountServer("drop");
    local = await fs.mkdtemp(path.join(world.dir, "drop-"));
  }, 120_000);
  afterAll(async () => {
    await fs.rm(local, { recursive: true, force: true });
    await sshmount.unmount(mount.name, world.options).catch(() => undefined);
  }, 60_000);

  /**
   * Starts `commands`, waits until `progress()` says 50 MiB moved, takes the server off the network,
   * and returns how smbclient ended: its error, or "" when it says the copy completed.
   */
  async function copyWhileDisconnecting(commands: string[], progress: () => Promise<number>): Promise<string> {
    const copy = smb(smbTargetOf(mount), commands, local).then(
      () => "",
      (error: Error) => error.message,
    );
    expect(await within(30_000, async () => (await progress()) > 50 * 1024 * 1024)).toBe(true);
    await execFileAsync("docker", ["network", "disconnect", world.runtime.network, world.server.serverName]);
    try {
      return await copy;
    } finally {
      await execFileAsync("docker", ["network", "connect", world.runtime.network, world.server.serverName]);
      // Serving again after the server is back: nothing to remount.
      expect(await within(30_000, () => serves(mount))).toBe(true);
    }
  }

  it("a read fails with an error, never a silently short file, and the mount works again", async () => {
    await world.onServer(["bash", "-c", `head -c ${big} /dev/zero > big.bin`]);
    const file = path.join(local, "big.bin");
    const outcome = await copyWhileDisconnecting(["get big.bin"], async () => (await fs.stat(file)).size);
    const size = (await fs.stat(file)).size;
    process.stderr.write(`faults: read cut at ${size} of ${big} bytes: ${outcome.split("\n")[0]}\n`);
    // The cut must land mid-copy, or the test would prove nothing: 1500 MiB leaves ample time after 50.
    expect(size).toBeLessThan(big);
    expect(outcome).toMatch(/NT_STATUS_/);
    await world.onServer(["rm", "big.bin"]);
  }, 180_000);

  it("a write fails with an error, never reporting success for a short file, and the mount works again", async () => {
    const file = path.join(local, "up.bin");
    await execFileAsync("truncate", ["-s", String(big), file]);
    const serverSize = async () => Number((await world.onServer(["stat", "-c", "%s", "up.bin"])).trim());
    const outcome = await copyWhileDisconnecting(["put up.bin"], serverSize);
    const size = await serverSize();
    process.stderr.write(`faults: write cut at ${size} of ${big} bytes: ${outcome.split("\n")[0]}\n`);
    expect(size).toBeLessThan(big);
    expect(outcome).toMatch(/NT_STATUS_/);
    await world.onServer(["rm", "up.bin"]);
  }, 180_000);
});

describe("the mount container restarts", () => {
  it("comes back by itself on the same URL and password, and list follows it", async () => {
    const mount = await mountServer("crash");
    const seen = new Set<MountStatus | undefined>();
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        seen.add(await statusOf(mount).catch(() => undefined));
        await sleep(100);
      }
    })();
    await execFileAsync("docker", ["restart", mount.container]);
    expect(await within(30_000, async () => (await statusOf(mount)) === "ready")).toBe(true);
    watching = false;
    await watcher;
    // Stopped for a moment, then starting: never missing from the list, never an error.
    expect([...seen].filter((status) => status === undefined || status === "error")).toEqual([]);
    const [after] = (await sshmount.list(world.options)).filter((each) => each.name === mount.name);
    expect(after.smb.url).toBe(mount.smb.url);
    expect(await serves(mount)).toBe(true);
    const published = async () =>
      (await world.runtime.docker.getContainer(mount.container).inspect()).NetworkSettings.Ports["445/tcp"];
    const port = await published();
    await execFileAsync("docker", ["restart", mount.container]);
    expect(await within(30_000, async () => (await statusOf(mount)) === "ready")).toBe(true);
    expect(await published()).toEqual(port);
    expect(await containerStarts(mount)).toBe(3);
    await sshmount.unmount(mount.name, world.options);
  }, 180_000);
});

describe("unmount never hangs", () => {
  it("while the server hangs, and for a frozen mount container (the forced path)", async () => {
    const server = world.runtime.docker.getContainer(world.server.serverName);
    const hung = await mountServer("stuck-server");
    const frozen = await mountServer("frozen", "server", await copyConfig("frozen_config"));
    // Frozen first: a container whose processes wait on a hung FUSE request cannot be frozen.
    await world.runtime.docker.getContainer(frozen.container).pause();
    await server.pause();
    try {
      expect(await within(20_000, async () => (await statusOf(hung)) === "reconnecting")).toBe(true);
      let started = Date.now();
      await sshmount.unmount(hung.name, world.options);
      const hungMs = Date.now() - started;
      started = Date.now();
      await sshmount.unmount(frozen.name, world.options);
      const frozenMs = Date.now() - started;
      process.stderr.write(`faults: unmount with a hung server ${hungMs} ms, of a frozen container ${frozenMs} ms\n`);
      expect(Math.max(hungMs, frozenMs)).toBeLessThan(20_000);
    } finally {
      await server.unpause();
    }
    expect(await world.leftovers()).toEqual([]);
  }, 120_000);
});

/** The same server under another config path: a second mount of the same target with its own container. */
async function copyConfig(name: string): Promise<string> {
  const file = path.join(world.dir, name);
  await fs.copyFile(world.server.sshConfig, file);
  return file;
}
