import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "@jest/globals";
import { sshWords, terminalLaunch, openTerminal, TERMINAL_APPS } from "../../../helper/macos/terminal";
import type { CommandRunner } from "../../../helper/process";
import { useTempDir } from "../../temp-dir";

const tmp = useTempDir("terminal");

/** The words a POSIX shell makes of a command line, as Terminal and iTerm2 hand it to the login shell. */
const parsed = (line: string) =>
  spawnSync("sh", ["-c", `printf '%s\\0' ${line}`], { encoding: "utf8" })
    .stdout.split("\0")
    .slice(0, -1);

/** Runs the remote command as the host's shell would, with a "login shell" that prints where it started. */
function landsIn(remoteCommand: string, home: string): string {
  const shell = path.join(home, "print-folder");
  fs.writeFileSync(shell, "#!/bin/sh\npwd -P\n", { mode: 0o755 });
  return spawnSync("sh", ["-c", remoteCommand], { encoding: "utf8", env: { HOME: home, SHELL: shell } }).stdout.trim();
}

describe("the ssh command of Open in Terminal", () => {
  it("is ssh -t ALIAS with a cd the remote shell reads back as the mounted folder", () => {
    const home = fs.realpathSync(tmp());
    for (const folder of ["it's a $(folder)", "plain", "~"]) {
      if (folder !== "~") fs.mkdirSync(path.join(home, folder), { recursive: true });
      const words = sshWords({ alias: "web", remotePath: folder === "~" ? "~" : `~/${folder}` });
      expect(words.slice(0, 3)).toEqual(["ssh", "-t", "web"]);
      expect(landsIn(words[3], home)).toBe(folder === "~" ? home : path.join(home, folder));
    }
    expect(sshWords({ alias: "web", remotePath: "/srv/a b" })[3]).toBe(`cd '/srv/a b' && exec "$SHELL" -l`);
  });

  it("refuses an alias or path from a label that no mount would have taken", () => {
    expect(() => sshWords({ alias: "-oProxyCommand=x", remotePath: "~" })).toThrow(/not a host alias/);
    expect(() => sshWords({ alias: "web", remotePath: "a\nb" })).toThrow(/control characters/);
  });
});

describe("each terminal's way to run it", () => {
  const target = { alias: "web", remotePath: "~/it's here" };

  it("gives Terminal and iTerm2 one command line, quoted so a shell makes the same words of it", () => {
    const terminal = terminalLaunch("terminal", target, "/Users/ann", "web");
    const iterm = terminalLaunch("iterm2", target, "/Users/ann", "web");
    expect(terminal.kind).toBe("applescript");
    expect(iterm.kind).toBe("applescript");
    const quoted = (launch: typeof terminal) =>
      launch.kind === "applescript" ? /(?:do script|write text) "((?:[^"\\]|\\.)*)"/.exec(launch.script)?.[1] : "";
    const unescaped = (text: string | undefined) => (text ?? "").replace(/\\(.)/g, "$1");
    for (const launch of [terminal, iterm]) expect(parsed(unescaped(quoted(launch)))).toEqual(sshWords(target));
    expect(terminal).toEqual({
      kind: "applescript",
      script: expect.stringMatching(/^tell application "Terminal"\nactivate\ndo script "ssh -t web /),
    });
    expect(iterm.kind === "applescript" && iterm.script).toContain("create window with default profile");
  });

  it("hands Ghostty and kitty the argument array through open --args, no shell in between", () => {
    expect(terminalLaunch("ghostty", target, "/Users/ann", "web")).toEqual({
      kind: "open",
      args: ["-na", "Ghostty", "--args", "-e", ...sshWords(target)],
    });
    expect(terminalLaunch("kitty", target, "/Users/ann", "web")).toEqual({
      kind: "open",
      args: ["-na", "kitty", "--args", ...sshWords(target)],
    });
  });

  it("writes Warp a launch configuration and opens it by its warp://launch URL", async () => {
    const home = tmp();
    const calls: { file: string; args: readonly string[] }[] = [];
    const run: CommandRunner = async (file, args) => {
      calls.push({ file, args });
      return { exitCode: 0, stdout: "", stderr: "", timedOut: false };
    };
    await openTerminal("warp", target, "web-site", { run, home, appleScript: async () => "" });
    const file = path.join(home, ".warp", "launch_configurations", "sshmount-web-site.yaml");
    const config = fs.readFileSync(file, "utf8");
    const exec = /- exec: (.*)\n/.exec(config)?.[1] ?? "";
    expect(parsed(JSON.parse(exec))).toEqual(sshWords(target));
    expect(calls).toEqual([{ file: "/usr/bin/open", args: [`warp://launch/${encodeURIComponent(file)}`] }]);
  });

  it("names the app when it does not open, with what macOS said", async () => {
    const run: CommandRunner = async () => ({
      exitCode: 1,
      stdout: "",
      // What /usr/bin/open prints for an app LaunchServices does not know (open(1) on macOS 14).
      stderr: "Unable to find application named 'kitty'\n",
      timedOut: false,
    });
    await expect(
      openTerminal("kitty", target, "web", { run, home: tmp(), appleScript: async () => "" }),
    ).rejects.toMatchObject({
      kind: "app-failed",
      facts: { app: "kitty", detail: "Unable to find application named 'kitty'" },
    });
    const refused = Object.assign(new Error("osascript failed"), {
      // errAEEventNotPermitted as osascript prints it (AppleEvents.h, -1743).
      stderr: "execution error: Not authorized to send Apple events to Terminal. (-1743)",
    });
    await expect(
      openTerminal("terminal", target, "web", { run, home: tmp(), appleScript: async () => Promise.reject(refused) }),
    ).rejects.toMatchObject({ kind: "app-failed", facts: { app: "Terminal", detail: refused.stderr } });
  });

  it("knows every terminal the preferences offer", () => {
    for (const app of TERMINAL_APPS) expect(terminalLaunch(app, target, tmp(), "web").kind).toBeDefined();
  });
});
