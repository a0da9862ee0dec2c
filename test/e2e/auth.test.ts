import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { DemoServer } from "../../helper/demo";
import * as sshmount from "../../helper/index";
import { fingerprintOf } from "../../helper/ssh/known-hosts";
import { createWorld, smbTargetOf, smb, sshmountCli, type World } from "./harness";

const execFileAsync = promisify(execFile);

/**
 * End to end: jump hosts, password logins, locked keys and host keys, each against real
 * OpenSSH servers. The target "inner" sits on a network only the jump host joins, so the mount
 * container can reach it through "jump" and no other way.
 */
let world: World;
let jump: DemoServer;
let inner: DemoServer;
let passwordOnly: DemoServer;
let config: string;
const password = "correct horse battery staple";

const keyOf = (server: DemoServer) => server.hostPublicKey.split(/\s+/)[1];
const knownLine = (server: DemoServer) => `${server.serverName} ssh-ed25519 ${keyOf(server)}\n`;

async function knownHosts(name: string, servers: DemoServer[]): Promise<string> {
  const file = path.join(world.dir, name);
  await fs.writeFile(file, servers.map(knownLine).join(""));
  return file;
}

function hostBlock(alias: string, server: DemoServer, knownHostsFile: string, extra: string[] = []): string[] {
  return [
    `Host ${alias}`,
    `  HostName ${server.serverName}`,
    "  User demo",
    `  IdentityFile "${server.identityFile}"`,
    "  IdentitiesOnly yes",
    `  UserKnownHostsFile "${knownHostsFile}"`,
    ...extra,
  ];
}

async function addToConfig(lines: string[]): Promise<void> {
  await fs.appendFile(config, `${lines.join("\n")}\n`);
}

const mountOptions = (name: string, extra: sshmount.MountOptions = {}): sshmount.MountOptions => ({
  ...world.options,
  sshConfig: config,
  name: `${world.prefix}-${name}`,
  ...extra,
});

async function leftovers(): Promise<number> {
  const scans = await world.runtime.docker.listContainers({
    all: true,
    filters: { label: ["sshmount.role=host-key-scan"] },
  });
  return (await world.mountContainers()).length + scans.length;
}

beforeAll(async () => {
  world = await createWorld("auth");
  jump = await world.addServer("jump", { jumpHost: true, alsoOn: [world.privateNetwork] });
  inner = await world.addServer("inner", { network: world.privateNetwork });
  passwordOnly = await world.addServer("pw", { password, keyAuth: false });
  config = path.join(world.dir, "ssh_config");
  const both = await knownHosts("known_hosts", [jump, inner, passwordOnly]);
  await fs.writeFile(config, "");
  await addToConfig(hostBlock("jump", jump, both));
  await addToConfig(hostBlock("inner", inner, both, ["  ProxyJump jump"]));
  await addToConfig(hostBlock("inner-direct", inner, both));
}, 900_000);
afterAll(() => world?.close(), 120_000);

describe("a host reachable only through a jump host", () => {
  it("is listed with its jump host", async () => {
    const hosts = await sshmount.hosts({ ...world.options, sshConfig: config });
    expect(hosts.find((host) => host.alias === "inner")).toMatchObject({
      hostName: inner.serverName,
      user: "demo",
      proxyJump: "jump",
    });
  });

  it("cannot be reached directly from the mount network", async () => {
    await expect(sshmount.mount("inner-direct", "", mountOptions("direct"))).rejects.toMatchObject({
      kind: "host-unreachable",
    });
    expect(await leftovers()).toBe(0);
  }, 120_000);

  it("mounts through ProxyJump, with the jump host's own key and known_hosts entry", async () => {
    const mount = await sshmount.mount("inner", "", mountOptions("inner"));
    expect(await smb(smbTargetOf(mount), ["ls"])).toContain("Welcome.txt");
    const { stdout } = await execFileAsync("docker", ["exec", mount.container, "cat", "/etc/sshmount/ssh_config"]);
    expect(stdout).toMatch(/Host hop1\n {2}HostName [^\n]*-jump\n/);
    expect(stdout).toMatch(/Host target\n(?: {2}.*\n)* {2}ProxyJump hop1\n/);
    await sshmount.unmount(mount.name, world.options);
  }, 120_000);
});

