import { describe, expect, it } from "@jest/globals";
import { detectEngineProduct } from "../../../helper/docker/engine-product";

/**
 * `docker info` values as the products report them: OrbStack "OrbStack"/"orbstack" (OrbStack
 * vmconfig DockerNodeName), Docker Desktop "Docker Desktop"/"docker-desktop" with context desktop-linux
 * (docker/docs mac-permission-requirements.md), Colima's context and socket (abiosoft/colima docs/FAQ.md),
 * and this machine's Debian engine.
 */
describe("detectEngineProduct", () => {
  it.each([
    [{ platform: "darwin", operatingSystem: "OrbStack", name: "orbstack" }, "orbstack"],
    [
      {
        platform: "darwin",
        operatingSystem: "Docker Desktop",
        name: "docker-desktop",
        endpoint: { source: "context", host: "unix:///Users/ann/.docker/run/docker.sock", context: "desktop-linux" },
      },
      "docker-desktop",
    ],
    [{ platform: "win32", operatingSystem: "Docker Desktop" }, "docker-desktop"],
    [
      {
        platform: "darwin",
        operatingSystem: "Ubuntu 24.04.1 LTS",
        name: "colima",
        endpoint: { source: "context", host: "unix:///Users/ann/.colima/default/docker.sock", context: "colima" },
      },
      "colima",
    ],
    [{ platform: "linux", operatingSystem: "Debian GNU/Linux 12 (bookworm)", name: "ci" }, "linux"],
    [{ platform: "darwin", operatingSystem: "Rancher Desktop WSL Distribution" }, "other"],
  ] as const)("%j is %s", (facts, kind) => {
    expect(detectEngineProduct(facts)).toBe(kind);
  });
});
