import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import * as helper from "../../helper/index";
import type { MountOptions, MountProgress } from "../../helper/index";
import { writeSshClient } from "../fixtures/ssh-client";
import { FakeAppleScript } from "../raycast/fake-applescript";
import { FakeEngine, refusedLogin } from "../raycast/fake-engine";
import { FakeProcesses } from "../raycast/fake-processes";

/**
 * The verbs of helper/index.ts over an injected engine, runner and AppleScript runner: the helper below
 * them is the real one (real ssh -G on the test's config, real input files, the entrypoint's log
 * protocol), only Docker and macOS are stand-ins.
 */
let dir: string;
let engine: FakeEngine;
let processes: FakeProcesses;
let appleScripts: FakeAppleScript;
let options: MountOptions;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sshmount-index-"));
  const { sshConfig } = writeSshClient(
    dir,
    { web: ["HostName web.example", "User ann"], db: ["HostName db.example", "User ann", "Port 2222"] },
    ["web.example", "[db.example]:2222"],
  );
  engine = new FakeEngine();
  processes = new FakeProcesses();
  appleScripts = new FakeAppleScript();
  options = {
    env: { PATH: process.env.PATH, HOME: dir, USER: "ann", XDG_CACHE_HOME: path.join(dir, "cache") },
    home: dir,
    platform: "darwin",
    sshConfig,
    dockerSocket: path.join(dir, "docker.sock"),
    connection: "localhost",
    dockerClient: engine.client,
    run: processes.run,
    appleScript: appleScripts.run,
  };
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const mountContainers = () =>
  [...engine.containers.values()].filter((record) => record.labels["sshmount.role"] === "mount");

describe("hosts", () => {
  it("lists the config's hosts with what ssh -G resolves for each, through the injected runner", async () => {
    const hosts = await helper.hosts(options);
    expect(hosts.map((host) => [host.alias, host.user, host.hostName, host.port])).toEqual([
      ["web", "ann", "web.example", 22],
      ["db", "ann", "db.example", 2222],
    ]);
    expect(processes.calls.some((call) => call.file === "ssh" && call.args.includes("-G"))).toBe(true);
    // Listing hosts needs no engine.
    expect(engine.clients).toEqual([]);
  });
});

describe("mount, list, logs, unmount", () => {
  it("mounts a host on a loopback port, reporting each step, and lists, logs and unmounts it", async () => {
    const steps: MountProgress[] = [];
    const mounted = await helper.mount("web", "", { ...options, name: "site", onProgress: (p) => steps.push(p) });
    expect(mounted).toMatchObject({ name: "site", alias: "web", status: "ready" });
    expect(mounted.smb).toMatchObject({ host: "127.0.0.1", port: Number(engine.publishedPort("site")), share: "site" });
    expect(steps[0]).toEqual({ step: "docker", message: "Checking Docker" });
    expect(steps.at(-1)?.step).toBe("ready");
    expect(steps.map((step) => step.step)).toContain("connecting");

    expect((await helper.list(options)).map((mount) => [mount.name, mount.status])).toEqual([["site", "ready"]]);
    expect(await helper.logs("site", options)).toContain("sshmount: ready");
    expect(await helper.unmount("site", options)).toEqual(["site"]);
    expect(mountContainers()).toEqual([]);
    expect(await helper.list(options)).toEqual([]);
  });

  it("connects to the endpoint the options name: a ping client with a timeout, then one without", async () => {
    await helper.list(options);
    const socketPath = path.join(dir, "docker.sock");
    expect(engine.clients).toEqual([{ socketPath, timeout: 5_000 }, { socketPath }]);
  });

  it("unmountAll removes every mount and names them", async () => {
    await helper.mount("web", "", { ...options, name: "one" });
    await helper.mount("db", "", { ...options, name: "two" });
    expect((await helper.unmountAll(options)).sort()).toEqual(["one", "two"]);
    expect(mountContainers()).toEqual([]);
  });

  it("remount restarts the container with the same share and password, and waits until it serves", async () => {
    const first = await helper.mount("web", "", { ...options, name: "site" });
    const [record] = mountContainers();
    const again = await helper.remount("site", options);
    expect(again).toMatchObject({ name: "site", status: "ready" });
    expect(mountContainers()).toEqual([record]);
    expect(record.log.match(/^sshmount: ready$/gm)).toHaveLength(2);
    expect((await helper.open("site", options)).mount.smb.password).toBe(first.smb.password);
  });

  it("says the server refused the login, and leaves no container behind", async () => {
    engine.behaviours.set("web", refusedLogin("ann@web.example"));
    await expect(helper.mount("web", "", { ...options, name: "site" })).rejects.toMatchObject({ kind: "auth-failed" });
    expect(mountContainers()).toEqual([]);
  });

  it("refuses a bad name before it asks the engine anything", async () => {
    await expect(helper.mount("web", "", { ...options, name: "../x" })).rejects.toMatchObject({
      kind: "invalid-input",
    });
    expect(engine.clients).toEqual([]);
  });
});