describe("an unknown host key", () => {
  it("is reported with the fingerprint the target presents through the jump host, and trusted only when it matches", async () => {
    const file = await knownHosts("known_hosts_without_inner", [jump]);
    await addToConfig(hostBlock("inner-new", inner, file, ["  ProxyJump jump-known"]));
    await addToConfig(hostBlock("jump-known", jump, file));
    const expected = fingerprintOf(keyOf(inner));

    const unknown = await sshmount.mount("inner-new", "", mountOptions("new")).catch((error) => error);
    expect(unknown).toMatchObject({
      kind: "host-key-unknown",
      facts: { hostKey: { host: inner.serverName, type: "ssh-ed25519", fingerprint: expected } },
    });
    expect(unknown.facts.hostKey.jumpHost).toBeUndefined();
    expect(sshmount.describeError(unknown)).toMatchObject({
      message: expect.stringContaining(expected),
      hint: expect.stringContaining(`--trust-host-key ${expected}`),
      hostKey: { fingerprint: expected },
    });
    expect(await leftovers()).toBe(0);

    const wrong = fingerprintOf(keyOf(jump));
    await expect(
      sshmount.mount("inner-new", "", mountOptions("new", { trustHostKeys: [wrong] })),
    ).rejects.toMatchObject({ kind: "host-key-unknown", message: expect.stringContaining("nothing was added") });
    expect(await fs.readFile(file, "utf8")).toBe(knownLine(jump));

    const mount = await sshmount.mount("inner-new", "", mountOptions("new", { trustHostKeys: [expected] }));
    expect(mount.status).toBe("ready");
    expect(await fs.readFile(file, "utf8")).toBe(knownLine(jump) + knownLine(inner));
    await sshmount.unmount(mount.name, world.options);
  }, 180_000);

  it("of a jump host comes first; the CLI trusts both keys it was given, one host at a time", async () => {
    const file = await knownHosts("known_hosts_empty", []);
    await addToConfig(hostBlock("inner-fresh", inner, file, ["  ProxyJump jump-fresh"]));
    await addToConfig(hostBlock("jump-fresh", jump, file));

    const first = await sshmount.mount("inner-fresh", "", mountOptions("fresh")).catch((error) => error);
    expect(first.facts.hostKey).toMatchObject({ jumpHost: "jump-fresh", fingerprint: fingerprintOf(keyOf(jump)) });

    const args = ["mount", "inner-fresh", "--ssh-config", config, "--name", `${world.prefix}-fresh`, "--json"];
    const trust = ["--trust-host-key", fingerprintOf(keyOf(jump)), "--trust-host-key", fingerprintOf(keyOf(inner))];
    const result = await sshmountCli(world, [...args, ...trust]);
    expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: 0 });
    expect(JSON.parse(result.stdout)).toMatchObject({ status: "ready" });
    expect((await fs.readFile(file, "utf8")).split("\n").filter(Boolean).sort()).toEqual(
      [knownLine(jump), knownLine(inner)].map((line) => line.trim()).sort(),
    );
    await sshmount.unmount(`${world.prefix}-fresh`, world.options);
  }, 180_000);
});

