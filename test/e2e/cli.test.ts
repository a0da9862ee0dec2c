import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { main } from "../../helper/cli/cli";
import { fingerprintOf } from "../../helper/ssh/known-hosts";
import { createWorld, repoRoot, smb, sshmountCli, type World } from "./harness";

const cliArgv = (args: string[]) => [process.execPath, path.join(repoRoot, "bin", "sshmount.mjs"), ...args];

/** Starts `argv` (the built CLI, as sshmountCli runs it) and hands back the process, so a test can signal it. */
function startCli(world: World, argv: string[]) {
  const child = spawn(argv[0], argv.slice(1), { env: world.options.env });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<number>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? (signal ? -1 : 0))),
  );
  const output = () => ({ stdout, stderr });
  /** Resolves once stderr (or stdout) shows `text`; fails the test after `ms`. */
  const shows = async (text: string, ms = 30_000) => {
    const deadline = Date.now() + ms;
    while (!`${stdout}${stderr}`.includes(text)) {
      if (Date.now() > deadline) throw new Error(`the CLI never printed "${text}":\n${stdout}\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { child, exited, output, shows };
}

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
    expect(Object.keys(mounted).sort()).toEqual([
      "alias",
      "container",
      "metadata",
      "name",
      "remotePath",
      "smb",
      "status",
    ]);
    expect(Object.keys(mounted.smb).sort()).toEqual(["host", "password", "port", "share", "url", "user"]);
    expect(mounted).toMatchObject({
      name: name(),
      alias: "server",
      remotePath: "~/Project Notes",
      status: "ready",
      container: `sshmount-${name()}`,
      metadata: "mac",
    });
    expect(await smb(mounted.smb, ["ls"])).toContain("Ideas.md");
  }, 120_000);

  it("text output hides the SMB password unless --show-password asks for it", async () => {
    const args = ["mount", "server:Project Notes", "--name", name(), "--ssh-config", world.server.sshConfig];
    const plain = await sshmountCli(world, args);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^ {2}Password: hidden \(add --show-password, or use --json\)$/m);
    expect(plain.stdout).not.toContain(mounted.smb.password);
    const shown = await sshmountCli(world, [...args, "--show-password"]);
    expect(shown.stdout).toMatch(new RegExp(`^ {2}Password: ${mounted.smb.password}$`, "m"));
    const opened = await sshmountCli(world, ["open", name(), "--show-password"]);
    expect(opened.stdout).toContain(`Password: ${mounted.smb.password}`);
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
    expect(text.stdout).toMatch(/Finder uses the localhost port: the connection mode is set to localhost/);
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

  it("open --all (Reconnect All) prints each ready mount's URL where there is no Finder to open it in", async () => {
    const result = await sshmountCli(world, ["open", "--all"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`smb://sshmount@${mounted.smb.host}/${name()}\n`);
    const asJson = JSON.parse((await sshmountCli(world, ["open", "--all", "--json"])).stdout);
    expect(asJson.opened).toEqual(expect.arrayContaining([expect.objectContaining({ name: name(), opened: false })]));
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

  it("usage errors exit 2 with the verb's usage; --version prints package.json's version", async () => {
    const usage = await sshmountCli(world, ["unmount"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("Usage:\n  sshmount unmount NAME | --all");
    const { version } = JSON.parse(await fs.readFile(path.join(repoRoot, "package.json"), "utf8"));
    expect(await sshmountCli(world, ["--version"])).toMatchObject({ code: 0, stdout: `sshmount ${version}\n` });
  });

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)(
    "%s mid-mount waits for the cleanup, exits %i and leaves nothing",
    async (signal, code) => {
      // A paused server keeps the mount in "Connecting" for as long as the test needs.
      const server = world.runtime.docker.getContainer(world.server.serverName);
      await server.pause();
      try {
        const before = await world.leftovers();
        const cli = startCli(
          world,
          cliArgv(["mount", "server", "--name", `${world.prefix}-sig`, "--ssh-config", world.server.sshConfig]),
        );
        await cli.shows("Connecting to server");
        cli.child.kill(signal);
        expect(await cli.exited).toBe(code);
        // The suite's own mount is still up; the cancelled one and its container are gone.
        expect(await world.leftovers()).toEqual(before);
        const lines = cli.output().stderr.trim().split("\n");
        expect(lines.slice(-2)).toEqual([
          "Cancelling: removing what was created… (Ctrl-C again quits at once)",
          "sshmount: Mount cancelled. Nothing was left behind; mount again when you are ready.",
        ]);
      } finally {
        await server.unpause();
      }
    },
    120_000,
  );

  it("--password-stdin on a terminal prompts and does not echo what is typed", async () => {
    // util-linux script(1) gives the CLI a real pseudo-terminal; -e passes its exit code on.
    const command = cliArgv(["mount", "server", "--password-stdin", "--ssh-config", world.server.sshConfig]);
    const cli = startCli(world, ["script", "-qec", command.map((word) => `'${word}'`).join(" "), "/dev/null"]);
    await cli.shows("Password for demo@");
    cli.child.stdin.write("hunter2");
    await new Promise((resolve) => setTimeout(resolve, 300));
    cli.child.stdin.write("\u0003");
    expect(await cli.exited).toBe(130);
    const { stdout } = cli.output();
    expect(stdout).toContain(`Password for demo@${world.server.serverName}: `);
    expect(stdout).not.toContain("hunter2");
    expect(stdout).toContain("Cancelled at the password prompt");
    cli.child.stdin.end();
  }, 60_000);

  it("unmount --json removes it and leaves no container", async () => {
    const result = await sshmountCli(world, ["unmount", name(), "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ unmounted: [name()] });
    expect(await world.mountContainers()).toEqual([]);
  });
});

describe("sshmount demo, the README's first command", () => {
  it("heals a demo key whose .pub was deleted, and names a file it cannot write instead of blaming Docker", async () => {
    const cache = path.join(world.dir, "scratch-cache");
    const scratch = { ...world, options: { ...world.options, env: { ...world.options.env, XDG_CACHE_HOME: cache } } };
    const state = path.join(cache, "sshmount", "demo");
    try {
      expect((await sshmountCli(scratch, ["demo", "--json"])).code).toBe(0);
      const publicKey = await fs.readFile(path.join(state, "id_ed25519.pub"), "utf8");
      await fs.rm(path.join(state, "id_ed25519.pub"));
      // Before the fix: "The Docker engine … stopped answering" (the fs ENOENT was taken for the socket's).
      const again = await sshmountCli(scratch, ["demo"]);
      expect({ code: again.code, stderr: again.stderr }).toMatchObject({ code: 0 });
      expect(again.stdout).toMatch(/^Mounted sshmount-demo:.* as "demo" \(ready\)$/m);
      expect((await fs.readFile(path.join(state, "id_ed25519.pub"), "utf8")).split(" ").slice(0, 2)).toEqual(
        publicKey.split(" ").slice(0, 2),
      );
      // A file the demo must write that it cannot (a folder in its place: root ignores permissions).
      const knownHosts = path.join(state, "known_hosts");
      await fs.rm(knownHosts);
      await fs.mkdir(knownHosts);
      const blocked = await sshmountCli(scratch, ["demo", "--json"]);
      expect(blocked.code).toBe(1);
      expect(JSON.parse(blocked.stdout).error).toMatchObject({
        kind: "file-access",
        message: `sshmount cannot write ${knownHosts}: it is a folder`,
      });
      expect(blocked.stderr).not.toMatch(/Docker engine/);
      await fs.rm(knownHosts, { recursive: true });
    } finally {
      await sshmountCli(scratch, ["demo", "--stop"]);
    }
  }, 300_000);

  it("on a Mac whose Finder cannot open the share, says the mount is ready and why Finder failed (exit 1)", async () => {
    let stdout = "";
    let stderr = "";
    // The helper runs as on macOS, whose tools are absent here: Finder's first step (osascript) cannot start.
    const options = { ...world.options, platform: "darwin" as const };
    try {
      const code = await main(["demo"], {
        stdout: (text) => (stdout += text),
        stderr: (text) => (stderr += text),
        options,
      });
      expect({ code, stderr }).toMatchObject({ code: 1 });
      expect(stdout).toMatch(/^Mounted sshmount-demo:.* as "demo" \(ready\)$/m);
      expect(stdout).toMatch(/^The demo is mounted and ready at smb:\/\/\S+; open it again with: sshmount open demo$/m);
      expect(stderr.trim().split("\n").pop()).toMatch(
        /^sshmount: Finder could not open the demo: The program \/usr\/bin\/osascript was not found\. osascript ships with macOS/,
      );
    } finally {
      await sshmountCli(world, ["demo", "--stop"]);
    }
  }, 300_000);

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
