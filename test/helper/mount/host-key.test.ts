import { describe, expect, it } from "@jest/globals";
import { parseScanResult, refuseKnownHost } from "../../../helper/mount/host-key";
import { buildScanInputFiles } from "../../../helper/mount/inputs";
import type { ContainerHost } from "../../../helper/ssh/container-config";
import { fingerprintOf } from "../../../helper/ssh/known-hosts";
import { hostOptions } from "../../fixtures/host-options";

// Public halves of throwaway keys made with `ssh-keygen -t ed25519` and `ssh-keygen -t rsa -b 2048` for this test.
const ed25519 = "AAAAC3NzaC1lZDI1NTE5AAAAIG/3RhiveGypafXAbO5m1IYLCsbvRdAvkBqF7HaB8gwl";
const rsaPrefix = "AAAAB3NzaC1yc2EAAAADAQABAAABAQDP232VBj1gL4DT2GiqZbSVMb/xs3GSADFPhEM2T+Gk+UytFjrXSZUrWVrfsk+MaiBl";

const bastion = hostOptions({ alias: "bastion", hostName: "bastion.example" });
const web = hostOptions({ alias: "web", hostName: "web.example", port: 2222 });
const hosts: ContainerHost[] = [
  { block: "hop1", host: bastion, keyNames: ["hop1_0"], agent: true },
  { block: "target", host: web, keyNames: ["target_0"], agent: true },
];

describe("parseScanResult", () => {
  it("takes the one line the scan wrote, with the name ssh files the key under", () => {
    expect(parseScanResult(`hostkey target [web.example]:2222 ssh-ed25519 ${ed25519}\n`, hosts)).toEqual({
      host: "[web.example]:2222",
      type: "ssh-ed25519",
      fingerprint: fingerprintOf(ed25519),
      keyBase64: ed25519,
      owner: web,
    });
    expect(parseScanResult(`hostkey hop1 bastion.example ssh-ed25519 ${ed25519}\n`, hosts)).toMatchObject({
      host: "bastion.example",
      jumpHost: "bastion",
      owner: bastion,
    });
  });

  it("rejects a name other than the host's own: a key is never filed under another host", () => {
    expect(parseScanResult(`hostkey hop1 web.example ssh-ed25519 ${ed25519}\n`, hosts)).toBeUndefined();
    expect(parseScanResult(`hostkey target web.example ssh-ed25519 ${ed25519}\n`, hosts)).toBeUndefined();
    expect(parseScanResult(`hostkey hop2 bastion.example ssh-ed25519 ${ed25519}\n`, hosts)).toBeUndefined();
  });

  it("rejects a key type off the list, or a key blob of another type than the line says", () => {
    const line = (type: string, key: string) => `hostkey hop1 bastion.example ${type} ${key}\n`;
    expect(parseScanResult(line("ssh-dss", ed25519), hosts)).toBeUndefined();
    expect(parseScanResult(line("ssh-rsa", ed25519), hosts)).toBeUndefined();
    expect(parseScanResult(line("ssh-ed25519", rsaPrefix), hosts)).toBeUndefined();
    expect(parseScanResult(line("ssh-ed25519", `${ed25519}!`), hosts)).toBeUndefined();
    expect(parseScanResult(line("ssh-ed25519", "AAAA"), hosts)).toBeUndefined();
  });

  it("rejects anything but exactly one well-formed line", () => {
    const good = `hostkey hop1 bastion.example ssh-ed25519 ${ed25519}`;
    expect(parseScanResult("", hosts)).toBeUndefined();
    expect(parseScanResult(`${good}\n${good}\n`, hosts)).toBeUndefined();
    expect(parseScanResult(`${good} extra\n`, hosts)).toBeUndefined();
    expect(parseScanResult(`${good}\r\n`, hosts)).toBeUndefined();
    // The log line the scan used to print, and a banner carrying one after a carriage return.
    expect(parseScanResult(`sshmount: hostkey: hop1 bastion.example ssh-ed25519 ${ed25519}\n`, hosts)).toBeUndefined();
    expect(parseScanResult(`Host key verification failed.\r${good}\n`, hosts)).toBeUndefined();
  });
});

describe("refuseKnownHost", () => {
  const scanned = parseScanResult(`hostkey hop1 bastion.example ssh-ed25519 ${ed25519}\n`, hosts)!;

  it("lets a key be offered only for a host known_hosts has nothing for", () => {
    expect(refuseKnownHost(scanned, [])).toBeUndefined();
  });

  it("calls a key of a host that has known_hosts lines a changed or additional key", () => {
    const error = refuseKnownHost(scanned, [`bastion.example ssh-rsa ${rsaPrefix}`]);
    expect(error).toMatchObject({
      kind: "host-key-changed",
      facts: { alias: "bastion", host: "bastion.example" },
      message: expect.stringContaining("a changed or additional key"),
    });
    expect(error?.facts.hostKey).toBeUndefined();
  });
});

describe("buildScanInputFiles", () => {
  it("gives the scan its ssh config, known_hosts and the jump hosts' keys: not the target's, no password, no agent", () => {
    const known = [`bastion.example ssh-ed25519 ${ed25519}`];
    const secret = (path: string) => ({ path, mode: 0o600, content: `secret of ${path}` });
    const entries = buildScanInputFiles({
      hosts,
      knownHosts: known,
      agent: true,
      entries: [
        { path: "sshmount/", mode: 0o700 },
        secret("sshmount/ssh_config"),
        secret("sshmount/known_hosts"),
        secret("sshmount/smb_password"),
        secret("sshmount/ssh_password"),
        secret("sshmount/ssh_password_for"),
        { path: "sshmount/keys/", mode: 0o700 },
        secret("sshmount/keys/hop1_0"),
        secret("sshmount/keys/hop1_0-cert.pub"),
        secret("sshmount/keys/target_0"),
      ],
    });
    expect(entries.map((entry) => entry.path)).toEqual([
      "sshmount/",
      "sshmount/ssh_config",
      "sshmount/known_hosts",
      "sshmount/keys/",
      "sshmount/keys/hop1_0",
      "sshmount/keys/hop1_0-cert.pub",
    ]);
    const config = String(entries[1].content);
    expect(config).toContain("Host hop1\n  HostName bastion.example\n");
    expect(config).toContain("IdentityFile /etc/sshmount/keys/hop1_0\n");
    expect(config).not.toMatch(/target_0|BatchMode no/);
    expect(config).toContain("IdentityAgent none");
    expect(config).not.toContain("agent.sock");
    expect(String(entries[2].content)).toBe(`${known[0]}\n`);
  });
});
