import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import * as sshmount from "../../helper/index";
import type { MountInfo } from "../../helper/index";
import { lookUpRoute } from "../../helper/network/reach";
import { fingerprintOf } from "../../helper/ssh/known-hosts";
import { createWorld, smbTargetOf, q, sha256, smb, type World } from "./harness";

let world: World;
beforeAll(async () => {
  world = await createWorld("api");
}, 900_000);
afterAll(() => world?.close(), 120_000);

/** Mounts the world's server as NAME (prefixed), the way most stories here begin. */
const mountServer = (remotePath: string, name: string, extra: sshmount.MountOptions = {}) =>
  sshmount.mount("server", remotePath, {
    ...world.options,
    sshConfig: world.server.sshConfig,
    name: `${world.prefix}-${name}`,
    ...extra,
  });

describe("a user mounts their server's home folder through the helper API", () => {
  let mount: MountInfo;
  let local: string;

  beforeAll(async () => {
    local = await fs.mkdtemp(path.join(world.dir, "local-"));
    mount = await mountServer("", "home");
  }, 120_000);

  it("gets a ready mount with a per-mount password and a URL without it", () => {
    expect(mount).toMatchObject({ name: `${world.prefix}-home`, alias: "server", remotePath: "~", status: "ready" });
    expect(mount.smb.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(mount.smb.url).toBe(`smb://sshmount@${mount.smb.host}/${mount.name}`);
    expect(mount.smb.url).not.toContain(mount.smb.password);
    expect(mount.smb.port).toBe(445);
  });

  it("reaches the share on the container IP, because this machine's routing table says the bridge is on-link", async () => {
    const verdict = await lookUpRoute(mount.smb.host, "linux", world.runtime.run, os.networkInterfaces());
    expect(verdict).toMatchObject({ reachable: true, via: "direct", interface: expect.stringMatching(/^br-/) });
    expect(mount.connection).toEqual({
      mode: "bridge",
      via: "direct",
      reason: "this machine routes the container network",
    });
  });

  it("lists the remote files over SMB, including names with spaces and non-ASCII", async () => {
    const listing = await smb(smbTargetOf(mount), ["ls"]);
    expect(listing).toContain("Welcome.txt");
    expect(listing).toContain("Project Notes");
    expect(listing).toContain("Café menu.txt");
  });

  it("reads a file with the same bytes as on the server", async () => {
    await smb(smbTargetOf(mount), [`lcd ${q(local)}`, `get ${q("Café menu.txt")} ${q("menu.txt")}`]);
    expect(await fs.readFile(path.join(local, "menu.txt"), "utf8")).toBe(
      await world.onServer(["cat", "Café menu.txt"]),
    );
  });

  it("writes a file that arrives on the server with the same sha256", async () => {
    const name = "upload résumé 1.bin";
    await fs.writeFile(path.join(local, "upload.bin"), randomBytes(3 * 1024 * 1024 + 17));
    await smb(smbTargetOf(mount), [`lcd ${q(local)}`, `put upload.bin ${q(name)}`]);
    const remote = (await world.onServer(["sha256sum", name])).split(" ")[0];
    expect(remote).toBe(await sha256(path.join(local, "upload.bin")));
  });

  it("creates, renames and deletes folders and files on the server", async () => {
    await smb(smbTargetOf(mount), ['mkdir "New Folder"', 'rename "New Folder" "Renamed Ordner ü"']);
    expect(await world.onServer(["ls", "-1"])).toContain("Renamed Ordner ü");
    await fs.writeFile(path.join(local, "temp.txt"), "bye");
    await smb(smbTargetOf(mount), [
      `lcd ${q(local)}`,
      'put temp.txt "Renamed Ordner ü/temp.txt"',
      'del "Renamed Ordner ü/temp.txt"',
      'rmdir "Renamed Ordner ü"',
    ]);
    expect(await world.onServer(["ls", "-1"])).not.toContain("Renamed Ordner");
  });

  it("refuses guests and wrong passwords", async () => {
    await expect(smb({ ...smbTargetOf(mount), user: "guest", password: "" }, ["ls"])).rejects.toThrow(
      /NT_STATUS_LOGON_FAILURE|NT_STATUS_ACCESS_DENIED/,
    );
    await expect(smb({ ...smbTargetOf(mount), password: "wrong" }, ["ls"])).rejects.toThrow(/NT_STATUS_LOGON_FAILURE/);
  });

  it("is reachable on the port published on 127.0.0.1 too", async () => {
    const container = await world.runtime.docker.getContainer(mount.container).inspect();
    const bindings = container.NetworkSettings.Ports["445/tcp"];
    expect(bindings).toEqual([{ HostIp: "127.0.0.1", HostPort: expect.stringMatching(/^\d+$/) }]);
    expect(
      await smb({ ...smbTargetOf(mount), host: "127.0.0.1", port: Number(bindings[0].HostPort) }, ["ls"]),
    ).toContain("Welcome.txt");
  });

  it("runs with SYS_ADMIN, SETGID and SETUID only, /dev/fuse and no new privileges, and keeps secrets out of env, labels and command line", async () => {
    const info = await world.runtime.docker.getContainer(mount.container).inspect();
    expect(info.HostConfig.Privileged).toBe(false);
    expect(info.HostConfig.CapDrop).toEqual(["ALL"]);
    expect([...(info.HostConfig.CapAdd ?? [])].sort()).toEqual(["SETGID", "SETUID", "SYS_ADMIN"]);
    expect(info.HostConfig.SecurityOpt).toEqual(["no-new-privileges"]);
    // What the kernel gave the entrypoint: CAP_SETGID (6), CAP_SETUID (7), CAP_SYS_ADMIN (21), nothing else.
    const status = await world.runtime.run("docker", ["exec", mount.container, "cat", "/proc/1/status"]);
    const field = (name: string) => new RegExp(`^${name}:\\s*(\\S+)$`, "m").exec(status.stdout)?.[1];
    const intended = ((1n << 6n) | (1n << 7n) | (1n << 21n)).toString(16).padStart(16, "0");
    expect({ eff: field("CapEff"), bnd: field("CapBnd"), nnp: field("NoNewPrivs") }).toEqual({
      eff: intended,
      bnd: intended,
      nnp: "1",
    });
    expect(info.HostConfig.Devices?.map((device: { PathOnHost: string }) => device.PathOnHost)).toEqual(["/dev/fuse"]);
    const visible = JSON.stringify([
      info.Config.Env,
      info.Config.Labels,
      info.Config.Cmd,
      info.Config.Entrypoint,
      info.Args,
    ]);
    expect(visible).not.toContain(mount.smb.password);
    const key = await fs.readFile(world.server.identityFile, "utf8");
    expect(visible).not.toContain(key.split("\n")[1]);
    expect(await sshmount.logs(mount.name, world.options)).not.toContain(mount.smb.password);
  });

  it("returns the same mount when the same alias and path are mounted again", async () => {
    const again = await sshmount.mount("server", "~", { ...world.options, sshConfig: world.server.sshConfig });
    expect(again.container).toBe(mount.container);
    expect(again.smb.password).toBe(mount.smb.password);
  });

  it("lists the mount without its password", async () => {
    const mounts = await sshmount.list(world.options);
    const listed = mounts.find((m) => m.name === mount.name);
    expect(listed).toMatchObject({ status: "ready", alias: "server", smb: { url: mount.smb.url } });
    expect(listed?.smb.password).toBeUndefined();
  });

  it("unmounts and leaves no container behind", async () => {
    await expect(sshmount.unmount(mount.name, world.options)).resolves.toEqual([mount.name]);
    expect(await world.leftovers()).toEqual([]);
    await expect(sshmount.unmount(mount.name, world.options)).rejects.toMatchObject({ kind: "not-found" });
  });
});

describe("a remote folder whose path has spaces", () => {
  it("mounts and serves that folder", async () => {
    const mount = await mountServer("Project Notes", "notes");
    expect(mount.remotePath).toBe("~/Project Notes");
    const listing = await smb(smbTargetOf(mount), ["ls"]);
    expect(listing).toContain("Todo.txt");
    expect(listing).not.toContain("Welcome.txt");
    await sshmount.unmount(mount.name, world.options);
  }, 120_000);
});

describe("failures are typed and leave nothing behind", () => {
  const attempt = (alias: string, remotePath = "") =>
    sshmount.mount(alias, remotePath, {
      ...world.options,
      sshConfig: world.server.sshConfig,
      name: `${world.prefix}-fail`,
    });

  it("a key the server does not accept is auth-failed", async () => {
    const other = path.join(world.dir, "other_key");
    await world.runtime.run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", other]);
    await world.addHost([
      "Host wrongkey",
      `  HostName ${world.server.serverName}`,
      "  User demo",
      `  IdentityFile "${other}"`,
      "  IdentitiesOnly yes",
      `  UserKnownHostsFile "${path.join(world.server.stateDir, "known_hosts")}"`,
    ]);
    const error = await attempt("wrongkey").catch((e) => e);
    expect(error).toMatchObject({ kind: "auth-failed" });
    expect(error.facts.detail).toMatch(/Permission denied \(publickey\)/);
    expect(sshmount.describeError(error).hint).toContain("ssh wrongkey");
    expect(await world.leftovers()).toEqual([]);
  }, 120_000);

  it("a host key not in known_hosts is host-key-unknown", async () => {
    const empty = path.join(world.dir, "empty_known_hosts");
    await fs.writeFile(empty, "");
    await world.addHost([
      "Host unknownkey",
      `  HostName ${world.server.serverName}`,
      "  User demo",
      `  IdentityFile "${world.server.identityFile}"`,
      `  UserKnownHostsFile "${empty}"`,
    ]);
    const error = await attempt("unknownkey").catch((e) => e);
    expect(error).toMatchObject({
      kind: "host-key-unknown",
      facts: { hostKey: { type: "ssh-ed25519", fingerprint: fingerprintOf(world.server.hostPublicKey.split(" ")[1]) } },
    });
    expect(await world.leftovers()).toEqual([]);
  }, 120_000);

  it("a changed host key is host-key-changed", async () => {
    const changed = path.join(world.dir, "changed_known_hosts");
    const [, otherKey] = (await fs.readFile(path.join(world.dir, "other_key.pub"), "utf8")).split(" ");
    await fs.writeFile(changed, `${world.server.serverName} ssh-ed25519 ${otherKey}\n`);
    await world.addHost([
      "Host changedkey",
      `  HostName ${world.server.serverName}`,
      "  User demo",
      `  IdentityFile "${world.server.identityFile}"`,
      `  UserKnownHostsFile "${changed}"`,
    ]);
    await expect(attempt("changedkey")).rejects.toMatchObject({ kind: "host-key-changed" });
    expect(await world.leftovers()).toEqual([]);
  }, 120_000);

  it("a folder that does not exist is path-missing", async () => {
    await expect(attempt("server", "/no/such folder")).rejects.toMatchObject({ kind: "path-missing" });
    expect(await world.leftovers()).toEqual([]);
  }, 120_000);

  it("a host that does not resolve is host-unreachable", async () => {
    await world.addHost(["Host nowhere", `  HostName nowhere-${world.id}.invalid`, "  User demo"]);
    const error = await attempt("nowhere").catch((e) => e);
    expect(error).toMatchObject({ kind: "host-unreachable", message: "Cannot reach nowhere" });
    expect(error.facts.inConfig).toBeUndefined();
    expect(await world.leftovers()).toEqual([]);
  }, 120_000);

  it("an alias that is no Host of the config and no resolvable name is host-unreachable, saying so", async () => {
    const error = await attempt(`sevrer-${world.id}.invalid`).catch((e) => e);
    expect(error).toMatchObject({ kind: "host-unreachable", facts: { inConfig: false } });
    expect(error.message).toBe(
      `sevrer-${world.id}.invalid is not a Host in your ssh config, and it does not resolve as a host name`,
    );
    expect(sshmount.describeError(error).hint).toContain("sshmount hosts");
    expect(await world.leftovers()).toEqual([]);
  }, 120_000);

  it("a port nothing listens on is host-unreachable, saying the connection was refused", async () => {
    await world.addHost(["Host closedport", `  HostName ${world.server.serverName}`, "  Port 2", "  User demo"]);
    const error = await attempt("closedport").catch((e) => e);
    expect(error).toMatchObject({ kind: "host-unreachable" });
    expect(error.facts.detail).toMatch(/Connection refused/);
    expect(await world.leftovers()).toEqual([]);
  }, 120_000);

  it("an alias ssh would take for an option is refused before anything starts", async () => {
    const error = await attempt("-oProxyCommand=touch /tmp/pwned").catch((e) => e);
    expect(error).toMatchObject({ kind: "invalid-input" });
    expect(await world.leftovers()).toEqual([]);
  }, 120_000);
});

describe("an ssh agent instead of key files", () => {
  let agent: ReturnType<typeof spawn>;
  let env: NodeJS.ProcessEnv;
  let socket: string;
  const knownHosts = () => `  UserKnownHostsFile "${path.join(world.server.stateDir, "known_hosts")}"`;
  const mountWithAgent = (alias: string, remotePath: string, name: string) =>
    sshmount.mount(alias, remotePath, { ...world.options, env, sshConfig: world.server.sshConfig, name });
  const bindsOf = async (mount: MountInfo) =>
    (await world.runtime.docker.getContainer(mount.container).inspect()).HostConfig.Binds ?? [];

  beforeAll(async () => {
    socket = path.join(world.dir, "agent.sock");
    agent = spawn("ssh-agent", ["-D", "-a", socket], { stdio: "ignore" });
    for (let i = 0; i < 50 && !(await fs.stat(socket).catch(() => undefined)); i++) await sleep(100);
    env = { ...world.options.env, SSH_AUTH_SOCK: socket };
    expect((await world.runtime.run("ssh-add", [world.server.identityFile], { env })).exitCode).toBe(0);
  });
  afterAll(() => {
    agent?.kill();
  });

  it("authenticates through the forwarded agent socket", async () => {
    await world.addHost(["Host viaagent", `  HostName ${world.server.serverName}`, "  User demo", knownHosts()]);
    const mount = await mountWithAgent("viaagent", "", `${world.prefix}-agent`);
    expect(await bindsOf(mount)).toEqual([`${socket}:/run/sshmount/agent.sock`]);
    expect(await smb(smbTargetOf(mount), ["ls"])).toContain("Welcome.txt");
    await sshmount.unmount(mount.name, world.options);
  }, 120_000);

  it("is not given to a host with IdentitiesOnly and a key file of its own, where ssh would not ask it", async () => {
    await world.onServer(["mkdir", "-p", "keyed"]);
    const mount = await mountWithAgent("server", "keyed", `${world.prefix}-keyed`);
    expect(await bindsOf(mount)).toEqual([]);
    const info = await world.runtime.docker.getContainer(mount.container).inspect();
    expect(info.Config.Env.filter((line: string) => line.startsWith("SSH_AUTH_SOCK="))).toEqual([]);
    await sshmount.unmount(mount.name, world.options);
  }, 120_000);

  it("signs for a host with IdentitiesOnly whose key file is locked, as ssh does with the key in the agent", async () => {
    // The same key as the agent holds, with a passphrase: only the agent can use it.
    const locked = path.join(world.dir, "locked_copy");
    await fs.copyFile(world.server.identityFile, locked);
    await fs.copyFile(`${world.server.identityFile}.pub`, `${locked}.pub`);
    const rekeyed = await world.runtime.run("ssh-keygen", ["-q", "-p", "-P", "", "-N", "a passphrase", "-f", locked]);
    expect(rekeyed.exitCode).toBe(0);
    await world.addHost([
      "Host lockedagent",
      `  HostName ${world.server.serverName}`,
      "  User demo",
      `  IdentityFile "${locked}"`,
      "  IdentitiesOnly yes",
      knownHosts(),
    ]);
    const mount = await mountWithAgent("lockedagent", "", `${world.prefix}-locked`);
    expect(await bindsOf(mount)).toEqual([`${socket}:/run/sshmount/agent.sock`]);
    expect(await smb(smbTargetOf(mount), ["ls"])).toContain("Welcome.txt");
    await sshmount.unmount(mount.name, world.options);
  }, 120_000);
});

describe("what smbd serves and to whom", () => {
  let mount: MountInfo;

  beforeAll(async () => {
    await world.onServer(["mkdir", "links"]);
    await world.onServer(["sh", "-c", "echo inside > links/inside.txt"]);
    // As the mount container names its own files: sshfs hands the link over unresolved.
    for (const [name, target] of [
      ["inside-link", "inside.txt"],
      ["password-link", "/etc/sshmount/smb_password"],
      ["root-link", "/"],
      ["up-link", ".."],
    ]) {
      await world.onServer(["ln", "-s", target, `links/${name}`]);
    }
    mount = await mountServer("links", "links");
  }, 120_000);
  afterAll(() => sshmount.unmount(mount.name, world.options), 60_000);

  it("serves a symlink that stays inside the share, and none that leaves it", async () => {
    const local = await fs.mkdtemp(path.join(world.dir, "links-"));
    await smb(smbTargetOf(mount), [`lcd ${q(local)}`, "get inside-link copy.txt"]);
    expect(await fs.readFile(path.join(local, "copy.txt"), "utf8")).toBe("inside\n");
    const listing = await smb(smbTargetOf(mount), ["ls"]);
    expect(listing).toContain("inside-link");
    for (const name of ["password-link", "root-link", "up-link"]) expect(listing).not.toContain(name);
    // Samba answers each with its own status (REVISION_MISMATCH, OBJECT_PATH_NOT_FOUND, INVALID_PARAMETER).
    await expect(smb(smbTargetOf(mount), [`lcd ${q(local)}`, "get password-link pw"])).rejects.toThrow(/NT_STATUS_/);
    await expect(fs.stat(path.join(local, "pw"))).rejects.toThrow();
    await expect(smb(smbTargetOf(mount), ["ls root-link/etc/*"])).rejects.toThrow(/NT_STATUS_/);
    await expect(smb(smbTargetOf(mount), ["ls up-link/links/*"])).rejects.toThrow(/NT_STATUS_/);
  });

  it("lets in only this machine: loopback and the network's gateway, not the subnet's last address (OrbStack's Mac)", async () => {
    const conf = await world.runtime.run("docker", ["exec", mount.container, "cat", "/etc/samba/smb.conf"]);
    const network = await world.runtime.docker.getNetwork(world.runtime.network).inspect();
    const gateway = network.IPAM?.Config?.[0]?.Gateway;
    expect(gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(/^\s*hosts allow = (.*)$/m.exec(conf.stdout)?.[1]).toBe(`127.0.0.1 ${gateway}`);
  });
});

describe("a mount that was stopped", () => {
  it("shows as stopped and opens again, serving the same share with the same password", async () => {
    const mount = await mountServer("photos", "photos");
    await world.runtime.docker.getContainer(mount.container).stop();
    expect(await sshmount.logs(mount.name, world.options)).toMatch(/sshmount: ready\nsshmount: stopped\n?$/);
    const stopped = (await sshmount.list(world.options)).find((m) => m.name === mount.name);
    expect(stopped).toMatchObject({ status: "stopped", smb: { url: "" } });

    const { mount: reopened, opened } = await sshmount.open(mount.name, world.options);
    expect(opened).toBe(false);
    expect(reopened).toMatchObject({ name: mount.name, status: "ready", container: mount.container });
    expect(reopened.smb.password).toBe(mount.smb.password);
    expect(await smb(smbTargetOf(reopened), ["ls"])).toContain("samples.txt");
    await sshmount.unmount(mount.name, world.options);
  }, 120_000);

  it("open without a name opens the newest mount", async () => {
    const first = await mountServer("", "a");
    const second = await mountServer("photos", "b");
    expect((await sshmount.open(undefined, world.options)).mount.name).toBe(second.name);
    await sshmount.unmount(second.name, world.options);
    await sshmount.unmount(first.name, world.options);
  }, 120_000);
});

describe("cancelling a mount", () => {
  it("removes the half-made container", async () => {
    const controller = new AbortController();
    const attempt = mountServer("", "cancel", {
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.step === "connecting") controller.abort();
      },
    });
    await expect(attempt).rejects.toMatchObject({ kind: "cancelled", message: "Mount cancelled" });
    expect(await world.leftovers()).toEqual([]);
  }, 120_000);
});

