import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { parseCli } from "../../helper/cli/cli";
import { hostOptions } from "../fixtures/host-options";
import { useTempDir } from "../temp-dir";
import { SshmountError } from "../../helper/errors";
import { containerName, defaultMountName, validateMountName } from "../../helper/mount/naming";
import type { CommandRunner } from "../../helper/process";
import { classifyRoute } from "../../helper/network/route";
import { readConfigTree } from "../../helper/ssh/config-tree";
import { renderContainerSshConfig } from "../../helper/ssh/container-config";
import { parseProxyJump } from "../../helper/ssh/jump";
import { resolveHost } from "../../helper/ssh/options";

/**
 * Hostile input, generated: whatever the user, their ssh config or the routing table hands us, the
 * helper answers with a result or a typed error, and nothing reaches a process as anything but one
 * argument. fast-check shrinks any failure to its smallest input.
 */
const nasty = fc.oneof(
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.constantFrom(
    "",
    "-oProxyCommand=touch /tmp/pwned",
    "$(reboot)",
    "`id`",
    "a;b",
    "a b",
    "a\nb",
    "..",
    "../../etc",
    '"quoted"',
    "x".repeat(1024),
    "ünïcödé",
    "%h%p%r",
  ),
);

const typed = (error: unknown) => error instanceof SshmountError;

describe("properties", () => {
  it("resolveHost hands any alias to ssh as the single argument after --, or refuses it as invalid-input", async () => {
    await fc.assert(
      fc.asyncProperty(nasty, async (alias) => {
        const calls: (readonly string[])[] = [];
        const run: CommandRunner = async (_file, args) => {
          calls.push(args);
          return {
            exitCode: 0,
            stdout: `hostname ${alias.replace(/\s/g, "")}x\nuser u\nport 22\n`,
            stderr: "",
            timedOut: false,
          };
        };
        try {
          await resolveHost(alias, { run, env: {}, home: "/home/u", localUser: "u" });
          expect(calls).toHaveLength(1);
          expect(calls[0].slice(-2)).toEqual(["--", alias]);
          expect(alias.startsWith("-")).toBe(false);
        } catch (error) {
          expect(error).toMatchObject({ kind: "invalid-input" });
          expect(calls).toEqual([]);
        }
      }),
    );
  });

  it("the CLI parser returns a command or a usage error, never anything else", () => {
    fc.assert(
      fc.property(fc.array(nasty, { maxLength: 6 }), (argv) => {
        try {
          const parsed = parseCli(argv);
          expect(typeof parsed.command).toBe("string");
        } catch (error) {
          expect((error as Error).constructor.name).toBe("UsageError");
        }
      }),
    );
  });

  it("mount names: any name is valid or invalid-input; default names and container names are always valid", () => {
    fc.assert(
      fc.property(nasty, nasty, (alias, remotePath) => {
        try {
          validateMountName(alias);
        } catch (error) {
          expect(error).toMatchObject({ kind: "invalid-input" });
        }
        const name = defaultMountName(alias, remotePath);
        expect(validateMountName(name)).toBe(name);
        expect(containerName(name)).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/);
      }),
    );
  });

  it("ProxyJump values parse to hops without whitespace, or are a config error", () => {
    fc.assert(
      fc.property(nasty, (value) => {
        try {
          for (const hop of parseProxyJump(value, "t")) {
            expect(hop.host).not.toMatch(/\s/);
            expect(hop.host.length).toBeGreaterThan(0);
          }
        } catch (error) {
          expect(error).toMatchObject({ kind: "ssh-config-invalid" });
        }
      }),
    );
  });

  it("the container's ssh config never gains a line from a hostile host or user name", () => {
    const base = hostOptions({ alias: "t", hostName: "h" });
    const clean = renderContainerSshConfig([{ block: "target", host: base, keyNames: [], agent: false }], {
      password: false,
    });
    fc.assert(
      fc.property(nasty, nasty, (hostName, user) => {
        try {
          const config = renderContainerSshConfig(
            [{ block: "target", host: { ...base, hostName, user }, keyNames: [], agent: false }],
            { password: false },
          );
          expect(config.split("\n").length).toBe(clean.split("\n").length);
          expect(config.split("\n").map((line) => line.trim().split(" ")[0])).toEqual(
            clean.split("\n").map((line) => line.trim().split(" ")[0]),
          );
        } catch (error) {
          expect(error).toMatchObject({ kind: "invalid-input" });
        }
      }),
    );
  });

  it("the route classifier gives a verdict for any command output and interface table", () => {
    const iface = fc.record({
      address: fc.oneof(fc.ipV4(), nasty),
      netmask: fc.oneof(fc.ipV4(), nasty),
      family: fc.constantFrom("IPv4", "IPv6"),
    });
    fc.assert(
      fc.property(
        fc.constantFrom("darwin", "linux"),
        fc.oneof(
          nasty,
          fc
            .array(fc.tuple(fc.constantFrom("route to", "destination", "gateway", "interface", "mask"), nasty))
            .map((pairs) => pairs.map(([key, value]) => `${key}: ${value}`).join("\n")),
        ),
        nasty,
        fc.dictionary(fc.constantFrom("utun3", "bridge101", "en0", "wg0"), fc.array(iface, { maxLength: 2 })),
        (platform, stdout, stderr, interfaces) => {
          const verdict = classifyRoute(platform as NodeJS.Platform, { stdout, stderr }, interfaces as never);
          expect(["orbstack", "docker-mac-net-connect", "vpn", "direct", "none"]).toContain(verdict.via);
          expect(verdict.advice === "").toBe(verdict.reachable);
        },
      ),
    );
  });

  describe("ssh config files", () => {
    const tempDir = useTempDir("props");

    it("read into concrete aliases, or into a config error with a line", async () => {
      const line = fc.oneof(
        nasty,
        nasty.map((value) => `Host ${value}`),
        nasty.map((value) => `Include ${value}`),
        nasty.map((value) => `  HostName=${value}`),
        fc.constantFrom("Match all", "Host *", "# comment", "Host a b c", "Include config"),
      );
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(line, { maxLength: 12 }), async (lines) => {
          const file = path.join(tempDir(), `config-${run++}`);
          await fs.writeFile(file, lines.join(Math.random() < 0.5 ? "\n" : "\r\n"));
          try {
            const tree = await readConfigTree(file, { home: tempDir() });
            for (const { alias } of tree.aliases) expect(alias).toMatch(/^[^\s"'*?!-][^\s"'*?!]*$/u);
          } catch (error) {
            expect(typed(error)).toBe(true);
            expect(error).toMatchObject({ kind: "ssh-config-invalid", facts: { file: expect.any(String) } });
          }
        }),
        { numRuns: 200 },
      );
    });
  });
});
