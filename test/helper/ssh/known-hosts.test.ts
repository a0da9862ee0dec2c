import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { knownHostLines, knownHostsName, parseKeygenFind } from "../../../helper/ssh/known-hosts";
import type { SshHostOptions } from "../../../helper/ssh/options";
import { runCommand } from "../../../helper/process";

const key = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
const otherKey = "AAAAC3NzaC1lZDI1NTE5AAAAIB0vTX8/D0kAEBD1JOjOXu5BNnxIBcO7nONy2yx38QtG";

function host(overrides: Partial<SshHostOptions>): SshHostOptions {
  return {
    alias: "web",
    hostName: "web.example",
    user: "u",
    port: 22,
    identityFiles: [],
    identitiesOnly: false,
    userKnownHostsFiles: [],
    globalKnownHostsFiles: [],
    ...overrides,
  };
}

describe("knownHostsName", () => {
  it("uses [host]:port off port 22 and HostKeyAlias verbatim", () => {
    expect(knownHostsName({ hostName: "a", port: 22 })).toBe("a");
    expect(knownHostsName({ hostName: "a", port: 2222 })).toBe("[a]:2222");
    expect(knownHostsName({ hostName: "a", port: 2222, hostKeyAlias: "alias" })).toBe("alias");
  });
});

describe("parseKeygenFind", () => {
  it("drops ssh-keygen's comment lines", () => {
    expect(parseKeygenFind(`# Host a found: line 1\na ssh-ed25519 ${key}\n`)).toEqual([`a ssh-ed25519 ${key}`]);
  });
});

describe("knownHostLines with the real ssh-keygen", () => {
  let dir: string;
  let plain: string;
  let hashed: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "sshmount-kh-"));
    plain = path.join(dir, "known_hosts");
    hashed = path.join(dir, "known_hosts_hashed");
    await fs.writeFile(
      plain,
      `web.example ssh-ed25519 ${key}\n[web.example]:2222 ssh-ed25519 ${otherKey}\nother ssh-ed25519 ${otherKey}\n`,
    );
    await fs.writeFile(hashed, `web.example ssh-ed25519 ${key}\n`);
    const result = await runCommand("ssh-keygen", ["-H", "-f", hashed]);
    expect(result.exitCode).toBe(0);
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it("finds plain entries for the right port only", async () => {
    await expect(knownHostLines(host({ userKnownHostsFiles: [plain] }), runCommand)).resolves.toEqual([
      `web.example ssh-ed25519 ${key}`,
    ]);
    await expect(knownHostLines(host({ port: 2222, userKnownHostsFiles: [plain] }), runCommand)).resolves.toEqual([
      `[web.example]:2222 ssh-ed25519 ${otherKey}`,
    ]);
  });

  it("keeps hashed entries hashed, and skips missing files", async () => {
    const lines = await knownHostLines(host({ userKnownHostsFiles: [path.join(dir, "missing"), hashed] }), runCommand);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^\\|1\\|\\S+ ssh-ed25519 ${key.replace(/[+/]/g, "\\$&")}$`));
  });

  it("returns nothing for an unknown host", async () => {
    await expect(
      knownHostLines(host({ hostName: "nowhere", userKnownHostsFiles: [plain] }), runCommand),
    ).resolves.toEqual([]);
  });
});
