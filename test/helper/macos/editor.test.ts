import { describe, expect, it } from "@jest/globals";
import { absoluteFolder, editorUrl, openEditor } from "../../../helper/macos/editor";
import type { CommandRunner } from "../../../helper/process";

/** A runner that answers ssh with `stdout` and records every call. */
function recorder(stdout: string, exitCode = 0, stderr = "") {
  const calls: { file: string; args: readonly string[] }[] = [];
  const run: CommandRunner = async (file, args) => {
    calls.push({ file, args });
    return file === "ssh"
      ? { exitCode, stdout, stderr, timedOut: false }
      : { exitCode: 0, stdout: "", stderr: "", timedOut: false };
  };
  return { calls, run };
}

describe("Open in Editor", () => {
  it("builds Remote-SSH's folder URL for VS Code and Cursor, every part percent-encoded", () => {
    expect(editorUrl("vscode", "web", "/srv/site")).toBe("vscode://vscode-remote/ssh-remote+web/srv/site");
    expect(editorUrl("cursor", "web", "/srv/my site#1")).toBe(
      "cursor://vscode-remote/ssh-remote+web/srv/my%20site%231",
    );
    expect(() => editorUrl("vscode", "web", "site")).toThrow(/absolute/);
  });

  it("opens an absolute folder as it is, without asking the host", async () => {
    const { calls, run } = recorder("");
    await expect(openEditor("vscode", { alias: "web", remotePath: "/srv/site" }, { run, env: {} })).resolves.toBe(
      "vscode://vscode-remote/ssh-remote+web/srv/site",
    );
    expect(calls).toEqual([{ file: "/usr/bin/open", args: ["vscode://vscode-remote/ssh-remote+web/srv/site"] }]);
  });

  it("asks the host where a home-relative folder is, the folder quoted for its shell, with no prompt", async () => {
    const { calls, run } = recorder("/home/ann/my site\n");
    await expect(absoluteFolder({ alias: "web", remotePath: "~/my site" }, run, {})).resolves.toBe("/home/ann/my site");
    expect(calls[0]).toEqual({ file: "ssh", args: ["-o", "BatchMode=yes", "-T", "web", "cd ~/'my site' && pwd"] });
    const home = recorder("/home/ann\n");
    await absoluteFolder({ alias: "web", remotePath: "~" }, home.run, {});
    expect(home.calls[0].args.at(-1)).toBe("cd ~ && pwd");
  });

  it("refuses what the host printed unless it is one absolute line, and says why ssh failed", async () => {
    await expect(
      absoluteFolder({ alias: "web", remotePath: "~" }, recorder("motd\n/home/ann\n").run, {}),
    ).rejects.toMatchObject({ kind: "host-unreachable" });
    // What ssh prints in BatchMode for a host that wants a password (OpenSSH sshconnect2.c).
    const denied = recorder("", 255, "ann@web.example: Permission denied (publickey,password).\n");
    await expect(absoluteFolder({ alias: "web", remotePath: "~" }, denied.run, {})).rejects.toMatchObject({
      kind: "host-unreachable",
      facts: { alias: "web", detail: "ann@web.example: Permission denied (publickey,password)." },
    });
  });
});
