import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import * as sshmount from "../../helper/index";
import type { MountInfo } from "../../helper/index";
import { createWorld, q, sha256, smb, smbTargetOf, type World } from "./harness";

const execFileAsync = promisify(execFile);

/** Data arrives whole, credentials stay per mount, and hostile names reach no shell. */
let world: World;
beforeAll(async () => {
  world = await createWorld("data");
}, 900_000);
afterAll(() => world?.close(), 120_000);

const mountAs = (name: string, alias = "server", remotePath = "") =>
  sshmount.mount(alias, remotePath, {
    ...world.options,
    sshConfig: world.server.sshConfig,
    name: `${world.prefix}-${name}`,
  });

describe("256 MiB through SMB", () => {
  it("arrives on the server with the same sha256, and reads back with it", async () => {
    const mount = await mountAs("big");
    const local = await fs.mkdtemp(path.join(world.dir, "big-"));
    const source = path.join(local, "source.bin");
    // Random, so neither compression nor a page of zeros can pass for the data.
    const chunks = (function* () {
      for (let i = 0; i < 256; i++) yield randomBytes(1024 * 1024);
    })();
    await pipeline(Readable.from(chunks), createWriteStream(source));
    const expected = await sha256(source);
    await smb(smbTargetOf(mount), [`lcd ${q(local)}`, "put source.bin big.bin"]);
    expect((await world.onServer(["sha256sum", "big.bin"])).split(" ")[0]).toBe(expected);
    await smb(smbTargetOf(mount), [`lcd ${q(local)}`, "get big.bin back.bin"]);
    expect(await sha256(path.join(local, "back.bin"))).toBe(expected);
    expect((await fs.stat(path.join(local, "back.bin"))).size).toBe(256 * 1024 * 1024);
    await world.onServer(["rm", "big.bin"]);
    await fs.rm(local, { recursive: true, force: true });
    await sshmount.unmount(mount.name, world.options);
  }, 240_000);
});

describe("credentials are per mount", () => {
  let first: MountInfo;
  let second: MountInfo;
  beforeAll(async () => {
    first = await mountAs("first");
    second = await mountAs("second", "server", "Project Notes");
  }, 120_000);
  afterAll(() => world.unmountAll(), 60_000);

  it("one mount's password opens neither the other's server nor, on its own server, the other's share", async () => {
    expect(first.smb.password).not.toBe(second.smb.password);
    await expect(smb({ ...smbTargetOf(second), password: first.smb.password ?? "" }, ["ls"])).rejects.toThrow(
      /NT_STATUS_LOGON_FAILURE/,
    );
    await expect(smb({ ...smbTargetOf(first), share: second.smb.share }, ["ls"])).rejects.toThrow(
      /NT_STATUS_BAD_NETWORK_NAME/,
    );
    expect(await smb(smbTargetOf(second), ["ls"])).toContain("Todo.txt");
  });

  it("no process on this machine shows a password or the key in its command line", async () => {
    // Containers' processes share this machine's process table: ps sees smbd, sshfs and ssh too.
    const { stdout } = await execFileAsync("ps", ["-e", "-ww", "-o", "args="], { maxBuffer: 16 * 1024 * 1024 });
    expect(stdout).toContain("sshfs");
    for (const mount of [first, second]) expect(stdout).not.toContain(mount.smb.password);
    const key = await fs.readFile(world.server.identityFile, "utf8");
    expect(stdout).not.toContain(key.split("\n")[1]);
  });
});

