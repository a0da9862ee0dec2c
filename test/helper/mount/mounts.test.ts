import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { list, logs, mount, openable, remount, unmount, unmountAll } from "../../../helper/mount/mounts";
import type { MountProgress } from "../../../helper/mount/types";
import type { CommandRunner } from "../../../helper/process";
import { routeFixtures } from "../../fixtures/routes";
import { createFakeRuntime, type FakeRuntime } from "./fake-runtime";

let world: FakeRuntime;
beforeEach(() => {
  world = createFakeRuntime();
});
afterEach(() => world.remove());

const mountWeb = (name?: string) =>
  mount(world.runtime, "web", "", { sshConfig: world.sshConfig, ...(name ? { name } : {}) });
const records = () => [...world.engine.containers.values()];
/** How often `work` asked the engine for its container list. */
async function listings(work: () => Promise<unknown>): Promise<number> {
  const before = world.engine.listed;
  await work();
  return world.engine.listed - before;
}

describe("the mount verbs over one container list each", () => {
  it("opens a stopped mount with one look at the engine's containers", async () => {
    await mountWeb("site");
    records()[0].running = false;
    let opened;
    expect(await listings(async () => (opened = await openable(world.runtime, "site")))).toBe(1);
    expect(opened).toMatchObject({ name: "site", status: "ready" });
    expect(records()[0].running).toBe(true);
  });

  it("opens the mount created last when no name is given, and nothing when there is none", async () => {
    expect(await openable(world.runtime, undefined)).toBeUndefined();
    await mountWeb("first");
    await mount(world.runtime, "web", "/srv", { sshConfig: world.sshConfig, name: "second" });
    const last = await openable(world.runtime, undefined);
    expect(last?.name).toBe("second");
    expect(last?.smb.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it("starts the mount of the same target again instead of making a second one", async () => {
    await mountWeb();
    records()[0].running = false;
    const steps: MountProgress["step"][] = [];
    let again;
    const listed = await listings(
      async () =>
        (again = await mount(world.runtime, "web", "~", {
          sshConfig: world.sshConfig,
          onProgress: ({ step }) => steps.push(step),
        })),
    );
    expect(listed).toBe(1);
    expect(again).toMatchObject({ name: "web", status: "ready" });
    expect(records()).toHaveLength(1);
    expect(steps).toEqual(["connecting", "ready"]);
  });

  it("refuses a name another target holds, and numbers the default name instead", async () => {
    await mountWeb();
    await expect(
      mount(world.runtime, "web", "/srv", { sshConfig: world.sshConfig, name: "web" }),
    ).rejects.toMatchObject({ kind: "name-taken" });
    expect((await mount(world.runtime, "web", "/srv/web", { sshConfig: world.sshConfig })).name).toBe("web-web");
    expect((await mount(world.runtime, "web", "/opt/web", { sshConfig: world.sshConfig })).name).toBe("web-web-2");
  });

  it("remounts with a fresh start of the same container", async () => {
    const first = await mountWeb();
    expect(await listings(() => remount(world.runtime, "web"))).toBe(1);
    expect(records()).toHaveLength(1);
    expect(records()[0].log.match(/^sshmount: connecting$/gm)).toHaveLength(2);
    expect((await list(world.runtime))[0].smb.password).toBeUndefined();
    expect(first.smb.password).toBe(records()[0].files.get("/etc/sshmount/smb_password")?.toString());
  });

  it("unmounts by name and all at once, and says which mount it cannot find", async () => {
    await mountWeb("one");
    await mount(world.runtime, "web", "/srv", { sshConfig: world.sshConfig, name: "two" });
    await mount(world.runtime, "web", "/opt", { sshConfig: world.sshConfig, name: "three" });
    expect(await logs(world.runtime, "one")).toContain("sshmount: ready");
    expect(await unmount(world.runtime, "one")).toEqual(["one"]);
    await expect(unmount(world.runtime, "one")).rejects.toMatchObject({ kind: "not-found", facts: { name: "one" } });
    expect(await unmountAll(world.runtime)).toEqual(["three", "two"]);
    expect(records()).toEqual([]);
  });

  it("lists the mounts around one another client is removing", async () => {
    await mountWeb("one");
    await mount(world.runtime, "web", "/srv", { sshConfig: world.sshConfig, name: "two" });
    records()[0].removing = true;
    expect((await list(world.runtime)).map((each) => each.name)).toEqual(["two"]);
  });
});

describe("a list of twenty mounts", () => {
  it("costs one container list, one log read per mount, no inspect of a running one, and one route lookup", async () => {
    for (let i = 0; i < 20; i++) await mount(world.runtime, "web", `/srv/${i}`, { sshConfig: world.sshConfig });
    // Docker Desktop without a route: the lookup decides alone, so no probe is sent anywhere.
    const fixture = routeFixtures["Docker Desktop alone: the IP falls to the default route"];
    const routes: string[][] = [];
    const run: CommandRunner = async (file, args) => {
      routes.push([file, ...args]);
      return { stdout: fixture.stdout, stderr: fixture.stderr, exitCode: 0, timedOut: false };
    };
    const runtime = { ...world.runtime, platform: "darwin" as const, connection: "auto" as const, run };
    const before = { listed: world.engine.listed, inspected: world.engine.inspected, logs: world.engine.logsRead };
    const mounts = await list(runtime);
    expect(mounts).toHaveLength(20);
    expect(mounts.every((each) => each.status === "ready" && each.smb.host === "127.0.0.1")).toBe(true);
    expect(world.engine.listed - before.listed).toBe(1);
    expect(world.engine.inspected - before.inspected).toBe(0);
    expect(world.engine.logsRead - before.logs).toBe(20);
    expect(routes).toEqual([["/sbin/route", "-n", "get", world.engine.containerIp]]);
  });

  it("reads health from the list entry, and inspects only a mount that is not running", async () => {
    for (const name of ["up", "sick", "down"]) await mountWeb(name);
    const [, sick, down] = records();
    sick.healthy = false;
    down.running = false;
    const before = world.engine.inspected;
    const mounts = await list(world.runtime);
    expect(Object.fromEntries(mounts.map((each) => [each.name, each.status]))).toEqual({
      up: "ready",
      sick: "reconnecting",
      down: "stopped",
    });
    // Both of "down": the sweep's look at a stopped mount (was it abandoned?) and its description.
    expect(world.engine.inspected - before).toBe(2);
  });
});
