import {
  AUTOMATION_PANE,
  isSshmountError,
  SshmountError,
  type ErrorFacts,
  type FinderFailure,
  type SettingsPane,
} from "../errors";
import type { AppleScriptRunner, CommandRunner } from "../process";
import { smbUrl } from "../network/reach";

interface FinderShare {
  host: string;
  port: number;
  share: string;
  user: string;
  password: string;
}

/**
 * What the host, share and user may be: the helper makes each itself (an IP, a mount name, "sshmount"),
 * but they are read back from Docker and go into a URL, so anything else is refused rather than escaped.
 */
const plainValue = /^[A-Za-z0-9._:[\]-]+$/;

/** Line breaks and other control characters: an AppleScript string literal must not hold them. */
const controlCharacter = /[\p{Cc}\u2028\u2029]/u;

/** An AppleScript string literal: backslash and double quote are the only characters it escapes. */
export function appleScriptText(value: string): string {
  return `"${value.replace(/[\\"]/g, "\\$&")}"`;
}

function checkShare(share: FinderShare): void {
  const plain = [share.host, share.share, share.user].every((value) => plainValue.test(value));
  const port = Number.isInteger(share.port) && share.port > 0 && share.port < 65536;
  if (!plain || !port || share.password === "" || controlCharacter.test(share.password)) {
    throw new SshmountError("internal", "A share value has characters the Finder mount script cannot take", {});
  }
}

/** The smb:// URL Finder mounts: the user but never the password, no port when it is 445. */
function shareUrl(share: Pick<FinderShare, "host" | "port" | "share" | "user">): string {
  return smbUrl(share, share.user, share.share);
}

/**
 * The AppleScript that mounts the share as Finder's Connect to Server does (Standard Additions'
 * `mount volume … as user name … with password …`), and prints the volume's POSIX path so the caller
 * knows which of /Volumes/web, /Volumes/web-1… it got. The password lives only in this text, which
 * goes to osascript's stdin: no Keychain item, no argv.
 */
export function mountScript(share: FinderShare): string {
  checkShare(share);
  return (
    `POSIX path of (mount volume ${appleScriptText(shareUrl(share))}` +
    ` as user name ${appleScriptText(share.user)} with password ${appleScriptText(share.password)})\n`
  );
}

/**
 * The volume path from the script's output ("/Volumes/web/" plus a newline, as `POSIX path of` prints a
 * folder). It becomes an argument of `open`, so only an absolute path of one line is taken.
 */
