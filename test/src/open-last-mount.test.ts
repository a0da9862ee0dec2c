import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { createUiWorld, removeUiWorld, type UiWorld } from "../raycast/world";

jest.unstable_mockModule("execa", () => import("../raycast/fake-processes"));
jest.unstable_mockModule("dockerode", () => import("../raycast/fake-engine"));
const { default: openLastMount } = await import("../../src/open-last-mount");
const helper = await import("../../helper/index");
const { helperOptions } = await import("../../src/lib/helper-options");

let world: UiWorld;
beforeEach(() => {
  world = createUiWorld();
});
afterEach(() => removeUiWorld(world));

describe("Open Last Mount", () => {
  it("opens the mount recorded last in Finder and shows a HUD", async () => {
    await helper.mount("web", "", { ...helperOptions(), name: "web" });
    await helper.mount("pw", "", { ...helperOptions(), name: "pw" });
    world.store.localStorage.set("last-mount", "web");
    await openLastMount();
    expect(world.store.huds).toEqual(["Opened web in Finder"]);
    const open = world.processes.calls.filter((call) => call.file === "/usr/bin/open");
    expect(open.map((call) => call.args)).toEqual([["smb://sshmount@127.0.0.1:49445/web"]]);
  });
});
