import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { runCommand } from "../../../helper/process";
import { parseProxyJump, proxyCommandAsJump, proxyCommandProgram, resolveJumpChain } from "../../../helper/ssh/jump";
import { resolveHost } from "../../../helper/ssh/options";

describe("parseProxyJump", () => {
  it("reads hops as OpenSSH writes them", () => {
    expect(parseProxyJump("bastion", "t")).toEqual([{ host: "bastion" }]);
    expect(parseProxyJump("ann@edge:2222,ssh://ops@[fd00::1]:22,inner", "t")).toEqual([
      { host: "edge", user: "ann", port: 2222 },
      { host: "fd00::1", user: "ops", port: 22 },
      { host: "inner" },
    ]);
  });

  it.each(["", "a,,b", "a:port", "a b"])("refuses %j as a config error", (value) => {
    expect(() => parseProxyJump(value, "t")).toThrow(expect.objectContaining({ kind: "ssh-config-invalid" }));
  });
});

describe("ProxyCommand", () => {
  it("takes the ssh -W form as the jump host it stands for", () => {
    expect(proxyCommandAsJump("ssh -q -W %h:%p bastion")).toEqual([{ host: "bastion" }]);
    expect(proxyCommandAsJump("exec /usr/bin/ssh -W [%h]:%p -l ann -p 2200 edge")).toEqual([
      { host: "edge", user: "ann", port: 2200 },
    ]);
  });

  it.each([
    "ssh bastion nc %h %p",
    "ssh -W %h:22 bastion",
    "ssh -o User=x -W %h:%p bastion",
    "nc -X 5 -x proxy:1080 %h %p",
    "cloudflared access ssh --hostname %h",
  ])("does not guess at %j", (command) => {
    expect(proxyCommandAsJump(command)).toBeUndefined();
  });

  it("names the program for the error", () => {
    expect(proxyCommandProgram("exec /opt/homebrew/bin/cloudflared access ssh --hostname %h")).toBe("cloudflared");
  });
});

describe("resolveJumpChain with the real OpenSSH", () => {
  let dir: string;
  let config: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "sshmount-jump-"));
    config = path.join(dir, "config");
    await fs.writeFile(
      config,
      [
        "Host t",
        "  HostName t.example",
        "  ProxyJump a,d:2200,eve@e",
        "Host a",
        "  HostName a.example",
        "  ProxyJump b",
        "Host b",
        "  HostName b.example",
        "  ProxyJump c",
        "Host c",
        "  HostName c.example",
        "  User carol",
        "Host d",
        "  HostName d.example",
        "  ProxyJump never-used",
        "Host loop1",
        "  ProxyJump loop2",
        "Host loop2",
        "  ProxyJump loop1",
        "Host tunnel",
        "  ProxyCommand cloudflared access ssh --hostname %h",
        "Host old-style",
        "  ProxyCommand ssh -q -W %h:%p c",
        "",
      ].join("\n"),
    );
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const options = () => ({ configFile: config, run: runCommand, env: { HOME: "/home/ann", USER: "ann" } });
  const chainOf = async (alias: string) => {
    const chain = await resolveJumpChain(await resolveHost(alias, options()), options());
    return chain.map((host) => `${host.user}@${host.hostName}:${host.port}`);
  };

  it("orders the hops as ssh connects: the first hop's own jumps first, later hops as listed", async () => {
    // Without a User line ssh -G names the local account.
    const me = os.userInfo().username;
    await expect(chainOf("t")).resolves.toEqual([
      "carol@c.example:22",
      `${me}@b.example:22`,
      `${me}@a.example:22`,
      `${me}@d.example:2200`,
      "eve@e:22",
    ]);
  });

  it("mounts a ProxyCommand of the ssh -W form through that host", async () => {
    await expect(chainOf("old-style")).resolves.toEqual(["carol@c.example:22"]);
  });

  it("refuses a ProxyCommand the container cannot run, naming the program", async () => {
    await expect(chainOf("tunnel")).rejects.toMatchObject({
      kind: "unsupported",
      message: expect.stringContaining("cloudflared"),
    });
  });

  it("stops a loop of jump hosts with a config error", async () => {
    await expect(chainOf("loop1")).rejects.toMatchObject({ kind: "ssh-config-invalid" });
  });
});
