import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import * as sshmount from "../../helper/index";
import type { MountInfo } from "../../helper/index";
import { smb, smbTargetOf, within, type World } from "./harness";
import { closeOwnEngineWorld, createOwnEngineWorld, type OwnEngine } from "./own-engine";

/**
 * Finder holds a mount's smb:// URL (a volume, a sidebar entry, a URL the user copied), so the URL must
 * survive what the mount lives through: its container stopped while others run on, then the engine
 * restarting (a Mac restart). An engine of the test's own, so it may restart.
 */
let engine: OwnEngine;
let world: World;
beforeAll(async () => {
  ({ engine, world } = await createOwnEngineWorld("address"));
}, 900_000);
afterAll(() => closeOwnEngineWorld(engine, world), 180_000);

/** The container IP in the URL: the address under test (a published port is fixed at create already). */
const options = () => ({ ...world.options, connection: "bridge" as const });

async function ready(name: string): Promise<MountInfo> {
  let current: MountInfo | undefined;
  const up = await within(120_000, async () => {
    current = (await sshmount.list(options())).find((each) => each.name === name);
    return current?.status === "ready";
  });
  if (!up || !current) throw new Error(`mount ${name} is not ready again`);
  return current;
}

describe("a mount's address", () => {
  it("keeps each mount's container IP, and so its URL, across a stop and an engine restart", async () => {
    const mountAs = (name: string) =>
      sshmount.mount("server", "", {
        ...options(),
        sshConfig: world.server.sshConfig,
        name: `${world.prefix}-${name}`,
      });
    const first = await mountAs("first");
    const second = await mountAs("second");
    expect(first.smb.port).toBe(445);
    expect(second.smb.host).not.toBe(first.smb.host);

    // A stopped mount does not come back with the engine: left to the engine, the other one would
    // then get the lowest free address at its start, which may be this one's.
    await engine.docker.getContainer(first.container).stop();
    await engine.stop();
    await engine.start();
    const secondAgain = await ready(second.name);
    await sshmount.open(first.name, options());
    const firstAgain = await ready(first.name);

    expect([firstAgain.smb.url, secondAgain.smb.url]).toEqual([first.smb.url, second.smb.url]);
    const listing = await smb({ ...smbTargetOf(second), host: secondAgain.smb.host }, ["ls"]);
    expect(listing).toMatch(/blocks (of size|available)/);

    // How: the network's subnet is the helper's own (chosen by the engine once, then fixed), and each
    // mount was created with an address from it, kept in a label the helper checks.
    const network = await engine.docker.getNetwork(world.runtime.network).inspect();
    expect(network.IPAM?.Config?.[0]?.Subnet).toMatch(/^\d+\.\d+\.\d+\.\d+\/\d+$/);
    for (const mount of [first, second]) {
      const info = await engine.docker.getContainer(mount.container).inspect();
      expect(info.Config.Labels["sshmount.address"]).toBe(mount.smb.host);
      expect(info.NetworkSettings.Networks[world.runtime.network]?.IPAMConfig?.IPv4Address).toBe(mount.smb.host);
    }
  }, 600_000);
});
