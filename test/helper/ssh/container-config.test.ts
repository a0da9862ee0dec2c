import { describe, expect, it } from "@jest/globals";
import { renderContainerSshConfig, type ContainerHost } from "../../../helper/ssh/container-config";
import type { SshHostOptions } from "../../../helper/ssh/options";
import { hostOptions } from "../../fixtures/host-options";

const host = hostOptions({ user: "deploy", port: 2222 });

function target(overrides: Partial<SshHostOptions> = {}, keyNames: string[] = [], agent = false): ContainerHost {
  return { block: "target", host: { ...host, ...overrides }, keyNames, agent };
}

const plain = { password: false };

/** The lines of one Host block, without the indentation. */
function block(config: string, name: string): string[] {
  const start = config.indexOf(`Host ${name}\n`);
  const end = config.indexOf("\nHost ", start + 1);
  return config
    .slice(start, end === -1 ? undefined : end)
    .split("\n")
    .slice(1)
    .map((line) => line.trim())
    .filter(Boolean);
}

describe("renderContainerSshConfig", () => {
  it("pins host key checking and points at the container's own files", () => {
    const config = renderContainerSshConfig([target({}, ["target_0"])], plain);
    expect(block(config, "target")).toEqual([
      "HostName web.example",
      "Port 2222",
      "User deploy",
      "IdentityFile /etc/sshmount/keys/target_0",
      "IdentitiesOnly yes",
      "IdentityAgent none",
      "ConnectTimeout 15",
      "PermitLocalCommand yes",
      "LocalCommand echo logged in >&2",
    ]);
    expect(block(config, "*")).toEqual(
      expect.arrayContaining([
        "StrictHostKeyChecking yes",
        "UserKnownHostsFile /etc/sshmount/known_hosts",
        "GlobalKnownHostsFile /dev/null",
        "BatchMode yes",
      ]),
    );
  });

  it("keeps ssh below INFO, where it prints no login banner a server could word like ssh's own errors", () => {
    const config = renderContainerSshConfig([target()], plain);
    expect(block(config, "*")).toContain("LogLevel ERROR");
    expect(config.match(/LogLevel/g)).toHaveLength(1);
  });

  it("marks the target's login on stderr, never on stdout (the SFTP stream), and no jump host's", () => {
    const hop: ContainerHost = { block: "hop1", host: hostOptions({ alias: "bastion" }), keyNames: [], agent: false };
    const config = renderContainerSshConfig([hop, target()], plain);
    expect(block(config, "target")).toContain("LocalCommand echo logged in >&2");
    expect(config.match(/LocalCommand/g)).toHaveLength(2);
    expect(block(config, "hop1").join("\n")).not.toContain("LocalCommand");
  });

  it("uses the forwarded agent for the hosts that sign with it and keeps HostKeyAlias", () => {
    const hop: ContainerHost = { block: "hop1", host: { ...host, alias: "edge" }, keyNames: ["hop1_0"], agent: false };
    const config = renderContainerSshConfig([hop, target({ hostKeyAlias: "web-key" }, [], true)], plain);
    expect(block(config, "target")).toEqual(
      expect.arrayContaining(["IdentitiesOnly no", "IdentityAgent /run/sshmount/agent.sock", "HostKeyAlias web-key"]),
    );
    expect(block(config, "hop1")).toEqual(expect.arrayContaining(["IdentitiesOnly yes", "IdentityAgent none"]));
    expect(block(config, "*").join("\n")).not.toContain("IdentityAgent");
  });

  it("chains jump hosts with ProxyJump, each with its own keys", () => {
    const hops: ContainerHost[] = [
      {
        block: "hop1",
        host: { ...host, alias: "edge", hostName: "edge.example", port: 22 },
        keyNames: ["hop1_0"],
        agent: false,
      },
      {
        block: "hop2",
        host: { ...host, alias: "inner", hostName: "10.0.0.5", user: "ops" },
        keyNames: [],
        agent: false,
      },
    ];
    const config = renderContainerSshConfig([...hops, target()], plain);
    expect(block(config, "hop1")).not.toContain(expect.stringMatching(/^ProxyJump/));
    expect(block(config, "hop1")).toContain("IdentityFile /etc/sshmount/keys/hop1_0");
    expect(block(config, "hop2")).toEqual(expect.arrayContaining(["ProxyJump hop1", "User ops", "HostName 10.0.0.5"]));
    expect(block(config, "target")).toContain("ProxyJump hop2");
    // Specific blocks come first: for ssh the first value obtained wins.
    expect(config.indexOf("Host *")).toBeGreaterThan(config.indexOf("Host target"));
  });

  it("lets only the target prompt, and only once, when it takes a password", () => {
    const hop: ContainerHost = { block: "hop1", host: { ...host, alias: "edge" }, keyNames: [], agent: false };
    const config = renderContainerSshConfig([hop, target()], { password: true });
    expect(block(config, "target")).toEqual(expect.arrayContaining(["BatchMode no", "NumberOfPasswordPrompts 1"]));
    expect(block(config, "hop1")).not.toContain("BatchMode no");
    expect(block(config, "*")).toContain("BatchMode yes");
  });

  it("caps ConnectTimeout so a mount never waits longer than the entrypoint", () => {
    expect(renderContainerSshConfig([target({ connectTimeout: 300 })], plain)).toContain("ConnectTimeout 20");
  });

  it.each([
    [{ hostName: "evil\n  ProxyCommand sh" }],
    [{ hostName: "a b" }],
    [{ hostKeyAlias: "a\nb" }],
    [{ user: 'x" y' }],
    [{ user: "x\nProxyCommand y" }],
  ])("refuses %j instead of writing it into a config", (overrides) => {
    expect(() => renderContainerSshConfig([target(overrides)], plain)).toThrow(
      expect.objectContaining({ kind: "invalid-input" }),
    );
  });
});
