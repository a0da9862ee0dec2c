/**
 * A stand-in for @raycast/utils' runAppleScript, which spawns /usr/bin/osascript (no macOS here). Every
 * call is recorded with all its arguments, so tests can check that a script came with no `args` array
 * (the part runAppleScript puts on argv). Each script is answered as scripted, by default with the
 * volume Finder names after the share, "/Volumes/SHARE/", as `POSIX path of` prints a folder.
 */
import { jest } from "@jest/globals";
import type * as RaycastUtils from "@raycast/utils";

export interface AppleScriptCall {
  script: string;
  /** runAppleScript's second and third parameters: an `args` array and/or options. */
  rest: unknown[];
}

export interface AppleScriptState {
  calls: AppleScriptCall[];
  /** Answers the next scripts: a string is osascript's stdout, an Error is thrown as runAppleScript throws. */
  answer: (script: string) => string | Error;
}

const key = Symbol.for("sshmount.fake-applescript");
const globals = globalThis as unknown as Record<symbol, AppleScriptState>;

function defaultAnswer(script: string): string {
  const share = /mount volume "smb:\/\/[^/"]+\/([^"]+)"/.exec(script)?.[1];
  return share ? `/Volumes/${decodeURIComponent(share)}/` : "";
}

export function appleScripts(): AppleScriptState {
  globals[key] ??= { calls: [], answer: defaultAnswer };
  return globals[key];
}

export function resetAppleScripts(): AppleScriptState {
  delete globals[key];
  return appleScripts();
}

/** An osascript failure as runAppleScript reports it: its words in the message and on `stderr`. */
export function osascriptError(stderr: string): Error {
  return Object.assign(new Error(`Command failed with exit code 1: osascript\n${stderr}`), { stderr });
}

export async function runAppleScript(script: string, ...rest: unknown[]): Promise<string> {
  appleScripts().calls.push({ script, rest });
  const answer = appleScripts().answer(script);
  if (answer instanceof Error) throw answer;
  return answer;
}

/** The real @raycast/utils with only runAppleScript replaced: the hooks and toasts stay real. */
export function raycastUtils(): typeof RaycastUtils {
  const real = jest.requireActual<typeof RaycastUtils>("@raycast/utils");
  return { ...real, runAppleScript: runAppleScript as typeof RaycastUtils.runAppleScript };
}
