import net from "node:net";
import { describe, expect, it } from "@jest/globals";
import { chooseEndpoint, probeTcp, smbUrl } from "../../helper/reach";

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

describe("chooseEndpoint", () => {
  it("uses the container IP only when it answers", async () => {
    await expect(chooseEndpoint("172.18.0.2", 49153, async () => "open")).resolves.toEqual({
      host: "172.18.0.2",
      port: 445,
    });
    await expect(chooseEndpoint("172.18.0.2", 49153, async () => "timeout")).resolves.toEqual({
      host: "127.0.0.1",
      port: 49153,
    });
    await expect(chooseEndpoint(undefined, undefined, async () => "open")).resolves.toBeUndefined();
  });
});

describe("smbUrl", () => {
  it("omits the default port and never carries a password", () => {
    expect(smbUrl({ host: "172.18.0.2", port: 445 }, "sshmount", "web")).toBe("smb://sshmount@172.18.0.2/web");
    expect(smbUrl({ host: "127.0.0.1", port: 49153 }, "sshmount", "web")).toBe("smb://sshmount@127.0.0.1:49153/web");
    expect(smbUrl({ host: "fd00::2", port: 445 }, "sshmount", "a.b")).toBe("smb://sshmount@[fd00::2]/a.b");
  });
});
