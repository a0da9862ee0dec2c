import { afterEach, describe, expect, it } from "@jest/globals";
import { createUiWorld, removeUiWorld, type UiWorld } from "../raycast/world";
import { replaceBoundaries } from "../raycast/boundaries";

replaceBoundaries(() => world as UiWorld);
const helper = await import("../../helper/index");
const { helperOptions } = await import("../../src/lib/helper-options");

let world: UiWorld | undefined;
afterEach(() => removeUiWorld(world));

describe("the Docker Socket preference", () => {
  it("pointing at an engine on another host is refused, with the preference to change", async () => {
    world = createUiWorld({ dockerSocket: "tcp://192.0.2.1:2375" });
    const error = await helper.list(helperOptions()).catch((e) => e);
    expect(error).toMatchObject({ kind: "unsupported" });
    expect(error.message).toContain("is not on this machine");
    expect(error.message).toContain("Docker Socket preference");
    // Refused before dockerode: the stand-in engine was never asked anything.
    expect(world.engine.listed).toBe(0);
  });
});
