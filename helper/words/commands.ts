/** The programs sshmount runs and the commands its words ask the user to paste into a terminal. */
import type { PresentedHostKey } from "../errors";

/** Run on the server, prints the fingerprint of the key type the client was shown. */
export function hostKeyCommand(hostKey: PresentedHostKey): string {
  return shellQuote(["ssh-keygen", "-lf", `/etc/ssh/ssh_host_${hostKey.type.replace(/^ssh-|-.*$/g, "")}_key.pub`]);
}

/** POSIX shell quoting for a command the user pastes into a terminal: plain words stay as they are. */
export function shellQuote(words: string[]): string {
  return words
    .map((word) => (/^[A-Za-z0-9_\-./:@%+=,]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`))
    .join(" ");
}

/** A remote path as a word of the remote shell's command line: a leading ~ stays outside the quotes to expand there. */
export function remoteWord(remotePath: string): string {
  if (remotePath === "~") return "~";
  return remotePath.startsWith("~/") ? `~/${shellQuote([remotePath.slice(2)])}` : shellQuote([remotePath]);
}

/** Programs that come with macOS itself: when one cannot run, PATH or permissions are wrong, not an install. */
export const macOsTools = new Set(["osascript", "open", "diskutil", "mount", "umount", "route", "security", "netstat"]);

export function programBase(program: string): string {
  return program.split("/").pop() ?? program;
}

export function isOpenSsh(base: string): boolean {
  return /^ssh(-keygen|-add|-keyscan)?$/.test(base);
}
