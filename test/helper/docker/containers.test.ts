import { describe, expect, it } from "@jest/globals";
import type Docker from "dockerode";
import { isGoingAway } from "../../../helper/docker/containers";

const answer = (statusCode: number, message: string) => Object.assign(new Error(message), { statusCode });
/** A container whose inspect says `state`, or fails as given. */
const container = (state: Partial<Docker.ContainerInspectInfo["State"]> | Error) =>
  ({
    inspect: async () => {
      if (state instanceof Error) throw state;
      return { State: { Dead: false, Status: "running", ...state } };
    },
  }) as unknown as Docker.Container;
// Docker's answer to a logs request while `docker rm` runs (moby daemon/logs.go).
const removal = answer(409, "can not get logs from container which is dead or marked for removal");

describe("isGoingAway", () => {
  it("counts a container already gone, or one being removed or dead, as going away", async () => {
    expect(await isGoingAway(container({}), answer(404, "no such container"))).toBe(true);
    expect(await isGoingAway(container({ Status: "removing" }), removal)).toBe(true);
    expect(await isGoingAway(container({ Status: "dead", Dead: true }), removal)).toBe(true);
    expect(await isGoingAway(container(answer(404, "no such container")), removal)).toBe(true);
  });

  it("counts nothing else: another conflict, an engine error, a container that is still there", async () => {
    expect(await isGoingAway(container({ Status: "running" }), answer(409, "container is paused"))).toBe(false);
    expect(await isGoingAway(container({ Status: "removing" }), answer(500, "engine error"))).toBe(false);
    expect(await isGoingAway(container(answer(500, "engine error")), removal)).toBe(false);
    expect(await isGoingAway(container({}), new Error("socket hang up"))).toBe(false);
  });
});
