import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import * as sshmount from "../../helper/index";
import type { MountInfo } from "../../helper/index";
import { smb, smbTargetOf, within, type World } from "./harness";
import { closeOwnEngineWorld, createOwnEngineWorld, type OwnEngine } from "./own-engine";

/** The engine itself restarts, or goes away in the middle of a mount. */
let engine: OwnEngine;
let world: World;
beforeAll(async () => {
  ({ engine, world } = await createOwnEngineWorld("engine"));
}, 900_000);
afterAll(() => closeOwnEngineWorld(engine, world), 180_000);

const mountServer = (name: string) =>
  sshmount.mount("server", "", {
    ...world.options,
    sshConfig: world.server.sshConfig,
    name: `${world.prefix}-${name}`,
  });

const listed = async (mount: MountInfo) =>
  (await sshmount.list(world.options)).find((each) => each.name === mount.name);

describe("the engine restarts", () => {
  it("mounts come back by themselves with the same share and password; list says the engine is down while it is", async () => {
    const mount = await mountServer("reboot");
    expect(await smb(smbTargetOf(mount), ["ls"])).toContain("Welcome.txt");
    const pid = engine.pid();
    await engine.stop();
    await expect(sshmount.list(world.options)).rejects.toMatchObject({ kind: "docker-unavailable" });
    await engine.start();
    expect(engine.pid()).not.toBe(pid);
    const started = Date.now();
    expect(await within(90_000, async () => (await listed(mount))?.status === "ready")).toBe(true);
    process.stderr.write(`engine: mount ready again ${Date.now() - started} ms after the engine answered\n`);
    // The engine hands out container addresses anew as it starts them, so the URL may name another IP:
    // list says which, and the share, user and password are the mount's own.
    const after = (await listed(mount))?.smb;
    expect(after).toMatchObject({ share: mount.smb.share, user: mount.smb.user });
    const target = { ...smbTargetOf(mount), host: after?.host ?? "", port: after?.port ?? 0 };
    expect(await smb(target, ["ls"])).toContain("Welcome.txt");
    await sshmount.unmount(mount.name, world.options);
  }, 300_000);
});

describe("the engine goes away mid-mount", () => {
  it("is docker-unavailable, and once the engine is back nothing of the mount is left", async () => {
    // A paused server keeps the mount in "connecting" for as long as ssh's connect timeout.
    const server = world.runtime.docker.getContainer(world.server.serverName);
    await server.pause();
    const attempt = mountServer("gone").catch((error) => error);
    expect(
      await within(30_000, async () => (await world.mountContainers()).some((info) => info.State === "running")),
    ).toBe(true);
    await engine.stop();
    const error = await attempt;
    expect(error).toMatchObject({ kind: "docker-unavailable" });
    expect(sshmount.describeError(error).hint).toMatch(/Start OrbStack/);
    await engine.start();
    // The engine stopped the half-made container; the next verb that looks sweeps it away.
    expect(await sshmount.list(world.options)).toEqual([]);
    expect(await world.leftovers()).toEqual([]);
    await within(60_000, async () => (await server.inspect()).State.Running);
    if ((await server.inspect()).State.Paused) await server.unpause();
  }, 300_000);
});
