import { describe, expect, it } from "@jest/globals";
import { main, parseCli } from "../../helper/cli";

async function cli(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    options: { dockerSocket: "/nonexistent/docker.sock", env: { PATH: process.env.PATH, HOME: "/nonexistent" } },
  });
  return { code, stdout, stderr };
}

describe("parseCli", () => {
  it("parses the documented forms", () => {
    expect(parseCli(["mount", "web:/srv/My Site", "--name", "site", "--json"])).toMatchObject({
      command: "mount",
      args: ["web:/srv/My Site"],
      flags: { name: "site", json: true },
    });
    expect(parseCli(["unmount", "--all"])).toMatchObject({ command: "unmount", args: [], flags: { all: true } });
    expect(parseCli(["open", "--last"])).toMatchObject({ command: "open", flags: { last: true } });
    expect(parseCli(["--help"]).command).toBe("help");
    const fingerprint = `SHA256:${"a+/".repeat(14)}b`;
    expect(
      parseCli(["mount", "web", "--trust-host-key", fingerprint, "--trust-host-key", fingerprint, "--password-stdin"])
        .flags,
    ).toMatchObject({ "trust-host-key": [fingerprint, fingerprint], "password-stdin": true });
  });

  it.each([
    [[]],
    [["frobnicate"]],
    [["mount"]],
    [["mount", "a", "b"]],
    [["unmount"]],
    [["unmount", "x", "--all"]],
    [["list", "--name", "x"]],
    [["mount", "web", "--bogus"]],
    [["mount", "web", "--name"]],
    [["mount", "web", "--name="]],
    [["open"]],
    [["logs", "x", "--json"]],
    [["mount", "web", "--trust-host-key", "MD5:aa:bb"]],
    [["mount", "web", "--trust-host-key", "SHA256:short"]],
    [["list", "--trust-host-key", `SHA256:${"A".repeat(43)}`]],
  ])("%j is a usage error", (argv) => {
    expect(() => parseCli(argv)).toThrow();
  });
});

describe("main", () => {
  it("exits 2 with usage on stderr for usage errors", async () => {
    const result = await cli(["mount"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/"mount" needs exactly one ALIAS\[:REMOTE_PATH\]/);
    expect(result.stderr).toContain("Usage:");
    expect(result.stdout).toBe("");
  });

  it("exits 1 with one line of what to do, and a JSON error with --json", async () => {
    const result = await cli(["list", "--json"]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^sshmount: The Docker engine at unix:\/\/\/nonexistent\/docker.sock .*does not answer.*OrbStack/,
    );
    expect(JSON.parse(result.stdout)).toEqual({
      error: {
        kind: "docker-unavailable",
        title: expect.stringMatching(/does not answer$/),
        detail: expect.stringContaining("ENOENT"),
        message: expect.any(String),
        hint: expect.stringContaining("OrbStack"),
        actions: [],
      },
    });
  });

  it("rejects a hostile alias before anything runs", async () => {
    const result = await cli(["mount", "-oProxyCommand=touch /tmp/pwned", "--json"]);
    expect(result.code).toBe(2);
    const asTarget = await cli(["mount", "--json", "--", "-oProxyCommand=x:/tmp"]);
    expect(asTarget.code).toBe(1);
    expect(JSON.parse(asTarget.stdout).error.kind).toBe("invalid-input");
  });

  it("--password-stdin with nothing on standard input is an error before anything runs", async () => {
    let stdout = "";
    const code = await main(["mount", "web", "--password-stdin", "--json"], {
      stdout: (text) => (stdout += text),
      stderr: () => undefined,
      readStdin: async () => "\n",
      options: { dockerSocket: "/nonexistent/docker.sock", env: { PATH: process.env.PATH, HOME: "/nonexistent" } },
    });
    expect(code).toBe(1);
    expect(JSON.parse(stdout).error).toMatchObject({
      kind: "invalid-input",
      message: expect.stringContaining("stdin"),
    });
  });

  it("doctor reports each piece and exits 1 when the engine is missing", async () => {
    const result = await cli(["doctor"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^OpenSSH: +OpenSSH_/m);
    expect(result.stdout).toMatch(/^Docker: +not available: .*nonexistent\/docker.sock/m);
    expect(result.stdout).toMatch(/^Image: +sshmount:[0-9a-f]{16} /m);
  });
});