describe("an alias ssh cannot resolve", () => {
  // What the entrypoint logs when ssh cannot resolve the name (test/fixtures/ssh-failures.ts).
  const unresolved = (name: string) => () => ({
    lines: [
      "sshmount: connecting",
      `sshmount: ssh: ssh: Could not resolve hostname ${name}: Name or service not known`,
      `sshmount: error: mount failed: ssh: Could not resolve hostname ${name}: Name or service not known`,
    ],
    exitCode: 1,
  });

  it("is named as missing from the ssh config when it is not a Host there", async () => {
    engine.behaviours.set("wbe", unresolved("wbe"));
    const error = await helper.mount("wbe", "", options).catch((e) => e);
    expect(error).toMatchObject({ kind: "host-unreachable", facts: { inConfig: false } });
    expect(error.message).toBe("wbe is not a Host in your ssh config, and it does not resolve as a host name");
  });

  it("keeps ssh's own error when it is a Host there (the name it points at is what fails)", async () => {
    engine.behaviours.set("web", unresolved("web.example"));
    const error = await helper.mount("web", "", options).catch((e) => e);
    expect(error).toMatchObject({ kind: "host-unreachable" });
    expect(error.facts.inConfig).toBeUndefined();
  });
});

describe("the engine", () => {
  it("at an address that is not on this machine is refused before any client is made", async () => {
    await expect(helper.list({ ...options, dockerSocket: "tcp://192.0.2.1:2375" })).rejects.toMatchObject({
      kind: "unsupported",
    });
    expect(engine.clients).toEqual([]);
  });

  it("not answering is docker-unavailable, naming the endpoint it tried", async () => {
    engine.down = "connect ENOENT";
    await expect(helper.list(options)).rejects.toMatchObject({
      kind: "docker-unavailable",
      facts: { tried: [`unix://${path.join(dir, "docker.sock")}`], detail: "connect ENOENT" },
    });
  });

  it("going away mid-verb is docker-unavailable, not the socket's own error", async () => {
    const socketPath = path.join(dir, "docker.sock");
    const lost = Object.assign(new Error(`connect ENOENT ${socketPath}`), {
      code: "ENOENT",
      syscall: "connect",
      address: socketPath,
    });
    const vanishing: typeof engine.client = (dockerOptions) => {
      const docker = engine.client(dockerOptions);
      docker.listContainers = async () => Promise.reject(lost);
      return docker;
    };
    const error = await helper.list({ ...options, dockerClient: vanishing }).catch((e) => e);
    expect(error).toMatchObject({ kind: "docker-unavailable" });
    expect(error.message).toContain("stopped answering");
    expect(error.cause).toBe(lost);
  });
});

describe("open", () => {
  it("opens the mount created last when no name is given: the share through AppleScript, its volume with open", async () => {
    await helper.mount("web", "", { ...options, name: "old" });
    const latest = await helper.mount("db", "", { ...options, name: "new" });
    const result = await helper.open(undefined, options);
    expect(result).toMatchObject({ opened: true, volume: "/Volumes/new", mount: { name: "new" } });
    expect(appleScripts.calls.map((call) => call.script)).toEqual([
      expect.stringContaining(`mount volume "${latest.smb.url}"`),
    ]);
    expect(processes.calls.filter((call) => call.file === "/usr/bin/open").map((call) => call.args)).toEqual([
      ["/Volumes/new"],
    ]);
  });

  it("starts a stopped mount first", async () => {
    await helper.mount("web", "", { ...options, name: "site" });
    const [record] = mountContainers();
    record.running = false;
    const steps: string[] = [];
    const result = await helper.open("site", { ...options, onProgress: (p) => steps.push(p.step) });
    expect(result.mount.status).toBe("ready");
    expect(record.running).toBe(true);
    expect(steps).toContain("connecting");
  });

  it("with no mount at all says to mount a host first", async () => {
    await expect(helper.open(undefined, options)).rejects.toMatchObject({ kind: "not-found" });
    expect(appleScripts.calls).toEqual([]);
  });

  it("on Linux mounts nothing in Finder and says so", async () => {
    await helper.mount("web", "", { ...options, name: "site" });
    await expect(helper.open("site", { ...options, platform: "linux" })).resolves.toMatchObject({ opened: false });
    expect(appleScripts.calls).toEqual([]);
  });
});

