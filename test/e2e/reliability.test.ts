import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import * as sshmount from "../../helper/index";
import { createWorld, smb, smbTargetOf, type World } from "./harness";

const execFileAsync = promisify(execFile);

/** Many mounts at once, many cycles, and nothing reachable from the LAN. */
let world: World;
beforeAll(async () => {
  world = await createWorld("rel");
}, 900_000);
afterAll(() => world?.close(), 120_000);

const options = (name: string): sshmount.MountOptions => ({
  ...world.options,
  sshConfig: world.server.sshConfig,
  name: `${world.prefix}-${name}`,
});

async function engineInventory() {
  const docker = world.runtime.docker;
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true }),
    docker.listNetworks(),
    docker.listVolumes(),
  ]);
  return {
    containers: containers.map((c) => c.Id).sort(),
    networks: networks.map((n) => n.Id).sort(),
    volumes: (volumes.Volumes ?? []).map((v) => v.Name).sort(),
  };
}

describe("many mounts", () => {
  it("5 concurrent mounts of different hosts all serve their files", async () => {
    const servers = [world.server, ...(await Promise.all([1, 2, 3, 4].map((i) => world.addServer(`host${i}`))))];
    const config = path.join(world.dir, "five_config");
    await fs.writeFile(config, (await Promise.all(servers.map((s) => fs.readFile(s.sshConfig, "utf8")))).join(""));
    const mounts = await Promise.all(
      servers.map((server, i) =>
        sshmount.mount(server.alias, "", { ...world.options, sshConfig: config, name: `${world.prefix}-five${i}` }),
      ),
    );
    expect(new Set(mounts.map((m) => m.container)).size).toBe(5);
    for (const mount of mounts) expect(await smb(smbTargetOf(mount), ["ls"])).toContain("Welcome.txt");
    await Promise.all(mounts.map((mount) => sshmount.unmount(mount.name, world.options)));
    expect(await world.mountContainers()).toEqual([]);
  }, 240_000);

  it("20 mount/unmount cycles leave no container, network or volume behind", async () => {
    await sshmount.mount("server", "", options("warmup")).then((m) => sshmount.unmount(m.name, world.options));
    const before = await engineInventory();
    for (let cycle = 0; cycle < 20; cycle++) {
      const mount = await sshmount.mount("server", "", options(`cycle${cycle}`));
      expect(mount.status).toBe("ready");
      await sshmount.unmount(mount.name, world.options);
    }
    expect(await engineInventory()).toEqual(before);
  }, 300_000);
});

describe("from another host on a LAN", () => {
  const id = randomBytes(2).toString("hex");
  const namespace = `sshmount-lan-${id}`;
  const hostSide = `sml${id}a`;
  const lanSide = `sml${id}b`;
  const subnet = `10.231.${parseInt(id.slice(0, 2), 16)}`;
  const ip = (...args: string[]) => execFileAsync("ip", args);

  beforeAll(async () => {
    // A second machine: a network namespace on a private subnet, wired to this one by a veth pair.
    await ip("netns", "add", namespace);
    await ip("link", "add", hostSide, "type", "veth", "peer", "name", lanSide);
    await ip("link", "set", lanSide, "netns", namespace);
    await ip("addr", "add", `${subnet}.1/24`, "dev", hostSide);
    await ip("link", "set", hostSide, "up");
    await ip("netns", "exec", namespace, "ip", "addr", "add", `${subnet}.2/24`, "dev", lanSide);
    await ip("netns", "exec", namespace, "ip", "link", "set", lanSide, "up");
    await ip("netns", "exec", namespace, "ip", "link", "set", "lo", "up");
  });
  afterAll(async () => {
    await ip("link", "del", hostSide).catch(() => undefined);
    await ip("netns", "del", namespace).catch(() => undefined);
  });

  /** A TCP connect from the LAN host, bounded: "open", or why not. */
  async function connectFromLan(host: string, port: number): Promise<string> {
    const script = `timeout 3 bash -c '</dev/tcp/${host}/${port}' 2>/dev/null && echo open || echo closed`;
    const { stdout } = await ip("netns", "exec", namespace, "bash", "-c", script);
    return stdout.trim();
  }

  it("reaches this machine, but none of a mount's ports, and no SMB session even through a route into Docker", async () => {
    const mount = await sshmount.mount("server", "", options("lan"));
    const info = await world.runtime.docker.getContainer(mount.container).inspect();
    const containerIp = info.NetworkSettings.Networks[world.runtime.network].IPAddress;
    const published = Number(info.NetworkSettings.Ports["445/tcp"]?.[0]?.HostPort);
    const gateway = info.NetworkSettings.Networks[world.runtime.network].Gateway;
    // The LAN host can talk to this machine at all: a port the test opens on the LAN address answers…
    const control = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => control.listen(0, `${subnet}.1`, resolve));
    const controlPort = (control.address() as net.AddressInfo).port;
    expect(await connectFromLan(`${subnet}.1`, controlPort)).toBe("open");
    control.close();
    // …and it tries what an attacker on the café Wi-Fi would: our address, and a route into Docker.
    await ip("netns", "exec", namespace, "ip", "route", "add", `${containerIp}/32`, "via", `${subnet}.1`);
    // A scan of every port any sshmount container publishes (this mount's among them), and SMB's own.
    const ours = await world.runtime.docker.listContainers({ filters: { label: ["sshmount.role=mount"] } });
    const ports = [
      ...new Set([139, 445, ...ours.flatMap((c) => c.Ports.map((p) => p.PublicPort).filter(Boolean))]),
    ].sort((a, b) => a - b);
    expect(ports).toContain(published);
    const scan = await Promise.all(
      [`${subnet}.1`, gateway].flatMap((host) =>
        ports.map(async (port) => `${host}:${port} ${await connectFromLan(host, port)}`),
      ),
    );
    const open = scan.filter((result) => result.endsWith(" open"));
    process.stderr.write(`reliability: LAN scan of ${scan.length} address:port pairs: ${open.length} open\n`);
    expect(open).toEqual([]);
    // Docker before Engine 28 lets a host that routes through this machine reach a published port's
    // container directly, so TCP may connect there; smbd's hosts allow refuses the session itself, even
    // with the right password.
    const auth = path.join(world.dir, "lan-auth");
    await fs.writeFile(auth, `username = ${mount.smb.user}\npassword = ${mount.smb.password}\n`, { mode: 0o600 });
    const session = await ip(
      "netns",
      "exec",
      namespace,
      "smbclient",
      `//${containerIp}/${mount.smb.share}`,
      "-A",
      auth,
      "-m",
      "SMB3",
      "-t",
      "5",
      "-c",
      "ls",
    ).then(
      ({ stdout }) => stdout,
      (error: { stdout?: string; stderr?: string }) => `refused: ${error.stdout ?? ""}${error.stderr ?? ""}`,
    );
    expect(session).toMatch(/^refused: /);
    expect(session).not.toContain("Welcome.txt");
    // The share itself is fine from this machine.
    expect(await smb(smbTargetOf(mount), ["ls"])).toContain("Welcome.txt");
    await sshmount.unmount(mount.name, world.options);
  }, 120_000);
});