export function parseVolumePath(stdout: string): string | undefined {
  const path = stdout.replace(/\r?\n$/, "");
  if (!path.startsWith("/") || controlCharacter.test(path)) return undefined;
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

/**
 * What each AppleScript error number means for `mount volume`, and where that meaning comes from.
 * Apple documents the numbers, not which of them `mount volume` raises for SMB: those marked
 * "inferred" come from the classic Mac file-sharing client the codes were made for, and need a Mac
 * to confirm (docs/macos-check.md).
 */
const failureCodes: Record<number, { finder: FinderFailure; what: string; permission?: SettingsPane }> = {
  // userCanceledErr: AppleScript Language Guide, "Error Numbers and Error Messages" ("User canceled.").
  [-128]: { finder: "cancelled", what: "a macOS dialog was cancelled" },
  // errAEEventNotPermitted / errAEEventWouldRequireUserConsent: Apple Core Services, AppleEvents.h.
  [-1743]: { finder: "not-permitted", what: "macOS did not allow Apple events", permission: AUTOMATION_PANE },
  [-1744]: { finder: "not-permitted", what: "macOS wants consent to send Apple events", permission: AUTOMATION_PANE },
  // errAETimeout: AppleScript Language Guide, "Apple event timed out." (a dialog left unanswered, inferred).
  [-1712]: { finder: "timeout", what: "macOS did not answer in time" },
  // afpUserNotAuth, afpAccessDenied: "the user was not authenticated; usually the password is
  // incorrect", "access was denied" (WordBasic's MountVolume reference, Word for the Mac, MSDN 1998);
  // inferred for SMB.
  [-5023]: { finder: "login-refused", what: "the server refused the login" },
  [-5000]: { finder: "login-refused", what: "the server denied access to the share" },
  // afpMiscErr: what osascript printed when macOS's "There was a problem connecting to the server"
  // alert stood (cryptomator/cryptomator#1533, #1368); "could not connect" is inferred from that alert.
  [-5014]: { finder: "unreachable", what: "macOS could not connect to the server" },
  // afpNoServer: "the specified server is not responding" (the same WordBasic reference); inferred for SMB.
  [-5016]: { finder: "unreachable", what: "the server did not respond" },
  // ioErr (MacErrors.h "I/O error"): inferred to be a connection that broke while mounting.
  [-36]: { finder: "unreachable", what: "the connection to the server failed" },
};

/** osascript's error line: "0:63: execution error: An error of type -5014 has occurred. (-5014)". */
const executionError = /(?:execution|syntax) error: (.*) \((-?\d+)\)\s*$/m;

/**
 * The typed error for a failed mount script, from what the runner threw: osascript's stderr (on the
 * error's `stderr`, else in its message), or a timeout. The words are localised, so only the number
 * decides; the password is masked wherever osascript might have echoed part of the script (a syntax
 * error quotes it).
 */
export function mountFailure(error: unknown, url: string, password: string): SshmountError {
  const fields = (typeof error === "object" && error !== null ? error : {}) as Record<string, unknown>;
  const message = error instanceof Error ? error.message : String(error);
  const stderr = typeof fields.stderr === "string" && fields.stderr.trim() ? fields.stderr : message;
  const said = executionError.exec(stderr);
  const words = said ? `${said[1]} (${said[2]})` : stderr.trim();
  const detail = password ? words.split(password).join("•••") : words;
  const code = said ? Number(said[2]) : undefined;
  const timedOut = fields.timedOut === true || /timed out after \d+ milliseconds/.test(message);
  const known = code === undefined ? undefined : failureCodes[code];
  const finder: FinderFailure = known?.finder ?? (timedOut ? "timeout" : "other");
  const what = known?.what ?? (timedOut ? "osascript did not finish in time" : "osascript failed");
  const facts: ErrorFacts = {
    url,
    finder,
    detail,
    ...(code !== undefined ? { code } : {}),
    ...(known?.permission ? { permission: known.permission } : {}),
  };
  // No `cause`: the runner's error holds osascript's words unmasked.
  return new SshmountError("finder-failed", `Finder could not mount ${url}: ${what}`, facts);
}

/**
 * macOS: mounts the share through AppleScript (the password inside the script, on osascript's stdin),
 * then opens the volume it got in a Finder window; `open` on a folder needs no Automation permission,
 * unlike telling Finder. Returns the volume path, or undefined where there is no Finder (Linux): the
 * caller prints the URL instead.
 */
export async function openInFinder(
  share: FinderShare,
  platform: NodeJS.Platform,
  runtime: { run: CommandRunner; appleScript: AppleScriptRunner },
): Promise<string | undefined> {
  if (platform !== "darwin") return undefined;
  const script = mountScript(share);
  const url = shareUrl(share);
  // A typed error (osascript itself missing) already says what failed; only osascript's own failures are read.
  const stdout = await runtime.appleScript(script).catch((error: unknown) => {
    throw isSshmountError(error) ? error : mountFailure(error, url, share.password);
  });
  const volume = parseVolumePath(stdout);
  if (!volume) {
    throw new SshmountError("finder-failed", `Finder mounted ${url} but named no volume`, {
      url,
      finder: "other",
      detail: stdout.trim(),
    });
  }
  const opened = await runtime.run("/usr/bin/open", [volume], { timeoutMs: 15_000 });
  if (opened.exitCode !== 0) {
    throw new SshmountError("finder-failed", `Finder could not open ${volume}`, {
      url,
      finder: "other",
      detail: opened.stderr.trim(),
    });
  }
  return volume;
}

interface MountEntry {
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

/** An smbfs source, //[user@]host[:port]/share, split without building any pattern from our values. */
function parseSmbSource(source: string): { user?: string; host: string; port: number; share: string } | undefined {
  const match = /^\/\/(?:([^@/]*)@)?(\[[^\]/]+\]|[^:/[\]]+)(?::(\d+))?\/([^/]+)$/.exec(source);
  if (!match) return undefined;
  return { user: match[1], host: match[2], port: match[3] ? Number(match[3]) : 445, share: match[4] };
}

const sameText = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * The Finder volume of a share: smbfs mounts name their source //user@host[:port]/share (the port only
 * when it is not 445; percent-escaped as in the URL). The parts are compared as strings (host, user
 * and share without regard to case, as SMB does), so no label value can widen the match. Undefined
 * when Finder has not mounted it.
 */
