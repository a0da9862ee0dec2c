import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { describeError } from "../../../helper/words/describe";
import {
  ejectInFinder,
  findVolume,
  mountFailure,
  mountScript,
  openInFinder,
  parseMountOutput,
  parseVolumePath,
} from "../../../helper/macos/finder";
import {
  osascriptRunner,
  runCommand,
  type CommandRunner,
  type RunOptions,
  type RunResult,
} from "../../../helper/process";
import { osascriptFailures } from "../../fixtures/osascript-failures";

/**
 * `mount` output on macOS: "FROM on MOUNTPOINT (TYPE, options, mounted by USER)" (Apple diskdev_cmds
 * mount.tproj/mount.c prmount); an smbfs FROM is //user@server[:port]/share as mount_smbfs(8) names it.
 * No Mac was at hand: the lines are built from that format, with a second volume whose name has
 * spaces and a port, as Finder names a second mount of the same share ("web-1").
 */
const mountOutput = [
  "/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)",
  "devfs on /dev (devfs, local, nobrowse)",
  "/dev/disk3s5 on /System/Volumes/Data (apfs, local, journaled, nobrowse, protect, root data)",
  "map auto_home on /System/Volumes/Data/home (autofs, automounted, nobrowse)",
  "//sshmount@172.17.0.2/web on /Volumes/web (smbfs, nodev, nosuid, mounted by ann)",
  "//sshmount@127.0.0.1:49153/notes on /Volumes/notes on Tuesday (smbfs, nodev, nosuid, mounted by ann)",
  "//ann@nas.local/Photos on /Volumes/Photos (smbfs, nodev, nosuid, mounted by ann)",
  "",
].join("\n");

type Call = { file: string; args: readonly string[]; options?: RunOptions };

/** Every process and every AppleScript the code under test runs, answered as scripted. */
function recorder(answers: Record<string, Partial<RunResult>> = {}, script: () => Promise<string> = async () => "") {
  const calls: Call[] = [];
  const scripts: string[] = [];
  const run: CommandRunner = async (file, args, options) => {
    calls.push({ file, args, options });
    return { exitCode: 0, stdout: "", stderr: "", timedOut: false, ...answers[file] };
  };
  const appleScript = async (text: string) => {
    scripts.push(text);
    return script();
  };
  return { calls, scripts, run, appleScript };
}

const share = { host: "127.0.0.1", port: 49153, share: "web", user: "sshmount", password: "Zm9vYmFyYmF6cXV4" };
const url = "smb://sshmount@127.0.0.1:49153/web";

/** Reads an AppleScript string literal back as AppleScript does: `\"` and `\\` stand for `"` and `\`. */
function literalAfter(script: string, keyword: string): string | undefined {
  const match = new RegExp(`${keyword} "((?:[^"\\\\]|\\\\.)*)"`).exec(script);
  return match?.[1].replace(/\\(.)/g, "$1");
}

describe("the mount script", () => {
  it("mounts the URL as the share's user with its password, and prints the volume's POSIX path", () => {
    expect(mountScript(share)).toBe(
      `POSIX path of (mount volume "${url}" as user name "sshmount" with password "Zm9vYmFyYmF6cXV4")\n`,
    );
  });

  it("leaves the port out of the URL when it is 445, as Finder names the share", () => {
    expect(mountScript({ ...share, host: "172.17.0.2", port: 445 })).toContain(
      'mount volume "smb://sshmount@172.17.0.2/web" as user name',
    );
  });

  it("quotes a password with quotes and backslashes so AppleScript reads it back literally", () => {
    const password = 'a"b\\c\\"d" & (do shell script "id")';
    const script = mountScript({ ...share, password });
    expect(literalAfter(script, "with password")).toBe(password);
    expect(script.split("\n")).toEqual([expect.stringMatching(/^POSIX path of \(mount volume .*\)$/), ""]);
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1 }), (anyPassword) => {
        fc.pre(!/[\p{Cc}\u2028\u2029]/u.test(anyPassword));
        expect(literalAfter(mountScript({ ...share, password: anyPassword }), "with password")).toBe(anyPassword);
      }),
    );
  });

  it("refuses control characters, line breaks and an empty password", () => {
    for (const password of ["a\nb", "a\rb", "a\tb", "a\u0000b", "a\u2028b", "a\u007fb", ""]) {
      expect(() => mountScript({ ...share, password })).toThrow(expect.objectContaining({ kind: "internal" }));
    }
  });

  it("refuses host, share and user values a label could have bent", () => {
    for (const bent of [{ host: 'x" & "y' }, { share: "web/../etc" }, { user: "a b" }, { port: 0 }, { port: 70000 }]) {
      expect(() => mountScript({ ...share, ...bent })).toThrow(expect.objectContaining({ kind: "internal" }));
    }
  });
});

