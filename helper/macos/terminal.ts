import fs from "node:fs/promises";
import path from "node:path";
import { SshmountError } from "../errors";
import { normalizeRemotePath, displayRemotePath } from "../mount/naming";
import type { AppleScriptRunner, CommandRunner } from "../process";
import { validateAlias } from "../ssh/options";
import { remoteWord, shellQuote } from "../words/commands";
import { appleScriptText } from "./finder";

export const TERMINAL_APPS = ["terminal", "iterm2", "ghostty", "warp", "kitty"] as const;
export type TerminalApp = (typeof TERMINAL_APPS)[number];

const terminalNames: Record<TerminalApp, string> = {
  terminal: "Terminal",
  iterm2: "iTerm2",
  ghostty: "Ghostty",
  warp: "Warp",
  kitty: "kitty",
};

/** A host and the folder the shell should start in, as List Mounts has them (read back from Docker). */
export interface ShellTarget {
  alias: string;
  remotePath: string;
}

/**
 * `ssh -t ALIAS 'cd FOLDER && exec "$SHELL" -l'`: a login shell on the host, in the mounted folder. The
 * alias and path come from container labels, so both are checked as a new mount checks them; the folder
 * is quoted for the remote shell by remoteWord, a leading ~ left outside the quotes to expand there.
 */
export function sshWords(target: ShellTarget): string[] {
  validateAlias(target.alias);
  const folder = displayRemotePath(normalizeRemotePath(target.remotePath));
  return ["ssh", "-t", target.alias, `cd ${remoteWord(folder)} && exec "$SHELL" -l`];
}

/** How one terminal app is told to run the command: an AppleScript, or `open` with an argument array. */
export type TerminalLaunch =
  | { kind: "applescript"; script: string }
  | { kind: "open"; args: string[] }
  | { kind: "warp"; file: string; config: string; url: string };

/**
 * Terminal and iTerm2 take only a command line, which they type into the user's login shell: it is made
 * by shellQuote from the argument array, never by pasting values into a string. Ghostty and kitty take
 * the argument array itself, through `open --args`, so no local shell parses anything.
 */
export function terminalLaunch(app: TerminalApp, target: ShellTarget, home: string, name: string): TerminalLaunch {
  const words = sshWords(target);
  const line = shellQuote(words);
  switch (app) {
    case "terminal":
      // Terminal's scripting dictionary (Terminal.sdef): `do script` runs a command in a new window.
      return {
        kind: "applescript",
        script: `tell application "Terminal"\nactivate\ndo script ${appleScriptText(line)}\nend tell\n`,
      };
    case "iterm2":
      // iTerm2's AppleScript reference (iterm2.com/documentation-scripting.html): `create window with
      // default profile`, then `write text` in its current session.
      return {
        kind: "applescript",
        script:
          `tell application "iTerm"\nactivate\nset made to (create window with default profile)\n` +
          `tell current session of made to write text ${appleScriptText(line)}\nend tell\n`,
      };
    case "ghostty":
      // `open -na Ghostty.app --args -e COMMAND…` starts a new window running the command
      // (ghostty-org/ghostty discussion #10203); -n because a running Ghostty ignores --args otherwise.
      // Since ghostty-org/ghostty#7044 (Ghostty 1.2) -e execs its arguments directly, with no /bin/sh.
      return { kind: "open", args: ["-na", "Ghostty", "--args", "-e", ...words] };
    case "kitty":
      // kitty [options] [program-to-run …] (sw.kovidgoyal.net/kitty/invocation), passed by
      // `open -na kitty.app --args …` (kovidgoyal/kitty#7135).
      return { kind: "open", args: ["-na", "kitty", "--args", ...words] };
    case "warp":
      return warpLaunch(line, home, name);
  }
}

/**
 * Warp runs a command only from a Launch Configuration: a YAML file in ~/.warp/launch_configurations/
 * whose tab has `commands: - exec: …` (docs.warp.dev/terminal/sessions/launch-configurations), opened by
 * warp://launch/<path> (docs.warp.dev/terminal/more-features/uri-scheme). JSON strings are YAML
 * double-quoted scalars, so every value is written with JSON.stringify. The file is named after the
 * mount (a validated mount name), so each mount keeps one.
 */
function warpLaunch(line: string, home: string, name: string): TerminalLaunch {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(name)) {
    throw new SshmountError("invalid-input", "The mount's name cannot name a Warp launch configuration", { name });
  }
  const file = path.join(home, ".warp", "launch_configurations", `sshmount-${name}.yaml`);
  const config = [
    "---",
    `name: ${JSON.stringify(`sshmount ${name}`)}`,
    "windows:",
    "  - tabs:",
    `      - title: ${JSON.stringify(name)}`,
    "        layout:",
    `          cwd: ${JSON.stringify(home)}`,
    "          commands:",
    `            - exec: ${JSON.stringify(line)}`,
    "",
  ].join("\n");
  return { kind: "warp", file, config, url: `warp://launch/${encodeURIComponent(file)}` };
}

/** Opens the terminal the user chose on a shell in the mounted folder. */
export async function openTerminal(
  app: TerminalApp,
  target: ShellTarget,
  name: string,
  runtime: { run: CommandRunner; appleScript: AppleScriptRunner; home: string },
): Promise<void> {
  const launch = terminalLaunch(app, target, runtime.home, name);
  const failed = (detail: string) =>
    new SshmountError("app-failed", `${terminalNames[app]} could not open a shell on ${target.alias}`, {
      app: terminalNames[app],
      alias: target.alias,
      detail,
    });
  if (launch.kind === "applescript") {
    await runtime.appleScript(launch.script).catch((error: unknown) => {
      const stderr = (error as { stderr?: unknown }).stderr;
      throw failed(typeof stderr === "string" && stderr.trim() ? stderr.trim() : String(error));
    });
    return;
  }
  if (launch.kind === "warp") {
    await fs.mkdir(path.dirname(launch.file), { recursive: true });
    await fs.writeFile(launch.file, launch.config, { mode: 0o600 });
  }
  await runOpen(launch.kind === "open" ? launch.args : [launch.url], runtime.run, failed);
}

/** `open` with an argument array; a non-zero exit (no such app, no handler for the URL) is the caller's error. */
export async function runOpen(args: string[], run: CommandRunner, failed: (detail: string) => Error): Promise<void> {
  const opened = await run("/usr/bin/open", args, { timeoutMs: 15_000 });
  if (opened.exitCode !== 0) throw failed(opened.stderr.trim());
}
