import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { runCommand } from "../../../helper/process";
import { SshmountError, type ErrorKind, type PresentedHostKey } from "../../../helper/errors";
import { shellQuote } from "../../../helper/words/commands";
import { describeError } from "../../../helper/words/describe";
import type { ErrorAction } from "../../../helper/words/raycast";

const hostKey: PresentedHostKey = {
  host: "new.example",
  type: "ssh-ed25519",
  fingerprint: "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s",
};

/** One error per kind, with the facts the helper gives it where it throws it. A new kind needs one here. */
const examples: Record<ErrorKind, SshmountError> = {
  "docker-unavailable": new SshmountError(
    "docker-unavailable",
    "The Docker engine at unix:///Users/a/.orbstack/run/docker.sock does not answer",
    { tried: ["unix:///Users/a/.orbstack/run/docker.sock"], detail: "connect ENOENT" },
  ),
  "image-build-failed": new SshmountError("image-build-failed", "Building the mount image failed", {
    detail: "E: Unable to fetch some archives",
  }),
  "ssh-config-invalid": new SshmountError("ssh-config-invalid", "OpenSSH cannot read the configuration", {
    alias: "web",
    file: "/Users/a b/.ssh/config",
    line: 12,
    detail: "Bad configuration option: bogus",
  }),
  "auth-failed": new SshmountError("auth-failed", "web refused the login", {
    alias: "web",
    authMethods: ["publickey", "password"],
    detail: "ann@web.example: Permission denied (publickey,password).",
  }),
  "auth-interactive": new SshmountError("auth-interactive", "web asks for a one-time code", { alias: "web" }),
  "key-encrypted": new SshmountError("key-encrypted", "The key of web is locked with a passphrase", {
    alias: "web",
    file: "/Users/a b/.ssh/id_o'neil",
  }),
  "host-key-unknown": new SshmountError(
    "host-key-unknown",
    `The host key of newhost is not in your known_hosts; it presents ssh-ed25519 ${hostKey.fingerprint}`,
    { alias: "newhost", hostKey },
  ),
  "host-key-changed": new SshmountError("host-key-changed", "The host key of web changed", {
    alias: "web",
    host: "web.example",
  }),
  "host-unreachable": new SshmountError("host-unreachable", "web cannot be reached", {
    alias: "web",
    detail: "ssh: connect to host web.example port 22: Connection refused",
  }),
  "path-missing": new SshmountError("path-missing", "~/My Projects does not exist on web", {
    alias: "web",
    remotePath: "~/My Projects",
  }),
  "mount-failed": new SshmountError("mount-failed", "Mounting web failed", {
    alias: "web",
    name: "web",
    detail: "fuse: device not found",
  }),
  timeout: new SshmountError("timeout", "web did not answer within 60 s", { alias: "web" }),
  cancelled: new SshmountError("cancelled", "Mount cancelled"),
  "name-taken": new SshmountError("name-taken", 'A mount named "site" already exists for another host or path', {
    name: "site",
  }),
  "not-found": new SshmountError("not-found", "There is no mount yet: mount a host first"),
  "invalid-input": new SshmountError("invalid-input", '"bad name!" is not a valid mount name'),
  unsupported: new SshmountError("unsupported", "This engine cannot give containers /dev/fuse"),
  internal: new SshmountError("internal", "Unexpected reply from Docker"),
  "finder-failed": new SshmountError(
    "finder-failed",
    "Finder could not mount smb://sshmount@192.168.215.3/web: macOS did not allow Apple events",
    {
      url: "smb://sshmount@192.168.215.3/web",
      finder: "not-permitted",
      code: -1743,
      permission: {
        name: "System Settings → Privacy & Security → Automation",
        url: "x-apple.systempreferences:com.apple.preference.security?Privacy_Automation",
      },
      detail: "Not authorized to send Apple events to System Events. (-1743)",
    },
  ),
  "program-missing": new SshmountError("program-missing", "The program ssh was not found", { program: "ssh" }),
  "file-access": new SshmountError(
    "file-access",
    "sshmount cannot open /Users/a b/.ssh/known_hosts: permission denied",
    {
      file: "/Users/a b/.ssh/known_hosts",
    },
  ),
  "app-failed": new SshmountError("app-failed", "iTerm2 could not open a shell on web", {
    app: "iTerm2",
    alias: "web",
    detail: "execution error: Not authorized to send Apple events to iTerm. (-1743)",
  }),
};

/** The actions Raycast offers for each kind, in order. */
const expectedActions: Record<ErrorKind, ErrorAction["type"][]> = {
  "docker-unavailable": ["open-engine", "retry", "check-setup"],
  "image-build-failed": ["retry", "check-setup"],
  "ssh-config-invalid": ["open-ssh-config", "retry"],
  "auth-failed": ["enter-password", "copy-command", "retry"],
  "auth-interactive": ["copy-command", "retry"],
  "key-encrypted": ["copy-command", "retry"],
  "host-key-unknown": ["trust-host-key", "copy-command"],
  "host-key-changed": ["copy-command", "retry"],
  "host-unreachable": ["copy-command", "retry"],
  "path-missing": ["edit-mount", "copy-command"],
  "mount-failed": ["show-logs", "retry"],
  timeout: ["retry"],
  cancelled: ["retry"],
  "name-taken": ["edit-mount", "show-mounts"],
  "not-found": ["show-mounts"],
  "invalid-input": ["edit-mount"],
  unsupported: ["check-setup"],
  internal: ["check-setup", "retry"],
  "finder-failed": ["open-settings", "retry"],
  "program-missing": ["retry", "check-setup"],
  "file-access": ["retry"],
  "app-failed": ["open-settings", "retry"],
};