/**
 * `POSIX path of` a folder ends in a slash (AppleScript Language Guide, "alias" and "file" classes:
 * "POSIX path"); osascript prints the result and a newline. What `mount volume` returns for SMB
 * (a folder under /Volumes) is in docs/macos-check.md step 5, still to be seen on a Mac.
 */
describe("the volume the script printed", () => {
  it("is the folder path without its trailing slash", () => {
    expect(parseVolumePath("/Volumes/web/\n")).toBe("/Volumes/web");
    expect(parseVolumePath("/Volumes/notes on Tuesday/\n")).toBe("/Volumes/notes on Tuesday");
    expect(parseVolumePath("/Volumes/web-1/")).toBe("/Volumes/web-1");
  });

  it("is nothing unless it is one absolute path", () => {
    for (const stdout of ["", "\n", "Volumes/web/\n", "-n/\n", "/Volumes/web/\n/etc/\n", "web:\n"]) {
      expect(parseVolumePath(stdout)).toBeUndefined();
    }
  });
});

describe("osascript's failures", () => {
  for (const [name, fixture] of Object.entries(osascriptFailures)) {
    it(`${name}: ${fixture.finder}${fixture.code ? ` (${fixture.code})` : ""}`, async () => {
      // The same failure as each runner reports it: @raycast/utils' runAppleScript and the CLI's osascript.
      const raycast = Object.assign(new Error(`Command failed with exit code 1: osascript\n${fixture.stderr}`), {
        stderr: fixture.stderr.trimEnd(),
      });
      const cli = await osascriptRunner(async () => ({
        exitCode: 1,
        stdout: "",
        stderr: fixture.stderr,
        timedOut: false,
      }))("script").catch((error: unknown) => error);
      for (const thrown of [raycast, cli]) {
        const error = mountFailure(thrown, url, share.password);
        expect(error.kind).toBe("finder-failed");
        expect(error.message).toContain(url);
        expect(error.facts).toMatchObject({ url, finder: fixture.finder });
        expect(error.facts.code).toBe(fixture.code);
        expect(error.facts.permission !== undefined).toBe(fixture.permission === true);
        const words = /execution error: (.*)$/m.exec(fixture.stderr)?.[1] ?? fixture.stderr.trim();
        expect(error.facts.detail).toBe(words);
      }
    });
  }

  it("says what to do for each failure, and where to grant a refused permission", () => {
    const hints = Object.values(osascriptFailures).map((fixture) => {
      const { kind, message, hint } = describeError(mountFailure({ stderr: fixture.stderr }, url, share.password));
      expect([kind, message]).toEqual(["finder-failed", expect.stringContaining(url)]);
      if (fixture.permission) expect(hint).toContain("System Settings → Privacy & Security → Automation");
      return [fixture.finder, hint];
    });
    expect(new Set(hints.map(([, hint]) => hint)).size).toBe(new Set(hints.map(([finder]) => finder)).size);
  });

  it("names the Automation pane and the URL that opens it", () => {
    const error = mountFailure(
      { stderr: osascriptFailures["Automation refused"].stderr, message: "" },
      url,
      share.password,
    );
    expect(error.facts.permission).toEqual({
      name: "System Settings → Privacy & Security → Automation",
      url: "x-apple.systempreferences:com.apple.preference.security?Privacy_Automation",
    });
  });

  it("tells a timeout of either runner from a refusal", async () => {
    const raycast = new Error("Command timed out after 60000 milliseconds: osascript");
    const cli = await osascriptRunner(async () => ({ exitCode: -1, stdout: "", stderr: "", timedOut: true }))(
      "s",
    ).catch((error: unknown) => error);
    for (const thrown of [raycast, cli]) {
      expect(mountFailure(thrown, url, share.password).facts).toMatchObject({ finder: "timeout", url });
    }
  });

  it("masks the password wherever osascript echoed part of the script", () => {
    // Built: AppleScript Language Guide, -2741 "Expected <language element> but found <language element>."
    const stderr = `0:95: syntax error: Expected end of line but found “${share.password}”. (-2741)\n`;
    const error = mountFailure({ stderr }, url, share.password);
    expect(error.facts.code).toBe(-2741);
    expect(JSON.stringify({ message: error.message, facts: error.facts })).not.toContain(share.password);
  });
});

