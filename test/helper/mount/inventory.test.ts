import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { byName, findMount, managedContainers, newest, sameTarget } from "../../../helper/mount/inventory";
import { createFakeRuntime, type FakeRuntime } from "./fake-runtime";

let world: FakeRuntime;
beforeEach(() => {
  world = createFakeRuntime();
});
afterEach(() => world.remove());

const labels = (name: string, more: Record<string, string> = {}) => ({
  "sshmount.role": "mount",
  "sshmount.name": name,
  "sshmount.alias": "web",
  "sshmount.remote-path": "",
  "sshmount.ssh-config": "",
  "sshmount.created": "2026-12-01T10:00:00.000Z",
  ...more,
});

async function container(name: string, Labels: Record<string, string>, state: "created" | "ready" | "stopped") {
  await world.runtime.docker.createContainer({ name: `sshmount-${name}`, Labels });
  const record = [...world.engine.containers.values()].at(-1)!;
  if (state !== "created") {
    record.started = true;
    record.log =
      state === "ready" ? "sshmount: connecting\nsshmount: ready\n" : "sshmount: connecting\nsshmount: stopped\n";
    record.running = state === "ready";
  }
  return record;
}

const names = async () =>
  (await managedContainers(world.runtime.docker)).map((summary) => summary.Labels["sshmount.name"]);

describe("the mount containers the engine lists", () => {
  it("are those whose labels pass, never another role's or a hostile one's", async () => {
    await container("good", labels("good"), "ready");
    await container("evil", labels("evil", { "sshmount.alias": "-oProxyCommand=x" }), "ready");
    await container("other", { "sshmount.role": "demo-server" }, "ready");
    expect(await names()).toEqual(["good"]);
    expect(world.engine.containers.size).toBe(3);
  });

  it("sweeps a mount that never served and was stopped, and one created long ago and never started", async () => {
    await container("kept", labels("kept"), "ready");
    await container("never-served", labels("never-served"), "stopped");
    (await container("old", labels("old"), "created")).created -= 600;
    await container("young", labels("young"), "created");
    expect((await names()).sort()).toEqual(["kept", "young"]);
    expect([...world.engine.containers.values()].map((record) => record.name).sort()).toEqual([
      "sshmount-kept",
      "sshmount-young",
    ]);
  });

  it('keeps a stopped mount that once served: its restart policy is no longer "no"', async () => {
    const record = await container("served", labels("served"), "stopped");
    record.restartPolicy = "unless-stopped";
    expect(await names()).toEqual(["served"]);
  });

  it("are found by name, by target and by age", async () => {
    await container("a", labels("a", { "sshmount.created": "2026-12-01T09:00:00.000Z" }), "ready");
    await container("b", labels("b", { "sshmount.remote-path": "/srv" }), "ready");
    const all = await managedContainers(world.runtime.docker);
    expect(byName(all, "b").Labels["sshmount.remote-path"]).toBe("/srv");
    expect(() => byName(all, "c")).toThrow(expect.objectContaining({ kind: "not-found", facts: { name: "c" } }));
    await expect(findMount(world.runtime.docker, "c")).rejects.toMatchObject({ kind: "not-found" });
    expect(newest(all)?.Labels["sshmount.name"]).toBe("b");
    expect(newest([])).toBeUndefined();
    const target = { alias: "web", remotePath: "/srv", sshConfig: "" };
    expect(sameTarget(all, target)?.Labels["sshmount.name"]).toBe("b");
    expect(sameTarget(all, { ...target, name: "a" })).toBeUndefined();
    expect(sameTarget(all, { ...target, sshConfig: "/Users/ann/.ssh/other" })).toBeUndefined();
  });
});