const cliVerb = /\bsshmount (hosts|mount|list|remount|unmount|logs|open|doctor|demo)\b/;
const longFlag = /(^|\s|`)--[a-z]/;

/**
 * The kinds as errors.ts declares them, read from its text: jest transpiles without type-checking, so
 * only this makes a kind added to the union without an example here (and Raycast words there) fail.
 */
function declaredKinds(): string[] {
  const source = fs.readFileSync(path.resolve("helper/errors.ts"), "utf8");
  const union = /export type ErrorKind =([^;]+);/.exec(source)?.[1] ?? "";
  return [...union.matchAll(/"([a-z-]+)"/g)].map((match) => match[1]);
}

describe("describeError for Raycast", () => {
  it("has an example and expected actions for every kind errors.ts declares", () => {
    expect(declaredKinds().length).toBeGreaterThan(10);
    expect(Object.keys(examples).sort()).toEqual(declaredKinds().sort());
    expect(Object.keys(expectedActions).sort()).toEqual(declaredKinds().sort());
  });

  it.each(Object.keys(examples) as ErrorKind[])("%s: names actions, never a CLI flag or verb", (kind) => {
    const description = describeError(examples[kind], "raycast");
    expect(description.kind).toBe(kind);
    expect(description.hint).not.toBe(describeError(examples[kind]).hint);
    expect(description.hint).not.toMatch(cliVerb);
    // What Raycast says names no flag at all; a copied command's own flags (ssh-add's) are for the terminal.
    const spoken = [description.hint, description.title];
    for (const text of spoken) expect(text).not.toMatch(longFlag);
    const handed = description.actions.filter((action) => action.type !== "copy-command");
    for (const action of handed) expect(JSON.stringify(action)).not.toMatch(longFlag);
    expect(description.hint).not.toMatch(/--(trust-host-key|name|password-stdin|json|connect|all|last)\b/);
    expect(description.actions.map((action) => action.type)).toEqual(expectedActions[kind]);
  });

  it("takes the title and detail apart instead of leaving the client to split prose", () => {
    const description = describeError(examples["auth-failed"], "raycast");
    expect(description).toMatchObject({
      title: "web refused the login",
      detail: "ann@web.example: Permission denied (publickey,password).",
      message: "web refused the login: ann@web.example: Permission denied (publickey,password).",
    });
    expect(describeError(examples.cancelled, "raycast").detail).toBeUndefined();
  });

  it("hands over commands quoted for the shell they are pasted into", () => {
    const copy = (kind: ErrorKind) =>
      describeError(examples[kind], "raycast").actions.find((action) => action.type === "copy-command");
    expect(copy("key-encrypted")).toEqual({
      type: "copy-command",
      command: "ssh-add --apple-use-keychain '/Users/a b/.ssh/id_o'\\''neil'",
    });
    expect(describeError(examples["key-encrypted"], "raycast").hint).toContain(
      "press Copy Command and run it in Terminal",
    );
    // The remote shell expands the ~ and sees the path with its space as one word.
    expect(copy("path-missing")).toEqual({ type: "copy-command", command: "ssh web 'ls -d ~/'\\''My Projects'\\'''" });
    expect(copy("host-key-changed")).toEqual({ type: "copy-command", command: "ssh-keygen -R web.example" });
    expect(describeError(examples["host-key-unknown"], "raycast")).toMatchObject({
      hint: expect.stringMatching(/^Press Trust Host Key after comparing SHA256:uNiV/),
      actions: [{ type: "trust-host-key", hostKey }, { command: "ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub" }],
    });
  });

  it("offers Enter Password only to a server that takes one", () => {
    const keyOnly = new SshmountError("auth-failed", "web refused the login", {
      alias: "web",
      authMethods: ["publickey"],
    });
    expect(describeError(keyOnly, "raycast").actions.map((action) => action.type)).toEqual(["copy-command", "retry"]);
    expect(describeError(keyOnly, "raycast").hint).not.toContain("Enter Password");
  });

  it("describes anything that is not ours as internal, for either client", () => {
    expect(describeError(new TypeError("x is undefined"), "raycast")).toMatchObject({
      kind: "internal",
      title: "x is undefined",
      actions: [{ type: "check-setup" }, { type: "retry" }],
    });
    expect(describeError("boom")).toMatchObject({ kind: "internal", message: "boom", actions: [] });
  });
});

describe("describeError for the CLI", () => {
  it.each(Object.keys(examples) as ErrorKind[])("%s: keeps the terminal's hint, and offers no buttons", (kind) => {
    const description = describeError(examples[kind]);
    expect(description.hint).not.toBe("");
    expect(description.actions).toEqual([]);
    expect(describeError(examples[kind], "cli")).toEqual(description);
  });

  it("names the flags and verbs a terminal user types", () => {
    expect(describeError(examples["host-key-unknown"]).hint).toBe(
      `Compare ${hostKey.fingerprint} with the server's own key (\`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\` on it). If they match, mount again with --trust-host-key ${hostKey.fingerprint}.`,
    );
    expect(describeError(examples["name-taken"]).hint).toBe(
      "Choose another name with --name, or unmount the existing mount first.",
    );
    expect(describeError(examples["auth-failed"]).hint).toContain("mount with --password-stdin");
    expect(describeError(examples["not-found"]).hint).toBe("Run `sshmount list` to see the current mounts.");
    expect(describeError(examples.unsupported).hint).toBe("See `sshmount doctor` for what this machine supports.");
    expect(describeError(examples["mount-failed"]).hint).toContain("`sshmount logs NAME`");
  });
});

