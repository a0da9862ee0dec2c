import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { fingerprintOf } from "../../helper/ssh/known-hosts";
import { createWorld, smb, sshmountCli, type World } from "./harness";

let world: World;
beforeAll(async () => {
  world = await createWorld("cli");
}, 900_000);
afterAll(() => world?.close(), 120_000);

describe("the sshmount CLI, as scripts use it", () => {
  const name = () => `${world.prefix}-notes`;
  let mounted: { name: string; smb: { host: string; port: number; share: string; user: string; password: string } };

  it("hosts --json lists the config's aliases as OpenSSH resolves them", async () => {
    const result = await sshmountCli(world, ["hosts", "--ssh-config", world.server.sshConfig, "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      {
        alias: "server",
        hostName: world.server.serverName,
        user: "demo",
        port: 22,
        proxyJump: null,
        source: { file: world.server.sshConfig, line: 1 },
      },
    ]);
  });

  it("mount --json prints exactly the documented object, progress on stderr", async () => {
    const result = await sshmountCli(world, [
      "mount",
      "server:Project Notes",
      "--name",
      name(),
      "--ssh-config",
      world.server.sshConfig,
      "--json",
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Connecting to server");
    mounted = JSON.parse(result.stdout);
    expect(Object.keys(mounted).sort()).toEqual(["alias", "container", "name", "remotePath", "smb", "status"]);
    expect(Object.keys(mounted.smb).sort()).toEqual(["host", "password", "port", "share", "url", "user"]);
    expect(mounted).toMatchObject({
      name: name(),
      alias: "server",
      remotePath: "~/Project Notes",
      status: "ready",
      container: `sshmount-${name()}`,
    });
    expect(await smb(mounted.smb, ["ls"])).toContain("Ideas.md");
  }, 120_000);

  it("list --json shows it without the password; logs show the entrypoint's story", async () => {
    const list = await sshmountCli(world, ["list", "--json"]);
    expect(list.code).toBe(0);
    const entry = JSON.parse(list.stdout).find((m: { name: string }) => m.name === name());
    expect(entry).toMatchObject({ status: "ready", smb: { url: `smb://sshmount@${mounted.smb.host}/${name()}` } });
    expect(entry.smb).not.toHaveProperty("password");
    const logs = await sshmountCli(world, ["logs", name()]);
    expect(logs.stdout).toMatch(/sshmount: connecting[\s\S]*sshmount: ready/);
    expect(logs.stdout).not.toContain(mounted.smb.password);
  });

  it("doctor names the runtime, the network's routing option and how it reaches a running mount", async () => {
    const result = await sshmountCli(world, ["doctor", "--json"]);
    const report = JSON.parse(result.stdout);
    expect(report.docker).toMatchObject({ ok: true, runtime: "linux" });
    expect(report.network).toMatchObject({
      exists: true,
      options: { "com.docker.network.bridge.gateway_mode_ipv4": "nat-unprotected" },
    });
    expect(report.reach).toMatchObject({
      ip: mounted.smb.host,
      route: { via: "direct", reachable: true },
      probe: "open",
      connection: { mode: "bridge" },
    });
    const text = await sshmountCli(world, ["doctor", "--connect", "localhost"]);
    expect(text.stdout).toMatch(/^Reach: .*route direct \(br-[0-9a-f]+\), port 445 open$/m);
    expect(text.stdout).toMatch(/Finder uses the localhost port: the connection mode is localhost/);
  }, 60_000);

  it("remount reconnects the same container, which serves the same share with the same password", async () => {
    const result = await sshmountCli(world, ["remount", name(), "--json"]);
    expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: 0 });
    expect(JSON.parse(result.stdout)).toMatchObject({ name: name(), status: "ready", container: `sshmount-${name()}` });
    const logs = await sshmountCli(world, ["logs", name()]);
    expect(logs.stdout.match(/sshmount: connecting/g)).toHaveLength(2);
    expect(await smb(mounted.smb, ["ls"])).toContain("Ideas.md");
  }, 120_000);

  it("open prints the URL where there is no Finder", async () => {
    const result = await sshmountCli(world, ["open", name()]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`smb://sshmount@${mounted.smb.host}/${name()}`);
  });

  it("a failure exits 1 with one line on stderr and a JSON error on stdout", async () => {
    await fs.writeFile(path.join(world.dir, "empty_known_hosts"), "");
    await world.addHost([
      "Host stranger",
      `  HostName ${world.server.serverName}`,
      "  User demo",
      `  IdentityFile "${world.server.identityFile}"`,
      `  UserKnownHostsFile "${path.join(world.dir, "empty_known_hosts")}"`,
    ]);
    const result = await sshmountCli(world, [
      "mount",
      "stranger",
      "--name",
      `${world.prefix}-x`,
      "--ssh-config",
      world.server.sshConfig,
      "--json",
    ]);
    expect(result.code).toBe(1);
    const fingerprint = fingerprintOf(world.server.hostPublicKey.split(" ")[1]);
    expect(JSON.parse(result.stdout).error).toMatchObject({
      kind: "host-key-unknown",
      hint: expect.stringContaining(`--trust-host-key ${fingerprint}`),
      hostKey: { type: "ssh-ed25519", fingerprint },
    });
    const lastLine = result.stderr.trim().split("\n").pop();
    expect(lastLine).toBe(
      `sshmount: The host key of stranger is not in your known_hosts; it presents ssh-ed25519 ${fingerprint}. ` +
        `Compare ${fingerprint} with the server's own key (\`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\` on it). ` +
        `If they match, mount again with --trust-host-key ${fingerprint}.`,
    );
  }, 120_000);

  it("usage errors exit 2", async () => {
    expect((await sshmountCli(world, ["unmount"])).code).toBe(2);
  });

  it("unmount --json removes it and leaves no container", async () => {
    const result = await sshmountCli(world, ["unmount", name(), "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ unmounted: [name()] });
    expect(await world.mountContainers()).toEqual([]);
  });
});

describe("sshmount demo, the README's first command", () => {
  it("mounts the bundled demo server, which smbclient reads through the printed URL, and stops cleanly", async () => {
    const result = await sshmountCli(world, ["demo", "--json"]);
    expect(result.code).toBe(0);
    const mount = JSON.parse(result.stdout);
    expect(mount).toMatchObject({ name: "demo", status: "ready", alias: "sshmount-demo" });
    const url = new URL(mount.smb.url);
    const listing = await smb(
      { ...mount.smb, host: url.hostname, port: Number(url.port || 445), share: url.pathname.slice(1) },
      ["ls"],
    );
    expect(listing).toContain("Welcome.txt");

    const stop = await sshmountCli(world, ["demo", "--stop"]);
    expect(stop.code).toBe(0);
    const left = await world.runtime.docker.listContainers({
      all: true,
      filters: { name: ["sshmount-demo-server", "sshmount-demo$"] },
    });
    expect(left).toEqual([]);
  }, 300_000);
});
