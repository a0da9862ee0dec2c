import { describe, expect, it } from "@jest/globals";
import { renderContainerSshConfig } from "../../../helper/ssh/container-config";
import type { SshHostOptions } from "../../../helper/ssh/options";

const host: SshHostOptions = {
  alias: "web",
  hostName: "web.example",
  user: "deploy",
  port: 2222,
  identityFiles: [],
  identitiesOnly: false,
  userKnownHostsFiles: [],
  globalKnownHostsFiles: [],
};

describe("renderContainerSshConfig", () => {
  it("pins host key checking and points at the container's own files", () => {
    const config = renderContainerSshConfig(host, { keyNames: ["id_0"], agent: false });
    expect(config).toContain("Host target\n");
    expect(config).toContain("  HostName web.example\n  Port 2222\n  User deploy\n");
    expect(config).toContain("  IdentityFile /etc/sshmount/keys/id_0\n");
    expect(config).toContain("  StrictHostKeyChecking yes\n");
    expect(config).toContain("  UserKnownHostsFile /etc/sshmount/known_hosts\n");
    expect(config).toContain("  BatchMode yes\n");
    expect(config).toContain("  IdentityAgent none\n");
    expect(config).toContain("  IdentitiesOnly yes\n");
  });

  it("uses the forwarded agent when there is one and keeps HostKeyAlias", () => {
    const config = renderContainerSshConfig({ ...host, hostKeyAlias: "web-key" }, { keyNames: [], agent: true });
    expect(config).toContain("  IdentityAgent /run/sshmount/agent.sock\n");
    expect(config).toContain("  IdentitiesOnly no\n");
    expect(config).toContain("  HostKeyAlias web-key\n");
  });

  it("caps ConnectTimeout so a mount never waits longer than the entrypoint", () => {
    expect(renderContainerSshConfig({ ...host, connectTimeout: 300 }, { keyNames: [], agent: false })).toContain(
      "ConnectTimeout 20",
    );
  });

  it.each([
    [{ hostName: "evil\n  ProxyCommand sh" }, "invalid-input"],
    [{ hostName: "a b" }, "invalid-input"],
    [{ user: 'x" y' }, "invalid-input"],
    [{ user: "x\nProxyCommand y" }, "invalid-input"],
    [{ proxyJump: "bastion" }, "unsupported"],
    [{ proxyCommand: "nc %h %p" }, "unsupported"],
  ])("refuses %j with %s instead of writing it into a config", (overrides, kind) => {
    expect(() => renderContainerSshConfig({ ...host, ...overrides }, { keyNames: [], agent: false })).toThrow(
      expect.objectContaining({ kind }),
    );
  });
});