describe("a mount's fixed address", () => {
  const fixedAddress = (name: string) => {
    const record = mountContainers().find((each) => each.labels["sshmount.name"] === name);
    return [
      record?.labels["sshmount.address"],
      record?.request.NetworkingConfig?.EndpointsConfig?.sshmount?.IPAMConfig,
    ];
  };

  it("is the highest free one of the network's subnet, kept by a stopped mount too, and is the URL's", async () => {
    engine.subnet = "172.30.0.0/24";
    await helper.mount("web", "", { ...options, name: "one" });
    expect(fixedAddress("one")).toEqual(["172.30.0.253", { IPv4Address: "172.30.0.253" }]);
    const [record] = mountContainers();
    record.running = false;
    const two = await helper.mount("db", "", { ...options, name: "two", connection: "bridge" });
    expect(fixedAddress("two")).toEqual(["172.30.0.252", { IPv4Address: "172.30.0.252" }]);
    expect(two.smb.url).toBe("smb://sshmount@172.30.0.252/two");
  });

  it("is none on a network whose subnet the engine chose: the mount is made without one", async () => {
    engine.subnet = "172.30.0.0/24";
    engine.subnetChosenByEngine = true;
    await expect(helper.mount("web", "", { ...options, name: "one" })).resolves.toMatchObject({ status: "ready" });
    expect(fixedAddress("one")).toEqual([undefined, undefined]);
  });
});

describe("openAll (Reconnect All)", () => {
  /**
   * `/sbin/mount` as macOS prints it, "FROM on MOUNTPOINT (TYPE, options)" (Apple diskdev_cmds
   * mount.tproj/mount.c prmount), an smbfs FROM as mount_smbfs(8) names it: //user@host[:port]/share.
   */
  const finderHas = (shares: { port: number; share: string }[]) =>
    [
      "/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)",
      ...shares.map(
        ({ port, share }) =>
          `//sshmount@127.0.0.1:${port}/${share} on /Volumes/${share} (smbfs, nodev, nosuid, mounted by ann)`,
      ),
    ].join("\n") + "\n";

  it("opens every ready mount Finder has no volume for, reading what is mounted once, and leaves the rest", async () => {
    await helper.mount("web", "", { ...options, name: "alpha" });
    await helper.mount("db", "", { ...options, name: "beta" });
    await helper.mount("web", "docs", { ...options, name: "gamma" });
    await helper.mount("db", "logs", { ...options, name: "delta" });
    const record = (name: string) => mountContainers().find((each) => each.labels["sshmount.name"] === name);
    Object.assign(record("gamma") ?? {}, { running: false });
    Object.assign(record("delta") ?? {}, { log: "sshmount: connecting\n" });
    const port = Number(engine.publishedPort("beta"));
    processes.scripted.set("/sbin/mount", () => ({ exitCode: 0, stdout: finderHas([{ port, share: "beta" }]) }));

    const result = await helper.openAll(options);
    expect(result.opened.map((each) => [each.mount.name, each.volume])).toEqual([["alpha", "/Volumes/alpha"]]);
    expect(result.inFinder.map((each) => [each.mount.name, each.volume])).toEqual([["beta", "/Volumes/beta"]]);
    expect(result.notReady.map((each) => [each.name, each.status])).toEqual([["delta", "starting"]]);
    expect(processes.calls.filter((call) => call.file === "/sbin/mount")).toHaveLength(1);
    expect(appleScripts.calls.map((call) => call.script)).toEqual([expect.stringContaining('/alpha" as user name')]);
    // A stopped mount stays stopped: starting it is the user's call, one mount at a time.
    expect(record("gamma")?.running).toBe(false);
  });

  it("with Finder holding every mount does nothing", async () => {
    await helper.mount("web", "", { ...options, name: "alpha" });
    const port = Number(engine.publishedPort("alpha"));
    processes.scripted.set("/sbin/mount", () => ({ exitCode: 0, stdout: finderHas([{ port, share: "alpha" }]) }));
    await expect(helper.openAll(options)).resolves.toMatchObject({ opened: [], notReady: [] });
    expect(appleScripts.calls).toEqual([]);
  });

  it("stops at the first mount Finder refuses, with Finder's reason", async () => {
    await helper.mount("web", "", { ...options, name: "alpha" });
    await helper.mount("db", "", { ...options, name: "beta" });
    appleScripts.answer = () =>
      Object.assign(new Error("Command failed"), {
        stderr: "0:120: execution error: Not authorized to send Apple events to Finder. (-1743)",
      });
    await expect(helper.openAll(options)).rejects.toMatchObject({
      kind: "finder-failed",
      facts: { finder: "not-permitted" },
    });
    expect(appleScripts.calls).toHaveLength(1);
  });

  it("on Linux reads no mount table and hands back every ready mount's URL, unopened", async () => {
    await helper.mount("web", "", { ...options, name: "alpha" });
    const result = await helper.openAll({ ...options, platform: "linux" });
    expect(result.opened).toMatchObject([{ opened: false, mount: { name: "alpha" } }]);
    expect(processes.calls.filter((call) => call.file === "/sbin/mount")).toEqual([]);
  });
});

describe("stopDemo", () => {
  it("removes the demo mount and leaves other mounts alone", async () => {
    await helper.mount("web", "", { ...options, name: "demo" });
    await helper.mount("web", "", { ...options, name: "site" });
    await helper.stopDemo(options);
    expect(mountContainers().map((record) => record.labels["sshmount.name"])).toEqual(["site"]);
  });

  it("with no demo running does nothing", async () => {
    await expect(helper.stopDemo(options)).resolves.toBeUndefined();
    expect(engine.containers.size).toBe(0);
  });
});