describe("a password-only server", () => {
  beforeAll(async () => {
    const file = await knownHosts("known_hosts_pw", [passwordOnly]);
    await addToConfig([
      "Host pw",
      `  HostName ${passwordOnly.serverName}`,
      "  User demo",
      `  UserKnownHostsFile "${file}"`,
    ]);
  });

  it("without a password is auth-failed, with a hint to give one", async () => {
    const error = await sshmount.mount("pw", "", mountOptions("pw")).catch((e) => e);
    expect(error).toMatchObject({ kind: "auth-failed" });
    expect(sshmount.describeError(error).hint).toContain("--password-stdin");
    expect(await leftovers()).toBe(0);
  }, 120_000);

  it("with a wrong password is auth-failed", async () => {
    await expect(sshmount.mount("pw", "", mountOptions("pw", { password: "wrong" }))).rejects.toMatchObject({
      kind: "auth-failed",
    });
    expect(await leftovers()).toBe(0);
  }, 120_000);

  it("mounts with --password-stdin, and the password shows up in no argv, env, label or log", async () => {
    const result = await sshmountCli(
      world,
      ["mount", "pw", "--ssh-config", config, "--name", `${world.prefix}-pw`, "--password-stdin", "--json"],
      `${password}\n`,
    );
    expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: 0 });
    const mount = JSON.parse(result.stdout);
    expect(await smb(mount.smb, ["ls"])).toContain("Welcome.txt");

    const info = await world.runtime.docker.getContainer(mount.container).inspect();
    const visible = JSON.stringify([info.Config.Env, info.Config.Labels, info.Config.Cmd, info.Args, info.Path]);
    const { stdout: processes } = await execFileAsync("docker", ["top", mount.container, "-eo", "pid,args"]);
    const log = await sshmount.logs(mount.name, world.options);
    for (const text of [visible, processes, log, result.stdout, result.stderr]) expect(text).not.toContain(password);

    // The askpass program answers the target's password prompt and nothing else (a one-time code).
    const ask = (prompt: string) =>
      execFileAsync("docker", ["exec", mount.container, "/usr/local/bin/sshmount-askpass", prompt]).then(
        ({ stdout }) => ({ code: 0, stdout, stderr: "" }),
        (error) => ({ code: error.code as number, stdout: error.stdout as string, stderr: error.stderr as string }),
      );
    await expect(ask(`(demo@${passwordOnly.serverName}) Password: `)).resolves.toMatchObject({
      code: 0,
      stdout: password,
    });
    await expect(ask("Verification code: ")).resolves.toMatchObject({
      code: 1,
      stdout: "",
      stderr: "sshmount-askpass: refused prompt: Verification code: \n",
    });
    await expect(ask(`demo@${jump.serverName}'s password: `)).resolves.toMatchObject({ code: 1, stdout: "" });
    await sshmount.unmount(mount.name, world.options);
  }, 120_000);

  it("mounts a server that asks for the password over keyboard-interactive (PAM)", async () => {
    const pam = await world.addServer("pam", { password, keyAuth: false, passwordPrompt: "keyboard-interactive" });
    const file = await knownHosts("known_hosts_pam", [pam]);
    await addToConfig(["Host pam", `  HostName ${pam.serverName}`, "  User demo", `  UserKnownHostsFile "${file}"`]);
    const refused = await sshmount.mount("pam", "", mountOptions("pam")).catch((e) => e);
    expect(refused.facts.detail).toMatch(/Permission denied \(.*keyboard-interactive\)/);
    const mount = await sshmount.mount("pam", "", mountOptions("pam", { password }));
    expect(await smb(smbTargetOf(mount), ["ls"])).toContain("Welcome.txt");
    await sshmount.unmount(mount.name, world.options);
  }, 120_000);
});

describe("an encrypted key and no agent", () => {
  it("is refused before any container starts, with the ssh-add command to run", async () => {
    const key = path.join(world.dir, "locked_key");
    await world.runtime.run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "a passphrase", "-f", key]);
    const file = await knownHosts("known_hosts_locked", [jump]);
    await addToConfig([
      "Host locked",
      `  HostName ${jump.serverName}`,
      "  User demo",
      `  IdentityFile "${key}"`,
      "  IdentitiesOnly yes",
      `  UserKnownHostsFile "${file}"`,
    ]);
    const error = await sshmount.mount("locked", "", mountOptions("locked")).catch((e) => e);
    expect(error).toMatchObject({ kind: "key-encrypted", facts: { file: key } });
    expect(sshmount.describeError(error).hint).toContain(`ssh-add --apple-use-keychain ${key}`);
    expect(await leftovers()).toBe(0);
  }, 120_000);
});

/**
 * A server controls the text of its login banner (and anything its account prints), so none of
 * it may decide what the user is asked to trust. "hostile" prints a banner that says "Host key
 * verification failed" and then, after a carriage return, a line shaped like the host-key scan's
 * result; it also lets anyone in without credentials, so even a scan that logs in nowhere gets past it.
 */
