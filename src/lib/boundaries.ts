import { runAppleScript } from "@raycast/utils";
import { APPLESCRIPT_TIMEOUT_MS, type HelperOptions } from "../../helper";

/**
 * What the helper reaches outside itself when Raycast calls it: the Docker engine and processes as the
 * helper makes them (dockerode, its runner), AppleScript through @raycast/utils. UI tests replace this
 * module, and only this one, with an in-memory engine and recorded processes.
 */
export const boundaries: Pick<HelperOptions, "appleScript" | "dockerClient" | "run"> = {
  // @raycast/utils 2.3 runAppleScript spawns `osascript` with no script argument and writes the
  // script to its stdin (`spawned.stdin.end(script)`); only its optional `args` array would reach
  // argv (after "-"), so none is passed and the share's password stays out of every process list.
  // Without `humanReadableOutput: false` there is no -ss: the volume path comes back unquoted.
  appleScript: (script) => runAppleScript(script, { timeout: APPLESCRIPT_TIMEOUT_MS }),
};
