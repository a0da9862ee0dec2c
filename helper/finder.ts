import type { CommandRunner } from "./process";

export interface OpenTarget {
  url: string;
  user: string;
  password: string;
}

function appleScriptString(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/**
 * macOS: mounts the share with its password, then shows it in Finder. The script goes to osascript on
 * stdin, so the password never appears in any process's argv; the URL passed to `open` carries none.
 * Elsewhere there is no Finder: the caller prints the URL instead.
 */
export async function openInFinder(
  target: OpenTarget,
  platform: NodeJS.Platform,
  run: CommandRunner,
): Promise<boolean> {
  if (platform !== "darwin") return false;
  const script = `mount volume ${appleScriptString(target.url)} as user name ${appleScriptString(target.user)} with password ${appleScriptString(target.password)}\n`;
  const mounted = await run("/usr/bin/osascript", ["-"], { input: script, timeoutMs: 30_000 });
  if (mounted.exitCode !== 0) throw new Error(`Finder could not mount ${target.url}: ${mounted.stderr.trim()}`);
  const opened = await run("/usr/bin/open", [target.url], { timeoutMs: 15_000 });
  if (opened.exitCode !== 0) throw new Error(`Finder could not open ${target.url}: ${opened.stderr.trim()}`);
  return true;
}
