import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type Docker from "dockerode";
import * as sshmount from "../../helper/index";
import { removeContainer } from "../../helper/docker/containers";
import { createWorld, type World } from "./harness";

let world: World;
let hostile: Docker.Container[] = [];
beforeAll(async () => {
  world = await createWorld("hostile");
}, 900_000);
afterAll(async () => {
  for (const container of hostile) await removeContainer(container);
  await world?.close();
}, 120_000);

/**
 * Containers another program made on the machine's engine with sshmount's labels. Each name label
 * starts with the world's prefix, so no other test's mounts (nor a developer's) are ever confused with
 * them, and removing them is this test's own cleanup.
 */
async function createHostile(): Promise<Record<string, string>[]> {
  const base = {
    "sshmount.role": "mount",
    "sshmount.alias": "server",
    "sshmount.remote-path": "",
    "sshmount.ssh-config": world.server.sshConfig,
    "sshmount.destination": "demo@server:22",
    "sshmount.smb-user": "sshmount",
    "sshmount.created": "2999-01-01T00:00:00.000Z",
  };
  const sets = [
    { ...base, "sshmount.name": `${world.prefix}(` },
    { ...base, "sshmount.name": `${world.prefix}|.*` },
    { ...base, "sshmount.name": `${world.prefix}-newline`, "sshmount.smb-user": "sshmount\nx" },
  ];
  hostile = await Promise.all(
    sets.map((labels) =>
      world.runtime.docker.createContainer({
        Image: "debian:bookworm-slim",
        Cmd: ["sleep", "600"],
        Labels: labels,
        HostConfig: { NetworkMode: world.runtime.network },
      }),
    ),
  );
  for (const container of hostile) await container.start();
  return sets;
}

describe("containers with hostile sshmount labels on the real engine", () => {
  let real: sshmount.MountInfo;
  let labels: Record<string, string>[];

  beforeAll(async () => {
    real = await sshmount.mount("server", "", {
      ...world.options,
      sshConfig: world.server.sshConfig,
      name: `${world.prefix}-real`,
    });
    labels = await createHostile();
  }, 180_000);

  it("are not listed, and the list does not throw", async () => {
    const names = (await sshmount.list(world.options)).map((mount) => mount.name);
    expect(names).toContain(real.name);
    for (const set of labels) expect(names).not.toContain(set["sshmount.name"]);
  });

  it("are neither opened nor removed by name, and stay as they were", async () => {
    for (const set of labels) {
      const name = set["sshmount.name"];
      await expect(sshmount.open(name, world.options)).rejects.toMatchObject({
        kind: expect.stringMatching(/^(not-found|invalid-input)$/),
      });
      await expect(sshmount.unmount(name, world.options)).rejects.toMatchObject({
        kind: expect.stringMatching(/^(not-found|invalid-input)$/),
      });
    }
    for (const container of hostile) expect((await container.inspect()).State.Running).toBe(true);
    const again = await sshmount.open(real.name, world.options);
    expect(again.mount).toMatchObject({ name: real.name, status: "ready" });
  });
});
