import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { describeError } from "../../helper/errors";
import { runCommand } from "../../helper/process";

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "sshmount-errors-"));
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

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
    await fs.writeFile(open, "#!/bin/sh\n", { mode: 0o644 });
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
    const read = await fs.readFile(file).catch((e) => e);
    expect(describeError(read)).toMatchObject({
      kind: "file-access",
      message: `sshmount cannot open ${file}: it does not exist`,
      hint: expect.stringContaining(file),
    });
    await fs.mkdir(path.join(dir, "folder"));
    const write = await fs.writeFile(path.join(dir, "folder"), "x").catch((e) => e);
    expect(describeError(write)).toMatchObject({
      kind: "file-access",
      message: expect.stringContaining("it is a folder"),
    });
    const plain = path.join(dir, "plain");
    await fs.writeFile(plain, "");
    const created = await fs.mkdir(path.join(plain, "demo"), { recursive: true }).catch((e) => e);
    expect(describeError(created)).toMatchObject({
      kind: "file-access",
      message: `sshmount cannot write ${path.join(plain, "demo")}: a part of its path is not a folder`,
    });
  });

  it("leaves errors that are not the file system's as internal", () => {
    expect(describeError(new Error("boom"))).toMatchObject({ kind: "internal", message: "boom" });
  });
});
