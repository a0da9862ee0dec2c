import net from "node:net";
import { describe, expect, it } from "@jest/globals";
import { freeLoopbackPort, isPortConflict } from "../../../helper/docker/ports";

describe("the published SMB port", () => {
  it("is a loopback port nothing listens on, so Docker can bind it", async () => {
    const port = await freeLoopbackPort();
    expect(port).toBeGreaterThan(1023);
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    server.close();
  });

  it("is picked again when Docker says the port was taken, and only then", () => {
    // moby's portallocator (ErrPortAlreadyAllocated) and docker-proxy's bind failure, as the API returns them.
    expect(
      isPortConflict(
        new Error(
          "(HTTP code 500) server error - driver failed programming external connectivity on endpoint sshmount-a (0123): Bind for 127.0.0.1:50123 failed: port is already allocated",
        ),
      ),
    ).toBe(true);
    expect(
      isPortConflict(
        new Error(
          "(HTTP code 500) server error - driver failed programming external connectivity on endpoint sshmount-a (0123): Error starting userland proxy: listen tcp4 127.0.0.1:50123: bind: address already in use",
        ),
      ),
    ).toBe(true);
    expect(isPortConflict(new Error("(HTTP code 404) no such container"))).toBe(false);
  });
});
