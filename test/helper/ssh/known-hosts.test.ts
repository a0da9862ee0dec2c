import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import {
  addKnownHost,
  fingerprintOf,
  hashKnownHostName,
  knownHostLines,
  knownHostsName,
  parseKeygenFind,
} from "../../../helper/ssh/known-hosts";
import { hostOptions } from "../../fixtures/host-options";
import { useTempDir } from "../../temp-dir";
import { runCommand } from "../../../helper/process";

const key = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
const otherKey = "AAAAC3NzaC1lZDI1NTE5AAAAIB0vTX8/D0kAEBD1JOjOXu5BNnxIBcO7nONy2yx38QtG";

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
    await expect(knownHostLines(hostOptions({ userKnownHostsFiles: [plain] }), runCommand)).resolves.toEqual([
      `web.example ssh-ed25519 ${key}`,
    ]);
    await expect(
      knownHostLines(hostOptions({ port: 2222, userKnownHostsFiles: [plain] }), runCommand),
    ).resolves.toEqual([`[web.example]:2222 ssh-ed25519 ${otherKey}`]);
  });

  it("keeps hashed entries hashed, and skips missing files", async () => {
    const lines = await knownHostLines(
      hostOptions({ userKnownHostsFiles: [path.join(dir, "missing"), hashed] }),
      runCommand,
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^\\|1\\|\\S+ ssh-ed25519 ${key.replace(/[+/]/g, "\\$&")}$`));
  });

  it("returns nothing for an unknown host", async () => {
    await expect(
      knownHostLines(hostOptions({ hostName: "nowhere", userKnownHostsFiles: [plain] }), runCommand),
    ).resolves.toEqual([]);
  });
});

describe("trusting a host key, checked by the real ssh-keygen", () => {
  const tempDir = useTempDir("trust");

  it("computes the fingerprint ssh-keygen -l prints", async () => {
    const file = path.join(tempDir(), "key.pub");
    await fs.writeFile(file, `ssh-ed25519 ${key} test\n`);
    const { stdout } = await runCommand("ssh-keygen", ["-l", "-f", file]);
    expect(stdout.split(" ")[1]).toBe(fingerprintOf(key));
  });

  it("writes a line ssh-keygen -F finds, plain and hashed, creating the folder", async () => {
    const plain = path.join(tempDir(), "new", "known_hosts");
    expect(await addKnownHost(hostOptions({ port: 2222, userKnownHostsFiles: [plain] }), "ssh-ed25519", key)).toBe(
      plain,
    );
    expect((await fs.stat(plain)).mode & 0o777).toBe(0o600);
    await expect(
      knownHostLines(hostOptions({ port: 2222, userKnownHostsFiles: [plain] }), runCommand),
    ).resolves.toEqual([`[web.example]:2222 ssh-ed25519 ${key}`]);

    const hashed = path.join(tempDir(), "hashed_known_hosts");
    await fs.writeFile(hashed, `other ssh-ed25519 ${otherKey}`);
    await addKnownHost(hostOptions({ hashKnownHosts: true, userKnownHostsFiles: [hashed] }), "ssh-ed25519", key);
    const text = await fs.readFile(hashed, "utf8");
    expect(text).not.toContain("web.example");
    expect(text.split("\n")[0]).toBe(`other ssh-ed25519 ${otherKey}`);
    const found = await knownHostLines(hostOptions({ userKnownHostsFiles: [hashed] }), runCommand);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^\\|1\\|.* ssh-ed25519 ${key}$`));
  });

  it("hashes names the way HashKnownHosts does", async () => {
    const salt = Buffer.alloc(20, 7);
    const file = path.join(tempDir(), "by-keygen");
    await fs.writeFile(file, `web.example ssh-ed25519 ${key}\n`);
    await runCommand("ssh-keygen", ["-H", "-f", file]);
    const hashedByKeygen = (await fs.readFile(file, "utf8")).split(" ")[0];
    const [, , keygenSalt] = hashedByKeygen.split("|");
    expect(hashKnownHostName("web.example", Buffer.from(keygenSalt, "base64"))).toBe(hashedByKeygen);
    expect(hashKnownHostName("web.example", salt)).not.toBe(hashKnownHostName("other", salt));
  });
});
