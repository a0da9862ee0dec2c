import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import type { FakeContainerRecord } from "../raycast/fake-engine";
import { createUiWorld, removeUiWorld, type UiWorld } from "../raycast/world";
import { replaceBoundaries } from "../raycast/boundaries";

replaceBoundaries(() => world);
const helper = await import("../../helper/index");
const { helperOptions } = await import("../../src/lib/helper-options");

let world: UiWorld;
beforeEach(() => {
  world = createUiWorld();
});
afterEach(() => removeUiWorld(world));

const mountAs = (alias: string, remotePath: string, name?: string) =>
  helper.mount(alias, remotePath, { ...helperOptions(), name });
const mountRecords = () =>
  [...world.engine.containers.values()].filter((record) => record.labels["sshmount.role"] === "mount");
const recordOf = (name: string) =>
  mountRecords().find((record) => record.labels["sshmount.name"] === name) as FakeContainerRecord;

describe("the mount container's creation request", () => {
  it("publishes SMB on 127.0.0.1 only, unprivileged, with exactly the capabilities and device it needs", async () => {
    await mountAs("web", "", "alpha");
    const { HostConfig, ExposedPorts } = recordOf("alpha").request;
    expect(ExposedPorts).toEqual({ "445/tcp": {} });
    expect(Object.keys(HostConfig?.PortBindings ?? {})).toEqual(["445/tcp"]);
    expect(HostConfig?.PortBindings?.["445/tcp"]).toEqual([{ HostIp: "127.0.0.1", HostPort: expect.any(String) }]);
    expect(HostConfig?.Privileged).toBeFalsy();
    expect(HostConfig?.CapDrop).toEqual(["ALL"]);
    expect([...(HostConfig?.CapAdd ?? [])].sort()).toEqual(["SETGID", "SETUID", "SYS_ADMIN"]);
    expect(HostConfig?.SecurityOpt).toEqual(["no-new-privileges"]);
    expect(HostConfig?.Devices).toEqual([
      { PathOnHost: "/dev/fuse", PathInContainer: "/dev/fuse", CgroupPermissions: "rwm" },
    ]);
    // No agent in this world: nothing of the Mac is bind-mounted.
    expect(HostConfig?.Binds).toEqual([]);
    expect(HostConfig?.NetworkMode).toBe("sshmount");
  });

  it("comes back by itself (unless-stopped) only once it served: the policy is 'no' while it connects", async () => {
    const policies: string[] = [];
    world.engine.behaviours.set("web", () => {
      policies.push(recordOf("alpha").restartPolicy);
      return { lines: ["sshmount: connecting", "sshmount: ready"] };
    });
    await mountAs("web", "", "alpha");
    expect(recordOf("alpha").request.HostConfig?.RestartPolicy?.Name).toBe("no");
    expect(policies).toEqual(["no"]);
    expect(recordOf("alpha").restartPolicy).toBe("unless-stopped");
  });

  it("keeps a failed mount's policy at 'no': it is removed, never restarted", async () => {
    const policies: string[] = [];
    world.engine.behaviours.set("web", () => {
      policies.push(recordOf("alpha").restartPolicy);
      return { lines: ["sshmount: connecting", "sshmount: error: mount failed: Connection refused"], exitCode: 1 };
    });
    await expect(mountAs("web", "", "alpha")).rejects.toThrow();
    expect(policies).toEqual(["no"]);
    expect(mountRecords()).toEqual([]);
  });

  it("gives each mount its own SMB password of at least 192 random bits, in a file only root can read", async () => {
    const alpha = await mountAs("web", "", "alpha");
    const beta = await mountAs("pw", "", "beta");
    for (const [info, record] of [
      [alpha, recordOf("alpha")],
      [beta, recordOf("beta")],
    ] as const) {
      const file = record.files.get("/etc/sshmount/smb_password")?.toString() ?? "";
      expect(file).toBe(info.smb.password);
      expect(file).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(file, "base64url").length * 8).toBeGreaterThanOrEqual(192);
      expect(record.modes.get("/etc/sshmount/smb_password")).toBe(0o600);
      // Every input file 0600 and every folder 0700: ssh refuses keys others could read.
      for (const [entry, mode] of record.modes)
        expect([entry, mode]).toEqual([entry, entry.endsWith("/") ? 0o700 : 0o600]);
    }
    expect(alpha.smb.password).not.toBe(beta.smb.password);
    // The password never travels in the request itself (env, labels, command).
    const request = JSON.stringify(recordOf("alpha").request);
    expect(request).not.toContain(alpha.smb.password as string);
  });
});

describe("the sweep of half-made mount containers", () => {
  it("removes a mount container created but never started once past the grace period, and leaves a new one", async () => {
    await mountAs("web", "", "alpha");
    await mountAs("pw", "", "beta");
    await mountAs("inner", "", "gamma");
    const halfMade = { running: false, started: false, log: "" };
    Object.assign(recordOf("beta"), halfMade, { created: Math.floor(Date.now() / 1000) - 3600 });
    Object.assign(recordOf("gamma"), halfMade);
    const names = (await helper.list(helperOptions())).map((mount) => mount.name).sort();
    expect(names).toEqual(["alpha", "gamma"]);
    expect(recordOf("beta")).toBeUndefined();
    expect(recordOf("gamma")).toBeDefined();
  });

  it("removes a mount container that never served and was stopped when a new mount looks for its name", async () => {
    await mountAs("web", "", "alpha");
    Object.assign(recordOf("alpha"), {
      running: false,
      restartPolicy: "no",
      log: "sshmount: connecting\nsshmount: stopped: the process that created this mount went away before it was ready\n",
    });
    const before = recordOf("alpha").id;
    await mountAs("web", "", "alpha");
    expect(mountRecords().map((record) => record.id)).not.toContain(before);
    expect(recordOf("alpha")).toMatchObject({ running: true, restartPolicy: "unless-stopped" });
  });
});

describe("one alias at two paths", () => {
  it("gives two mounts with distinct names when no --name is given, and reuses each for its own path", async () => {
    const first = await mountAs("web", "projects");
    const second = await mountAs("web", "logs");
    expect(first.name).not.toBe(second.name);
    expect(mountRecords()).toHaveLength(2);
    expect((await mountAs("web", "logs")).name).toBe(second.name);
    expect((await mountAs("web", "projects")).name).toBe(first.name);
    expect(mountRecords()).toHaveLength(2);
  });
});
