import { describe, expect, it } from "@jest/globals";
import { adviceWhenProbeFails, classifyRoute, INSTALL_CONNECTOR, parseRouteGet } from "../../../helper/network/route";
import { routeFixtures } from "../../fixtures/routes";

describe("classifyRoute", () => {
  it.each(Object.entries(routeFixtures))("%s", (_, fixture) => {
    const verdict = classifyRoute(fixture.platform, fixture, fixture.interfaces);
    expect(verdict).toMatchObject({ via: fixture.via, reachable: fixture.reachable });
    expect(verdict.interface).toBe(fixture.interface);
    // Whatever cannot be reached comes with something to do; what can needs no advice.
    expect(Boolean(verdict.advice)).toBe(!fixture.reachable);
  });

  it("offers OrbStack and the connector's install commands when Docker Desktop has no route", () => {
    const fixture = routeFixtures["Docker Desktop alone: the IP falls to the default route"];
    const { advice } = classifyRoute("darwin", fixture, fixture.interfaces);
    expect(advice).toContain("OrbStack");
    for (const command of INSTALL_CONNECTOR) expect(advice).toContain(`\`${command}\``);
  });

  it("names the VPN interface that owns the range", () => {
    const fixture = routeFixtures["a VPN's gateway route captures the container range"];
    expect(classifyRoute("darwin", fixture, fixture.interfaces).advice).toMatch(/^The VPN interface utun2 owns/);
  });

  it("does not take an OrbStack-like bridge on another subnet for OrbStack", () => {
    const fixture = routeFixtures["OrbStack: the container subnet is on-link on a bridge10x"];
    const elsewhere = {
      ...fixture.interfaces,
      bridge101: [{ ...fixture.interfaces.bridge101![0], address: "192.168.64.1" }],
    };
    expect(classifyRoute("darwin", fixture, elsewhere).via).toBe("direct");
  });

  it("explains a route whose port does not answer, with the connector restart and the Engine 28 rule", () => {
    const fixture = routeFixtures["docker-mac-net-connect routes the subnet to its utun"];
    const advice = adviceWhenProbeFails(classifyRoute("darwin", fixture, fixture.interfaces), "172.17.0.2");
    expect(advice).toContain("sudo brew services restart chipmk/tap/docker-mac-net-connect");
    expect(advice).toContain("gateway_mode_ipv4=nat-unprotected");
  });

  it("parses route -n get's key: value lines", () => {
    expect(parseRouteGet(routeFixtures["a VPN's gateway route captures the container range"].stdout)).toMatchObject({
      "route to": "172.17.0.2",
      destination: "172.16.0.0",
      gateway: "10.8.0.1",
      interface: "utun2",
    });
  });
});
