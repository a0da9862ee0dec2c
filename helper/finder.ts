import { SshmountError } from "./errors";
import type { CommandRunner } from "./process";

export interface FinderShare {
  url: string;
  host: string;
  port: number;
  share: string;
  user: string;
  password: string;
}

/** What `security` and `mount` lines may carry: the helper makes every one of these values itself. */
const plainValue = /^[A-Za-z0-9._:[\]-]+$/;

function checkPlain(share: FinderShare): void {
  for (const value of [share.host, share.share, share.user, share.password]) {
    if (!plainValue.test(value)) {
      throw new SshmountError("internal", "A share value has characters the Keychain command line cannot take", {});
    }
  }
}

/**
 * The Keychain item Finder looks up for smb://user@host:port: an internet password with protocol
 * "smb " (kSecProtocolTypeSMB). `security -i` reads its commands from stdin, so the password is in
 * no process's argv; -U replaces the item a remount left.
 */
function keychainCommand(verb: "add" | "delete", share: FinderShare): string {
  const target = `-a ${share.user} -s ${share.host} -P ${share.port} -r "smb "`;
  return verb === "add"
    ? `add-internet-password -U ${target} -l "sshmount ${share.share}" -w ${share.password}\n`
    : `delete-internet-password ${target}\n`;
}

/**
 * macOS: stores the share's password in the login Keychain, then opens the URL (which carries the
 * user, never the password), so Finder mounts without asking. Elsewhere there is no Finder: the caller
 * prints the URL instead.
 */
export async function openInFinder(
  share: FinderShare,
  platform: NodeJS.Platform,
  run: CommandRunner,
): Promise<boolean> {
  if (platform !== "darwin") return false;
  checkPlain(share);
  const stored = await run("/usr/bin/security", ["-i"], { input: keychainCommand("add", share), timeoutMs: 15_000 });
  if (stored.exitCode !== 0 || /error/i.test(stored.stderr)) {
    throw new Error(`The Keychain refused the password for ${share.url}: ${stored.stderr.trim()}`);
  }
  const opened = await run("/usr/bin/open", [share.url], { timeoutMs: 15_000 });
  if (opened.exitCode !== 0) throw new Error(`Finder could not open ${share.url}: ${opened.stderr.trim()}`);
  return true;
}

export interface MountEntry {
  source: string;
  mountPoint: string;
  type: string;
}

/**
 * `mount` (no arguments) on macOS prints "FROM on MOUNTPOINT (TYPE, options…)" per file system (Apple
 * diskdev_cmds mount.tproj/mount.c prmount). A mount point may contain spaces and " on ".
 */
export function parseMountOutput(stdout: string): MountEntry[] {
  return stdout.split("\n").flatMap((line) => {
    const match = /^(.+?) on (.+) \(([^,)]+)[,)]/.exec(line);
    return match ? [{ source: match[1], mountPoint: match[2], type: match[3] }] : [];
  });
}

/**
 * The Finder volume of a share: smbfs mounts name their source //user@host[:port]/share (the port only
 * when it is not 445; percent-escaped as in the URL). Undefined when Finder has not mounted it.
 */
export function findVolume(
  entries: MountEntry[],
  share: Pick<FinderShare, "host" | "port" | "share">,
): string | undefined {
  const port = share.port === 445 ? "(?::445)?" : `:${share.port}`;
  const host = share.host.replace(/[.[\]]/g, "\\$&");
  const pattern = new RegExp(`^//(?:[^@/]+@)?${host}${port}/${share.share.replace(/\./g, "\\.")}$`, "i");
  return entries.find((entry) => entry.type === "smbfs" && pattern.test(entry.source))?.mountPoint;
}

export interface FinderVolumeTarget {
  share: string;
  user: string;
  /** Every address Finder may have used: the container IP on 445 and the port on 127.0.0.1. */
  endpoints: { host: string; port: number }[];
}

/**
 * macOS: ejects the share's Finder volume (diskutil, then umount -f when diskutil refuses), so stopping
 * the container never leaves Finder with "server disconnected", and forgets the Keychain items.
 * Returns the volume that was ejected, if Finder had one.
 */
export async function ejectInFinder(
  target: FinderVolumeTarget,
  platform: NodeJS.Platform,
  run: CommandRunner,
): Promise<string | undefined> {
  if (platform !== "darwin") return undefined;
  const entries = parseMountOutput((await run("/sbin/mount", [], { timeoutMs: 10_000 })).stdout);
  const volume = target.endpoints
    .map((endpoint) => findVolume(entries, { ...endpoint, share: target.share }))
    .find((found) => found !== undefined);
  if (volume) {
    const ejected = await run("/usr/sbin/diskutil", ["unmount", volume], { timeoutMs: 20_000 });
    if (ejected.exitCode !== 0) {
      const forced = await run("/sbin/umount", ["-f", volume], { timeoutMs: 20_000 });
      if (forced.exitCode !== 0) {
        throw new SshmountError(
          "mount-failed",
          `Finder keeps ${volume} busy: close the files open there and unmount again`,
          { detail: `${ejected.stderr.trim()} ${forced.stderr.trim()}`.trim() },
        );
      }
    }
  }
  const forget = target.endpoints
    .map((endpoint) =>
      keychainCommand("delete", { ...endpoint, share: target.share, user: target.user, url: "", password: "" }),
    )
    .join("");
  // A missing item is not an error worth reporting: the share may never have been opened in Finder.
  await run("/usr/bin/security", ["-i"], { input: forget, timeoutMs: 15_000 });
  return volume;
}
