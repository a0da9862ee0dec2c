import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "@jest/globals";
import { DIRECT_ROUTING_OPTIONS, ensureNetwork } from "../../helper/docker/network";
import { createRuntime } from "../../helper/runtime";

/** Against the real engine: the mount network allows direct routing where it can. */
const runtime = await createRuntime({});
const names: string[] = [];
const fresh = () => {
  const name = `sshmount-e2e-net-${randomBytes(3).toString("hex")}`;
  names.push(name);
  return name;
};
afterAll(async () => {
  for (const name of names) {
    await runtime.docker
      .getNetwork(name)
      .remove()
      .catch(() => undefined);
  }
});

describe("the mount network", () => {
  it("is created with gateway_mode_ipv4=nat-unprotected where the engine takes it", async () => {
    const name = fresh();
    await expect(ensureNetwork(runtime.docker, name)).resolves.toEqual({
      created: true,
      options: DIRECT_ROUTING_OPTIONS,
    });
    const info = await runtime.docker.getNetwork(name).inspect();
    expect(info.Options).toEqual(DIRECT_ROUTING_OPTIONS);
    expect(info.Labels).toEqual({ "sshmount.managed": "true" });
  });

  it("is created without the option where the engine refuses it", async () => {
    // Engine 20.10 here ignores the gateway mode it does not know; an option it does parse and refuses
    // takes the same path as Engine 27 refusing "nat-unprotected".
    const refused = { "com.docker.network.driver.mtu": "not-a-number" };
    const name = fresh();
    await expect(ensureNetwork(runtime.docker, name, refused)).resolves.toEqual({ created: true, options: {} });
    expect((await runtime.docker.getNetwork(name).inspect()).Options).toEqual({});
  });

  it("has a subnet and gateway of its own, which the engine chose free, so mounts may keep an address; no probe is left", async () => {
    const name = fresh();
    await ensureNetwork(runtime.docker, name);
    const info = await runtime.docker.getNetwork(name).inspect();
    const [config] = info.IPAM?.Config ?? [];
    expect(config?.Subnet).toMatch(/^\d+\.\d+\.\d+\.\d+\/\d+$/);
    // Its gateway stays in the config as the engine chose it: smbd's hosts allow and Check Setup name it.
    expect(config?.Gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const others = (await runtime.docker.listNetworks()).filter((each) => each.Name !== name);
    const theirs = others.flatMap((each) => (each.IPAM?.Config ?? []).map((c: { Subnet?: string }) => c.Subnet));
    expect(theirs).not.toContain(config?.Subnet);
    expect(others.map((each) => each.Name).filter((each) => each.startsWith(`${name}-probe-`))).toEqual([]);
  });

  it("is reused as it is when it exists", async () => {
    const name = fresh();
    await ensureNetwork(runtime.docker, name, {});
    await expect(ensureNetwork(runtime.docker, name)).resolves.toEqual({ created: false, options: {} });
  });
});
