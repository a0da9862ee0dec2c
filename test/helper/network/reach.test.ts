import net from "node:net";
import { describe, expect, it } from "@jest/globals";
import type { CommandRunner } from "../../../helper/process";
import { probeTcp, reachShare, smbUrl, type ProbeResult } from "../../../helper/network/reach";
import { routeFixtures } from "../../fixtures/routes";

describe("probeTcp", () => {
  it("tells open from refused on loopback", async () => {
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    await expect(probeTcp("127.0.0.1", port, 2000)).resolves.toBe("open");
    await new Promise((resolve) => server.close(resolve));
    await expect(probeTcp("127.0.0.1", port, 2000)).resolves.toBe("refused");
  });
});

describe("reachShare", () => {
  const fixture = (name: string) => routeFixtures[name];
  /** A runner that answers the route lookup with a fixture and records what ran. */
  function routeRunner(name: string) {
    const calls: string[][] = [];
    const run: CommandRunner = async (file, args) => {
      calls.push([file, ...args]);
      return { exitCode: 0, stdout: fixture(name).stdout, stderr: fixture(name).stderr, timedOut: false };
    };
    return { run, calls };
  }
  const probes = (...results: ProbeResult[]) => {
    const seen: string[] = [];
    return {
      seen,
      probe: async (host: string, port: number) => {
        seen.push(`${host}:${port}`);
        return results.shift() ?? "timeout";
      },
    };
  };

  it("uses the container IP when the route can deliver it and port 445 answers, retrying while smbd starts", async () => {
    const name = "docker-mac-net-connect routes the subnet to its utun";
    const { run, calls } = routeRunner(name);
    const { probe, seen } = probes("refused", "open");
    const reach = await reachShare("172.17.0.2", 49153, {
      platform: "darwin",
      run,
      mode: "auto",
      probe,
      interfaces: () => fixture(name).interfaces,
    });
    expect(calls).toEqual([["/sbin/route", "-n", "get", "172.17.0.2"]]);
    expect(seen).toEqual(["172.17.0.2:445", "172.17.0.2:445"]);
    expect(reach).toEqual({
      endpoint: { host: "172.17.0.2", port: 445 },
      connection: {
        mode: "bridge",
        via: "docker-mac-net-connect",
        reason: expect.stringContaining("docker-mac-net-connect"),
      },
    });
  });

  it("falls back to the localhost port without probing when there is no route, and says what to install", async () => {
    const name = "Docker Desktop alone: the IP falls to the default route";
    const { probe, seen } = probes("open");
    const reach = await reachShare("172.17.0.2", 49153, {
      platform: "darwin",
      run: routeRunner(name).run,
      mode: "auto",
      probe,
      interfaces: () => fixture(name).interfaces,
    });
    expect(seen).toEqual([]);
    expect(reach.endpoint).toEqual({ host: "127.0.0.1", port: 49153 });
    expect(reach.connection).toMatchObject({ mode: "localhost", via: "none" });
    expect(reach.connection.reason).toContain("brew install chipmk/tap/docker-mac-net-connect");
  });

  it("falls back when a route exists but nothing answers, and says why that happens", async () => {
    const name = "OrbStack: the container subnet is on-link on a bridge10x";
    const reach = await reachShare("192.168.215.2", 49153, {
      platform: "darwin",
      run: routeRunner(name).run,
      mode: "auto",
      probe: probes("timeout").probe,
      interfaces: () => fixture(name).interfaces,
    });
    expect(reach.connection).toMatchObject({ mode: "localhost", via: "orbstack" });
    expect(reach.connection.reason).toMatch(/nothing answered on port 445.*nat-unprotected/s);
  });

  it("follows the preference without looking anything up", async () => {
    const { run, calls } = routeRunner("no route at all (offline)");
    const { probe, seen } = probes();
    const options = { platform: "darwin" as const, run, probe };
    await expect(reachShare("172.17.0.2", 49153, { ...options, mode: "bridge" })).resolves.toMatchObject({
      endpoint: { host: "172.17.0.2", port: 445 },
      connection: { mode: "bridge" },
    });
    await expect(reachShare("172.17.0.2", 49153, { ...options, mode: "localhost" })).resolves.toMatchObject({
      endpoint: { host: "127.0.0.1", port: 49153 },
      connection: { mode: "localhost" },
    });
    expect([calls, seen]).toEqual([[], []]);
  });
});

describe("smbUrl", () => {
  it("omits the default port and never carries a password", () => {
    expect(smbUrl({ host: "172.18.0.2", port: 445 }, "sshmount", "web")).toBe("smb://sshmount@172.18.0.2/web");
    expect(smbUrl({ host: "127.0.0.1", port: 49153 }, "sshmount", "web")).toBe("smb://sshmount@127.0.0.1:49153/web");
    expect(smbUrl({ host: "fd00::2", port: 445 }, "sshmount", "a.b")).toBe("smb://sshmount@[fd00::2]/a.b");
  });
});
