import childProcess, { type SpawnOptions } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { runAppleScript } from "@raycast/utils";
import { resetStore } from "../raycast/api";

const { helperOptions } = await import("../../src/lib/helper-options");

/**
 * The design keeps the share's password out of argv by trusting @raycast/utils' runAppleScript to put
 * the script on osascript's stdin. This proves it on the real runAppleScript: spawn is replaced for
 * these tests only, by `cat`, which hands the stdin it got back as the script's output.
 */
describe("the extension's AppleScript runner", () => {
  const realSpawn = childProcess.spawn;
  const platform = Object.getOwnPropertyDescriptor(process, "platform");
  let spawned: { file: string; args: readonly string[] }[];

  beforeEach(() => {
    spawned = [];
    resetStore({ preferences: {} });
    // runAppleScript refuses to run anywhere but macOS.
    Object.defineProperty(process, "platform", { value: "darwin" });
    const cat = (file: string, args: readonly string[], options: SpawnOptions) => {
      spawned.push({ file, args });
      return realSpawn("cat", [], options);
    };
    jest.spyOn(childProcess, "spawn").mockImplementation(cat as typeof childProcess.spawn);
  });

  afterEach(() => {
    jest.restoreAllMocks();
    if (platform) Object.defineProperty(process, "platform", platform);
  });

  const script = 'POSIX path of (mount volume "smb://sshmount@127.0.0.1:49153/web" with password "s3cr\\"et")\n';

  it("writes the script to osascript's stdin and puts nothing on its argv", async () => {
    const appleScript = helperOptions().appleScript;
    if (!appleScript) throw new Error("helperOptions() gives no AppleScript runner");
    await expect(appleScript(script)).resolves.toBe(script.trimEnd());
    expect(spawned).toEqual([{ file: "osascript", args: [] }]);
  });

  it("would put an `args` array on argv, which is why the extension passes none", async () => {
    await runAppleScript(script, ["an-argument"]);
    expect(spawned).toEqual([{ file: "osascript", args: ["-", "an-argument"] }]);
  });
});
