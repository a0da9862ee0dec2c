import { describe, expect, it } from "@jest/globals";
import { ejectInFinder, findVolume, openInFinder, parseMountOutput } from "../../helper/finder";
import type { CommandRunner, RunOptions, RunResult } from "../../helper/process";

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

function recorder(answers: Record<string, Partial<RunResult>> = {}) {
  const calls: { file: string; args: readonly string[]; options?: RunOptions }[] = [];
  const run: CommandRunner = async (file, args, options) => {
    calls.push({ file, args, options });
    return { exitCode: 0, stdout: "", stderr: "", timedOut: false, ...answers[file] };
  };
  return { calls, run };
}

const share = {
  url: "smb://sshmount@127.0.0.1:49153/web",
  host: "127.0.0.1",
  port: 49153,
  share: "web",
  user: "sshmount",
  password: "Zm9vYmFyYmF6cXV4X3Bhc3N3b3Jk",
};

describe("openInFinder", () => {
  it("puts the password in the Keychain through security's stdin, then opens the URL without it", async () => {
    const { calls, run } = recorder();
    await expect(openInFinder(share, "darwin", run)).resolves.toBe(true);
    expect(calls.map((call) => [call.file, call.args])).toEqual([
      ["/usr/bin/security", ["-i"]],
      ["/usr/bin/open", [share.url]],
    ]);
    expect(calls[0].options?.input).toBe(
      `add-internet-password -U -a sshmount -s 127.0.0.1 -P 49153 -r "smb " -l "sshmount web" -w ${share.password}\n`,
    );
    expect(JSON.stringify(calls.map((call) => call.args))).not.toContain(share.password);
  });

  it("reports the Keychain's refusal and opens nothing", async () => {
    const { calls, run } = recorder({ "/usr/bin/security": { stderr: "security: SecKeychainItemCreate: error" } });
    await expect(openInFinder(share, "darwin", run)).rejects.toThrow(/Keychain refused/);
    expect(calls.map((call) => call.file)).toEqual(["/usr/bin/security"]);
  });

  it("refuses a value that could break the security command line", async () => {
    const { calls, run } = recorder();
    await expect(openInFinder({ ...share, password: 'x" -w y' }, "darwin", run)).rejects.toMatchObject({
      kind: "internal",
    });
    expect(calls).toEqual([]);
  });

  it("does nothing where there is no Finder", async () => {
    const { calls, run } = recorder();
    await expect(openInFinder(share, "linux", run)).resolves.toBe(false);
    expect(calls).toEqual([]);
  });
});

describe("finding the Finder volume", () => {
  const entries = parseMountOutput(mountOutput);

  it("parses every line, mount points with spaces and ' on ' included", () => {
    expect(entries).toHaveLength(7);
    expect(entries[5]).toEqual({
      source: "//sshmount@127.0.0.1:49153/notes",
      mountPoint: "/Volumes/notes on Tuesday",
      type: "smbfs",
    });
  });

  it("matches host, port and share, and nothing else", () => {
    expect(findVolume(entries, { host: "172.17.0.2", port: 445, share: "web" })).toBe("/Volumes/web");
    expect(findVolume(entries, { host: "127.0.0.1", port: 49153, share: "notes" })).toBe("/Volumes/notes on Tuesday");
    expect(findVolume(entries, { host: "127.0.0.1", port: 49154, share: "notes" })).toBeUndefined();
    expect(findVolume(entries, { host: "172.17.0.2", port: 445, share: "we" })).toBeUndefined();
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

  it("ejects the volume with diskutil and forgets both Keychain items", async () => {
    const { calls, run } = recorder({ "/sbin/mount": { stdout: mountOutput } });
    await expect(ejectInFinder(target, "darwin", run)).resolves.toBe("/Volumes/web");
    expect(calls.map((call) => [call.file, ...call.args])).toEqual([
      ["/sbin/mount"],
      ["/usr/sbin/diskutil", "unmount", "/Volumes/web"],
      ["/usr/bin/security", "-i"],
    ]);
    expect(calls[2].options?.input).toBe(
      'delete-internet-password -a sshmount -s 172.17.0.2 -P 445 -r "smb "\n' +
        'delete-internet-password -a sshmount -s 127.0.0.1 -P 49155 -r "smb "\n',
    );
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

  it("only forgets the Keychain items when Finder never mounted the share, and does nothing off macOS", async () => {
    const { calls, run } = recorder({ "/sbin/mount": { stdout: "" } });
    await expect(ejectInFinder(target, "darwin", run)).resolves.toBeUndefined();
    expect(calls.map((call) => call.file)).toEqual(["/sbin/mount", "/usr/bin/security"]);
    const linux = recorder();
    await expect(ejectInFinder(target, "linux", linux.run)).resolves.toBeUndefined();
    expect(linux.calls).toEqual([]);
  });
});
