import { describe, expect, it } from "@jest/globals";
import { openInFinder } from "../../helper/finder";
import type { CommandRunner, RunOptions } from "../../helper/process";

function recorder(exitCode = 0) {
  const calls: { file: string; args: readonly string[]; options?: RunOptions }[] = [];
  const run: CommandRunner = async (file, args, options) => {
    calls.push({ file, args, options });
    return {
      exitCode,
      stdout: "",
      stderr: exitCode ? "execution error: The share could not be mounted (-36)" : "",
      timedOut: false,
    };
  };
  return { calls, run };
}

const target = { url: "smb://sshmount@127.0.0.1:49153/web", user: "sshmount", password: 'pa"ss\\word' };

describe("openInFinder", () => {
  it("mounts through osascript on stdin, so the password is in no argv, then opens the URL", async () => {
    const { calls, run } = recorder();
    await expect(openInFinder(target, "darwin", run)).resolves.toBe(true);
    expect(calls.map((call) => [call.file, call.args])).toEqual([
      ["/usr/bin/osascript", ["-"]],
      ["/usr/bin/open", [target.url]],
    ]);
    expect(calls[0].options?.input).toBe(
      'mount volume "smb://sshmount@127.0.0.1:49153/web" as user name "sshmount" with password "pa\\"ss\\\\word"\n',
    );
    expect(JSON.stringify(calls.map((call) => call.args))).not.toContain("pa");
  });

  it("reports Finder's refusal", async () => {
    const { run } = recorder(1);
    await expect(openInFinder(target, "darwin", run)).rejects.toThrow(/could not mount/);
  });

  it("does nothing where there is no Finder", async () => {
    const { calls, run } = recorder();
    await expect(openInFinder(target, "linux", run)).resolves.toBe(false);
    expect(calls).toEqual([]);
  });
});
