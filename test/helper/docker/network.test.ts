import { describe, expect, it } from "@jest/globals";
import { pickAddress } from "../../../helper/docker/network";

describe("a mount's fixed address", () => {
  it("is the highest address of the subnet nobody holds, never the last usable one (OrbStack's Mac), the broadcast, network or gateway", () => {
    expect(pickAddress("172.18.0.0/16", new Set(["172.18.0.1"]))).toBe("172.18.255.253");
    expect(pickAddress("10.5.7.0/24", new Set(["10.5.7.253", "10.5.7.252"]))).toBe("10.5.7.251");
    // A subnet written with host bits set still means its network.
    expect(pickAddress("10.5.7.77/24", new Set())).toBe("10.5.7.253");
  });

  it("is none when every address is taken, or for a subnet that is not IPv4 of a usable size", () => {
    expect(pickAddress("10.0.0.0/29", new Set(["10.0.0.5", "10.0.0.4", "10.0.0.3", "10.0.0.2"]))).toBeUndefined();
    expect(pickAddress("10.0.0.0/29", new Set())).toBe("10.0.0.5");
    expect(pickAddress("10.0.0.0/30", new Set())).toBeUndefined();
    expect(pickAddress("fd00::/64", new Set())).toBeUndefined();
    expect(pickAddress("10.0.0.0/31", new Set())).toBeUndefined();
    expect(pickAddress("10.0.0.0", new Set())).toBeUndefined();
    expect(pickAddress("999.0.0.0/24", new Set())).toBeUndefined();
  });
});

describe("pickAddress with a spread, for mounts made at the same moment", () => {
  it("picks among the highest free addresses only, never a taken one, and undefined when none is free", () => {
    const taken = new Set(["172.20.255.253"]);
    const picked = new Set(Array.from({ length: 200 }, () => pickAddress("172.20.0.0/16", taken, 4)));
    expect([...picked].sort()).toEqual(["172.20.255.249", "172.20.255.250", "172.20.255.251", "172.20.255.252"]);
    expect(pickAddress("10.0.0.0/30", new Set(), 8)).toBeUndefined();
  });
});
