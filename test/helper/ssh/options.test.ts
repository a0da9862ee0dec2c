import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { expandSshPath, parseSshG, resolveHost, toHostOptions, validateAlias } from "../../../helper/ssh/options";
import { runCommand } from "../../../helper/process";

const context = {
  home: "/home/ann",
  localUser: "ann",
  hostName: "web.example",
  user: "deploy",
  port: 2222,
  alias: "web",
};

describe("parseSshG", () => {
  it("keeps repeated keys in order", () => {
    const options = parseSshG("user deploy\nidentityfile ~/.ssh/a\nidentityfile ~/.ssh/b\nport 22\n");
    expect(options.get("identityfile")).toEqual(["~/.ssh/a", "~/.ssh/b"]);
    expect(options.get("user")).toEqual(["deploy"]);
  });
});

describe("expandSshPath", () => {
  it("expands ~ and the tokens ssh_config(5) allows", () => {
    expect(expandSshPath("~/.ssh/id_ed25519", context)).toBe("/home/ann/.ssh/id_ed25519");
    expect(expandSshPath("%d/keys/%r@%h:%p-%n%%", context)).toBe("/home/ann/keys/deploy@web.example:2222-web%");
    expect(expandSshPath("/keys/%u", context)).toBe("/keys/ann");
  });

  it("skips files whose tokens cannot be known here instead of guessing", () => {
    expect(expandSshPath("~/.ssh/%C", context)).toBeUndefined();
  });
});

describe("validateAlias", () => {
  it.each(["-oProxyCommand=x", "", "a b", "a\nb", "x".repeat(256)])("refuses %j", (alias) => {
    expect(() => validateAlias(alias)).toThrow(expect.objectContaining({ kind: "invalid-input" }));
  });
  it("accepts ordinary aliases", () => {
    expect(() => validateAlias("user@web.example")).not.toThrow();
  });
  it("echoes what it refuses on one line, escaped and cut short", () => {
    const error = (() => {
      try {
        validateAlias(`a\nb${"x".repeat(300)}`);
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.message).toMatch(/^"a\\nbx+"… is not a host alias/);
    expect(error?.message.length).toBeLessThan(200);
  });
  it.each([..."'`\"$\\;&<>|(){}"])("refuses %j in a name, as the OpenSSH here does", async (character) => {
    const alias = `a${character}b`;
    expect(() => validateAlias(alias)).toThrow(expect.objectContaining({ kind: "invalid-input" }));
    const result = await runCommand("ssh", ["-G", "-F", "/dev/null", "--", alias]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("hostname contains invalid characters");
  });
  it.each([..."%^[!~+,:="])("leaves %j to OpenSSH, which takes it", async (character) => {
    const alias = `a${character}b`;
    expect(() => validateAlias(alias)).not.toThrow();
    expect((await runCommand("ssh", ["-G", "-F", "/dev/null", "--", alias])).exitCode).toBe(0);
  });
});

describe("toHostOptions", () => {
  it("treats 'none' as unset and splits known_hosts lists", () => {
    const host = toHostOptions(
      "web",
      parseSshG(
        "hostname web.example\nuser deploy\nport 2222\nproxyjump none\nuserknownhostsfile ~/.ssh/known_hosts ~/.ssh/known_hosts2\nidentitiesonly yes\n",
      ),
      { home: "/home/ann", localUser: "ann" },
    );
    expect(host).toMatchObject({
      hostName: "web.example",
      user: "deploy",
      port: 2222,
      proxyJump: undefined,
      identitiesOnly: true,
      userKnownHostsFiles: ["/home/ann/.ssh/known_hosts", "/home/ann/.ssh/known_hosts2"],
    });
  });
});

describe("resolveHost with the real OpenSSH", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "sshmount-options-"));
    await fs.writeFile(
      path.join(dir, "config"),
      [
        "Host web prod",
        "  HostName 10.0.0.5",
        "  User deploy",
        "  Port 2200",
        "  IdentityFile ~/.ssh/deploy_key",
        "Host bastioned",
        "  ProxyJump web",
        "Host *",
        "  User fallback",
        "",
      ].join("\n"),
    );
    await fs.writeFile(path.join(dir, "broken"), "Host x\n  NoSuchOption yes\n");
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  const resolve = (alias: string, file = "config") =>
    resolveHost(alias, { configFile: path.join(dir, file), run: runCommand, env: { HOME: "/home/ann", USER: "ann" } });

  it("returns what ssh -G computes, first match winning", async () => {
    await expect(resolve("prod")).resolves.toMatchObject({
      alias: "prod",
      hostName: "10.0.0.5",
      user: "deploy",
      port: 2200,
      identityFiles: ["/home/ann/.ssh/deploy_key"],
    });
    await expect(resolve("bastioned")).resolves.toMatchObject({
      hostName: "bastioned",
      user: "fallback",
      proxyJump: "web",
    });
  });

  it("reports a broken config as ssh-config-invalid naming the file and line", async () => {
    const error = await resolve("x", "broken").catch((e) => e);
    expect(error).toMatchObject({ kind: "ssh-config-invalid" });
    expect(error.facts.detail).toMatch(/line 2: Bad configuration option: nosuchoption/i);
    expect(error.facts.file).toBe(path.join(dir, "broken"));
  });
});