describe("openInFinder", () => {
  it("mounts through AppleScript on stdin, then opens the volume it got; no secret in any argv", async () => {
    const recorded = recorder({}, async () => "/Volumes/web-1/\n");
    await expect(openInFinder(share, "darwin", recorded)).resolves.toBe("/Volumes/web-1");
    expect(recorded.scripts).toEqual([mountScript(share)]);
    expect(recorded.calls.map((call) => [call.file, call.args])).toEqual([["/usr/bin/open", ["/Volumes/web-1"]]]);
    expect(JSON.stringify(recorded.calls)).not.toContain(share.password);
  });

  it("runs the CLI's osascript with the script as its only input", async () => {
    const recorded = recorder({ "/usr/bin/osascript": { stdout: "/Volumes/web/\n" } });
    const runtime = { run: recorded.run, appleScript: osascriptRunner(recorded.run) };
    await expect(openInFinder(share, "darwin", runtime)).resolves.toBe("/Volumes/web");
    expect(recorded.calls.map((call) => [call.file, call.args])).toEqual([
      ["/usr/bin/osascript", ["-"]],
      ["/usr/bin/open", ["/Volumes/web"]],
    ]);
    expect(recorded.calls[0].options?.input).toBe(mountScript(share));
    const argv = recorded.calls.flatMap((call) => [call.file, ...call.args]);
    expect(argv.some((word) => word.includes(share.password))).toBe(false);
    expect(argv.every((word) => !/\bsecurity$/.test(word))).toBe(true);
  });

  it("says osascript itself is missing when it cannot start, rather than reading it as a Finder refusal", async () => {
    const runtime = { run: runCommand, appleScript: osascriptRunner(runCommand) };
    await expect(openInFinder(share, "darwin", runtime)).rejects.toMatchObject({
      kind: "program-missing",
      facts: { program: "/usr/bin/osascript" },
    });
  });

  it("says which permission macOS refused, and opens nothing", async () => {
    const { stderr } = osascriptFailures["Automation refused"];
    const recorded = recorder({}, async () => Promise.reject(Object.assign(new Error("osascript exit 1"), { stderr })));
    await expect(openInFinder(share, "darwin", recorded)).rejects.toMatchObject({
      kind: "finder-failed",
      facts: {
        code: -1743,
        finder: "not-permitted",
        permission: { url: expect.stringContaining("Privacy_Automation") },
      },
    });
    expect(recorded.calls).toEqual([]);
  });

  it("fails when the script names no volume, or Finder cannot open it", async () => {
    const silent = recorder({}, async () => "\n");
    await expect(openInFinder(share, "darwin", silent)).rejects.toMatchObject({ kind: "finder-failed" });
    expect(silent.calls).toEqual([]);
    const refused = recorder(
      { "/usr/bin/open": { exitCode: 1, stderr: "The file /Volumes/web does not exist." } },
      async () => "/Volumes/web/\n",
    );
    await expect(openInFinder(share, "darwin", refused)).rejects.toMatchObject({
      kind: "finder-failed",
      facts: { detail: "The file /Volumes/web does not exist." },
    });
  });

  it("refuses a bent value before anything runs, and does nothing where there is no Finder", async () => {
    const bent = recorder();
    await expect(openInFinder({ ...share, password: "x\ny" }, "darwin", bent)).rejects.toMatchObject({
      kind: "internal",
    });
    const linux = recorder();
    await expect(openInFinder(share, "linux", linux)).resolves.toBeUndefined();
    expect([...bent.calls, ...bent.scripts, ...linux.calls, ...linux.scripts]).toEqual([]);
  });
});