describe("hostile names", () => {
  const marker = `/tmp/sshmount-pwned-${randomBytes(4).toString("hex")}`;
  // Each would run `touch MARKER` if any part of the chain put it through a shell.
  const hostile = [`semi;touch ${marker}`, `dollar $(touch ${marker})`, `tick \`touch ${marker}\``, `"dq" 'sq' & |`];

  async function markerAnywhere(containers: string[]): Promise<boolean> {
    const inContainer = await Promise.all(
      containers.map((id) =>
        execFileAsync("docker", ["exec", id, "test", "-e", marker]).then(
          () => true,
          () => false,
        ),
      ),
    );
    const here = await fs.stat(marker).then(
      () => true,
      () => false,
    );
    return here || inContainer.some(Boolean);
  }

  it("remote folders so named, one starting with '-', '..' in a path and a path of over 1 KiB mount literally", async () => {
    const long = Array.from({ length: 5 }, (_, i) => `${i}${"x".repeat(220)}`).join("/");
    expect(long.length).toBeGreaterThan(1024);
    const folders = [...hostile, "-rf --help", long];
    for (const folder of folders) {
      await world.onServer(["mkdir", "-p", "--", folder]);
      await world.onServer(["cp", "--", "Welcome.txt", `${folder}/inside.txt`]);
    }
    const mounts: MountInfo[] = [];
    for (const [i, folder] of [...folders, `-rf --help/../${hostile[1]}`].entries()) {
      const mount = await mountAs(`hostile${i}`, "server", folder);
      expect(mount.remotePath).toBe(`~/${folder}`);
      expect(await smb(smbTargetOf(mount), ["ls"])).toContain("inside.txt");
      mounts.push(mount);
    }
    const containers = [...mounts.map((m) => m.container), world.server.serverName];
    expect(await markerAnywhere(containers)).toBe(false);
    await world.unmountAll();
  }, 300_000);

  it("an alias OpenSSH takes, however odd, mounts literally under a safe default mount name; one it refuses is left out", async () => {
    const odd = "odd^name+tilde~1";
    const refused = `we;ird$(touch${marker})`;
    for (const alias of [odd, refused]) {
      await world.addHost([
        `Host ${alias}`,
        `  HostName ${world.server.serverName}`,
        "  User demo",
        `  IdentityFile "${world.server.identityFile}"`,
        `  UserKnownHostsFile "${path.join(world.server.stateDir, "known_hosts")}"`,
      ]);
    }
    const listed = (await sshmount.hosts({ ...world.options, sshConfig: world.server.sshConfig })).map((h) => h.alias);
    expect(listed).toEqual(expect.arrayContaining(["server", odd]));
    expect(listed).not.toContain(refused);
    const mount = await sshmount.mount(odd, "", { ...world.options, sshConfig: world.server.sshConfig });
    expect(mount.alias).toBe(odd);
    expect(mount.name).toMatch(/^[a-z0-9][a-z0-9._-]*$/);
    expect(await smb(smbTargetOf(mount), ["ls"])).toContain("Welcome.txt");
    const error = await mountAs("refused", refused).catch((e) => e);
    expect(error).toMatchObject({ kind: "invalid-input" });
    expect(error.message).toMatch(/OpenSSH refuses host names with/);
    expect(await markerAnywhere([mount.container, world.server.serverName])).toBe(false);
    await sshmount.unmount(mount.name, world.options);
  }, 120_000);

  it("names, aliases and paths that cannot be taken literally are refused with a clear error before anything starts", async () => {
    const refusals = await Promise.all(
      [
        () => mountAs(hostile[0]),
        () => mountAs("x".repeat(1024)),
        () => mountAs("ok", "-oProxyCommand=touch /tmp/x"),
        () => mountAs("ok", `line\nbreak`),
        () => mountAs("ok", "x".repeat(1024)),
        () => mountAs("ok", "server", `first\nsecond`),
      ].map((attempt) => attempt().catch((error) => error)),
    );
    for (const error of refusals) {
      expect(error).toMatchObject({ kind: "invalid-input" });
      // One readable line that says what to change: no echo of a newline, no kilobyte of input.
      const { message } = sshmount.describeError(error);
      expect(message).not.toMatch(/[\n\r]/);
      expect(message.length).toBeLessThan(200);
    }
    expect(await world.leftovers()).toEqual([]);
    expect(await markerAnywhere([world.server.serverName])).toBe(false);
  }, 120_000);
});