describe("a server that does not answer", () => {
  it("is a timeout within ssh's bounded connect, and leaves no container", async () => {
    const server = world.runtime.docker.getContainer(world.server.serverName);
    await server.pause();
    try {
      const error = await mountServer("", "paused").catch((e) => e);
      expect(error).toMatchObject({ kind: "timeout" });
      expect(sshmount.describeError(error).hint).toContain("ssh server");
      expect(await world.leftovers()).toEqual([]);
    } finally {
      await server.unpause();
    }
  }, 120_000);
});

describe("the health check", () => {
  async function health(container: string, wanted: string, seconds: number): Promise<string | undefined> {
    let status: string | undefined;
    for (let i = 0; i < seconds * 2; i++) {
      status = (await world.runtime.docker.getContainer(container).inspect()).State.Health?.Status;
      if (status === wanted) break;
      await sleep(500);
    }
    return status;
  }

  it("turns unhealthy when the server stops answering, and the mount reads as reconnecting until it is back", async () => {
    const mount = await mountServer("", "health");
    // The check runs every 30 s (container/Dockerfile), the first one 30 s after the start.
    expect(await health(mount.container, "healthy", 45)).toBe("healthy");
    const server = world.runtime.docker.getContainer(world.server.serverName);
    await server.pause();
    try {
      // Reconnecting within 15 s, then two failed checks 30 s apart.
      expect(await health(mount.container, "unhealthy", 100)).toBe("unhealthy");
      expect((await sshmount.list(world.options)).find((m) => m.name === mount.name)?.status).toBe("reconnecting");
    } finally {
      await server.unpause();
    }
    expect(await health(mount.container, "healthy", 45)).toBe("healthy");
    expect(await smb(smbTargetOf(mount), ["ls"])).toContain("Welcome.txt");
    await sshmount.unmount(mount.name, world.options);
  }, 240_000);
});

describe("an idle mount", () => {
  it("costs at most 0.2% of a core (its container's CPU over 60 s, health checks and probes included)", async () => {
    const mount = await mountServer("", "idle");
    const container = world.runtime.docker.getContainer(mount.container);
    const cpu = async () =>
      ((await container.stats({ stream: false })) as { cpu_stats: { cpu_usage: { total_usage: number } } }).cpu_stats
        .cpu_usage.total_usage;
    // Past the start period, so the window holds the health checks a mount pays for all its life.
    await sleep(35_000);
    const [before, started] = [await cpu(), Date.now()];
    await sleep(60_000);
    const percent = ((await cpu()) - before) / ((Date.now() - started) * 1e4);
    process.stderr.write(`mount: idle CPU ${percent.toFixed(3)}% of a core\n`);
    expect(percent).toBeLessThanOrEqual(0.2);
    await sshmount.unmount(mount.name, world.options);
  }, 180_000);
});
