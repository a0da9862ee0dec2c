import os from "node:os";
import path from "node:path";
import { environment, getPreferenceValues } from "@raycast/api";
import { runAppleScript } from "@raycast/utils";
import { APPLESCRIPT_TIMEOUT_MS, type ConnectionMode, type HelperOptions } from "../../helper";

export interface Preferences {
  sshConfig?: string;
  dockerSocket?: string;
  connectionMode?: ConnectionMode;
  defaultRemotePath?: string;
  openFinder?: boolean;
}

function expandHome(file: string): string {
  return file === "~" || file.startsWith("~/") ? path.join(os.homedir(), file.slice(1)) : file;
}

export function preferences(): Required<Preferences> {
  const values = getPreferenceValues<Preferences>();
  return {
    sshConfig: values.sshConfig?.trim() ?? "",
    dockerSocket: values.dockerSocket?.trim() ?? "",
    connectionMode: values.connectionMode ?? "auto",
    defaultRemotePath: values.defaultRemotePath?.trim() ?? "",
    openFinder: values.openFinder ?? true,
  };
}

/**
 * What every helper call gets from the user's preferences. The image is built from assets/container,
 * which the bundle ships (Raycast ships nothing else of the repository); Raycast runs this extension
 * on macOS only.
 */
export function helperOptions(): HelperOptions & { sshConfig?: string } {
  const prefs = preferences();
  return {
    ...(prefs.dockerSocket ? { dockerSocket: expandHome(prefs.dockerSocket) } : {}),
    ...(prefs.sshConfig ? { sshConfig: expandHome(prefs.sshConfig) } : {}),
    connection: prefs.connectionMode,
    assetsPath: environment.assetsPath,
    platform: "darwin",
    // @raycast/utils 2.3 runAppleScript spawns `osascript` with no script argument and writes the
    // script to its stdin (`spawned.stdin.end(script)`); only its optional `args` array would reach
    // argv (after "-"), so none is passed and the share's password stays out of every process list.
    // Without `humanReadableOutput: false` there is no -ss: the volume path comes back unquoted.
    appleScript: (script) => runAppleScript(script, { timeout: APPLESCRIPT_TIMEOUT_MS }),
  };
}