describe("finding the Finder volume", () => {
  const entries = parseMountOutput(mountOutput);
  const find = (host: string, port: number, name: string, user = "sshmount") =>
    findVolume(entries, { host, port, share: name, user });

  it("parses every line, mount points with spaces and ' on ' included", () => {
    expect(entries).toHaveLength(7);
    expect(entries[5]).toEqual({
      source: "//sshmount@127.0.0.1:49153/notes",
      mountPoint: "/Volumes/notes on Tuesday",
      type: "smbfs",
    });
  });

  it("matches user, host, port and share, and nothing else", () => {
    expect(find("172.17.0.2", 445, "web")).toBe("/Volumes/web");
    expect(find("127.0.0.1", 49153, "notes")).toBe("/Volumes/notes on Tuesday");
    expect(find("127.0.0.1", 49154, "notes")).toBeUndefined();
    expect(find("172.17.0.2", 445, "we")).toBeUndefined();
    expect(find("172.17.0.2", 445, "web", "ann")).toBeUndefined();
    expect(find("nas.local", 445, "photos", "ann")).toBe("/Volumes/Photos");
  });

  it("compares strings, so no label value widens the match", () => {
    expect(find("172.17.0.2", 445, ".*")).toBeUndefined();
    expect(find("172.17.0.2", 445, "w.b")).toBeUndefined();
    expect(find("172.17.0.", 445, "web")).toBeUndefined();
    expect(find("172.17.0.2", 445, "web", ".*")).toBeUndefined();
    expect(find("172.17.0.2/web", 445, "")).toBeUndefined();
  });

  it("takes the port 445 written out, a source without user, and percent-escapes as in the URL", () => {
    const more = parseMountOutput(
      [
        "//sshmount@172.17.0.3:445/web on /Volumes/web-1 (smbfs, nodev, nosuid, mounted by ann)",
        "//172.17.0.4/WEB on /Volumes/WEB (smbfs, nodev, nosuid, mounted by ann)",
        "//sshmount@172.17.0.5/my%20web on /Volumes/my web (smbfs, nodev, nosuid, mounted by ann)",
        "//sshmount@172.17.0.6/web on /Volumes/web-2 (nfs, nodev, nosuid, mounted by ann)",
      ].join("\n"),
    );
    const at = (host: string, name = "web") => findVolume(more, { host, port: 445, share: name, user: "sshmount" });
    expect(at("172.17.0.3")).toBe("/Volumes/web-1");
    expect(at("172.17.0.4")).toBe("/Volumes/WEB");
    expect(at("172.17.0.5", "my web")).toBe("/Volumes/my web");
    expect(at("172.17.0.6")).toBeUndefined();
  });
});

describe("ejectInFinder", () => {
  const target = {
    share: "web",
    user: "sshmount",
    endpoints: [
      { host: "172.17.0.2", port: 445 },
      { host: "127.0.0.1", port: 49155 },
    ],
  };

  it("ejects the volume with diskutil, and runs nothing else", async () => {
    const { calls, run } = recorder({ "/sbin/mount": { stdout: mountOutput } });
    await expect(ejectInFinder(target, "darwin", run)).resolves.toBe("/Volumes/web");
    expect(calls.map((call) => [call.file, ...call.args])).toEqual([
      ["/sbin/mount"],
      ["/usr/sbin/diskutil", "unmount", "/Volumes/web"],
    ]);
  });

  it("forces umount when diskutil refuses, and says which volume is busy when both do", async () => {
    const busy = { exitCode: 1, stderr: "Volume web on disk5 failed to unmount: dissented by PID 312 (Preview)" };
    const first = recorder({ "/sbin/mount": { stdout: mountOutput }, "/usr/sbin/diskutil": busy });
    await expect(ejectInFinder(target, "darwin", first.run)).resolves.toBe("/Volumes/web");
    expect(first.calls.map((call) => call.file)).toContain("/sbin/umount");

    const second = recorder({
      "/sbin/mount": { stdout: mountOutput },
      "/usr/sbin/diskutil": busy,
      "/sbin/umount": { exitCode: 1, stderr: "umount(/Volumes/web): Resource busy" },
    });
    await expect(ejectInFinder(target, "darwin", second.run)).rejects.toMatchObject({
      kind: "mount-failed",
      message: expect.stringContaining("/Volumes/web"),
    });
  });

  it("only reads the mount table when Finder never mounted the share, and does nothing off macOS", async () => {
    const { calls, run } = recorder({ "/sbin/mount": { stdout: "" } });
    await expect(ejectInFinder(target, "darwin", run)).resolves.toBeUndefined();
    expect(calls.map((call) => call.file)).toEqual(["/sbin/mount"]);
    const linux = recorder();
    await expect(ejectInFinder(target, "linux", linux.run)).resolves.toBeUndefined();
    expect(linux.calls).toEqual([]);
  });
});
