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