export function findVolume(
  entries: MountEntry[],
  share: Pick<FinderShare, "host" | "port" | "share" | "user">,
): string | undefined {
  const expected = parseSmbSource(shareUrl(share).replace(/^smb:/, ""));
  if (!expected) return undefined;
  return entries.find((entry) => {
    const source = entry.type === "smbfs" ? parseSmbSource(entry.source) : undefined;
    return (
      source !== undefined &&
      sameText(source.host, expected.host) &&
      source.port === expected.port &&
      sameText(source.share, expected.share) &&
      (source.user === undefined || sameText(source.user, expected.user ?? ""))
    );
  })?.mountPoint;
}

export interface FinderVolumeTarget {
  share: string;
  user: string;
  /** Every address Finder may have used: the container IP on 445 and the port on 127.0.0.1. */
  endpoints: { host: string; port: number }[];
}

/** macOS: what is mounted right now, read once (`/sbin/mount`). */
export async function finderMounts(run: CommandRunner): Promise<MountEntry[]> {
  return parseMountOutput((await run("/sbin/mount", [], { timeoutMs: 10_000 })).stdout);
}

/** Where Finder mounted the share, read from the mount table; undefined when it has not. */
export async function finderVolume(target: FinderVolumeTarget, run: CommandRunner): Promise<string | undefined> {
  return volumeOf(await finderMounts(run), target);
}

/** The volume Finder has for a share at any of its addresses, among `entries`, or undefined. */
export function volumeOf(entries: MountEntry[], target: FinderVolumeTarget): string | undefined {
  return target.endpoints
    .map((endpoint) => findVolume(entries, { ...endpoint, share: target.share, user: target.user }))
    .find((found) => found !== undefined);
}

/**
 * macOS: ejects the share's Finder volume (diskutil, then umount -f when diskutil refuses), so stopping
 * the container never leaves Finder with "server disconnected". Returns the volume that was ejected,
 * if Finder had one.
 */
export async function ejectInFinder(
  target: FinderVolumeTarget,
  platform: NodeJS.Platform,
  run: CommandRunner,
): Promise<string | undefined> {
  if (platform !== "darwin") return undefined;
  const volume = await finderVolume(target, run);
  if (!volume) return undefined;
  const ejected = await run("/usr/sbin/diskutil", ["unmount", volume], { timeoutMs: 20_000 });
  if (ejected.exitCode !== 0) {
    const forced = await run("/sbin/umount", ["-f", volume], { timeoutMs: 20_000 });
    if (forced.exitCode !== 0) {
      throw new SshmountError(
        "mount-failed",
        `Finder keeps ${volume} busy: close the files open there and unmount again`,
        {
          detail: `${ejected.stderr.trim()} ${forced.stderr.trim()}`.trim(),
        },
      );
    }
  }
  return volume;
}