describe("shellQuote", () => {
  /** What a POSIX shell makes of the quoted line: its words, each ended by a NUL. */
  const parsed = (line: string) =>
    spawnSync("sh", ["-c", `printf '%s\\0' ${line}`], { encoding: "utf8" })
      .stdout.split("\0")
      .slice(0, -1);

  it("leaves plain words alone", () => {
    expect(shellQuote(["ssh-add", "--apple-use-keychain", "/Users/ann/.ssh/id_ed25519"])).toBe(
      "ssh-add --apple-use-keychain /Users/ann/.ssh/id_ed25519",
    );
  });

  it.each([
    ["a space", ["/Users/a b/.ssh/id"]],
    ["quotes", ["it's", 'say "hi"', "'"]],
    ["shell syntax", ["$(rm -rf ~)", "`id`", "a;b|c&d", "*", "~", "!x", "a\\b"]],
    ["an empty word and a newline", ["", "two\nlines"]],
  ])("keeps %s as the same words through a shell", (_, words) => {
    expect(parsed(shellQuote(words))).toEqual(words);
  });
});

let dir: string;
beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), "sshmount-errors-"));
});
afterAll(() => fsp.rm(dir, { recursive: true, force: true }));

describe("a program that cannot be started", () => {
  it("is program-missing from the runner, naming the program, with OpenSSH's install as the fix for ssh", async () => {
    const missing = await runCommand(path.join(dir, "ssh-keygen"), []).catch((e) => e);
    expect(missing).toMatchObject({ kind: "program-missing", facts: { program: path.join(dir, "ssh-keygen") } });
    expect(describeError(missing)).toMatchObject({
      kind: "program-missing",
      message: `The program ${path.join(dir, "ssh-keygen")} was not found`,
      hint: expect.stringContaining("Install OpenSSH"),
    });
  });

  it("says a macOS tool ships with macOS, so PATH or permissions are wrong; EACCES says not executable", async () => {
    const open = path.join(dir, "open");
    await fsp.writeFile(open, "#!/bin/sh\n", { mode: 0o644 });
    const error = await runCommand(open, ["smb://x"]).catch((e) => e);
    const description = describeError(error);
    expect(description.kind).toBe("program-missing");
    // Root may execute any file with an x bit only; a 0644 file is EACCES for everyone.
    expect(description.message).toBe(`The program ${open} is not executable (permission denied)`);
    expect(description.hint).toMatch(/^open ships with macOS: check that PATH includes/);
  });

  it("a raw spawn error that reached describeError unwrapped is program-missing too", async () => {
    const raw = await new Promise<Error>((resolve) => spawn("osascript-not-here").on("error", resolve));
    expect(describeError(raw)).toMatchObject({
      kind: "program-missing",
      message: expect.stringContaining("osascript"),
    });
  });
});

describe("a file the helper cannot read or write", () => {
  it("is file-access naming the file, not internal", async () => {
    const file = path.join(dir, "demo", "id_ed25519.pub");
    const read = await fsp.readFile(file).catch((e) => e);
    expect(describeError(read)).toMatchObject({
      kind: "file-access",
      message: `sshmount cannot open ${file}: it does not exist`,
      hint: expect.stringContaining(file),
    });
    await fsp.mkdir(path.join(dir, "folder"));
    const write = await fsp.writeFile(path.join(dir, "folder"), "x").catch((e) => e);
    expect(describeError(write)).toMatchObject({
      kind: "file-access",
      message: expect.stringContaining("it is a folder"),
    });
    const plain = path.join(dir, "plain");
    await fsp.writeFile(plain, "");
    const created = await fsp.mkdir(path.join(plain, "demo"), { recursive: true }).catch((e) => e);
    expect(describeError(created)).toMatchObject({
      kind: "file-access",
      message: `sshmount cannot write ${path.join(plain, "demo")}: a part of its path is not a folder`,
    });
  });

  it("leaves errors that are not the file system's as internal", () => {
    expect(describeError(new Error("boom"))).toMatchObject({ kind: "internal", message: "boom" });
  });
});