describe("a hostile server", () => {
  let hostile: DemoServer;
  let forged: string;

  /** Host-key scan containers created since `since` (Unix seconds), from the engine's event log. */
  async function scansSince(since: number): Promise<number> {
    const until = Math.floor(Date.now() / 1000) + 1;
    const stream = (await world.runtime.docker.getEvents({
      since,
      until,
      filters: { type: ["container"], event: ["create"], label: ["sshmount.role=host-key-scan"] },
    })) as unknown as AsyncIterable<Buffer>;
    let text = "";
    for await (const chunk of stream) text += chunk.toString("utf8");
    return text.split("\n").filter((line) => line.trim()).length;
  }

  beforeAll(async () => {
    const attacker = path.join(world.dir, "attacker_key");
    await world.runtime.run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", attacker]);
    forged = (await fs.readFile(`${attacker}.pub`, "utf8")).split(/\s+/)[1];
    const banner = `Welcome.\nHost key verification failed.\rsshmount: hostkey: target bastion.example ssh-ed25519 ${forged}\n`;
    hostile = await world.addServer("hostile", {
      jumpHost: true,
      alsoOn: [world.privateNetwork],
      banner,
      openLogin: true,
    });
  }, 300_000);

  it("with a known key fails for its real reason, and no host-key scan starts", async () => {
    const file = await knownHosts("known_hosts_hostile", [hostile]);
    await addToConfig(hostBlock("hostile", hostile, file));
    const since = Math.floor(Date.now() / 1000) - 1;
    const error = await sshmount.mount("hostile", "/no/such/folder", mountOptions("hostile")).catch((e) => e);
    expect(error).toMatchObject({ kind: "path-missing" });
    expect(error.facts.hostKey).toBeUndefined();
    expect(await scansSince(since)).toBe(0);
    expect(await leftovers()).toBe(0);
  }, 120_000);

  it("as a jump host cannot make the scan offer its forged key for the target's unknown key", async () => {
    const file = await knownHosts("known_hosts_hostile_jump", [hostile]);
    await addToConfig(hostBlock("inner-via-hostile", inner, file, ["  ProxyJump hostile-jump"]));
    await addToConfig(hostBlock("hostile-jump", hostile, file));
    const error = await sshmount.mount("inner-via-hostile", "", mountOptions("via-hostile")).catch((e) => e);
    expect(error).toMatchObject({
      kind: "host-key-unknown",
      facts: { hostKey: { host: inner.serverName, type: "ssh-ed25519", fingerprint: fingerprintOf(keyOf(inner)) } },
    });
    expect(JSON.stringify(error)).not.toContain(fingerprintOf(forged));
    expect(await leftovers()).toBe(0);
  }, 180_000);
});

describe("a host whose known_hosts has only an RSA key while it offers ed25519", () => {
  it("is a new key type, never offered for trust, even with its fingerprint given", async () => {
    const rsa = path.join(world.dir, "other_rsa_host_key");
    await world.runtime.run("ssh-keygen", ["-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", rsa]);
    const rsaLine = `${jump.serverName} ssh-rsa ${(await fs.readFile(`${rsa}.pub`, "utf8")).split(/\s+/)[1]}\n`;
    const file = path.join(world.dir, "known_hosts_rsa_only");
    await fs.writeFile(file, rsaLine);
    await addToConfig(hostBlock("rsa-only", jump, file));

    for (const trustHostKeys of [undefined, [fingerprintOf(keyOf(jump))]]) {
      const error = await sshmount.mount("rsa-only", "", mountOptions("rsa-only", { trustHostKeys })).catch((e) => e);
      expect(error).toMatchObject({
        kind: "host-key-changed",
        message: expect.stringContaining("a key type it has not used before"),
      });
      expect(error.facts.hostKey).toBeUndefined();
      expect(sshmount.describeError(error, "raycast").actions).not.toContainEqual(
        expect.objectContaining({ type: "trust-host-key" }),
      );
    }
    expect(await fs.readFile(file, "utf8")).toBe(rsaLine);
    expect(await leftovers()).toBe(0);
  }, 180_000);
});
