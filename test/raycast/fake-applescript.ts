/**
 * A stand-in for the extension's AppleScript runner (@raycast/utils' runAppleScript, which spawns
 * /usr/bin/osascript: no macOS here). Every script is recorded and answered as scripted, by default
 * with the volume Finder names after the share, "/Volumes/SHARE/", as `POSIX path of` prints a folder.
 * That the real runner keeps the script off argv is proved in test/src/helper-options.test.ts.
 */
import type { AppleScriptRunner } from "../../helper";

interface AppleScriptCall {
  script: string;
}

function defaultAnswer(script: string): string {
  const share = /mount volume "smb:\/\/[^/"]+\/([^"]+)"/.exec(script)?.[1];
  return share ? `/Volumes/${decodeURIComponent(share)}/` : "";
}

/** An osascript failure as runAppleScript reports it: its words in the message and on `stderr`. */
export function osascriptError(stderr: string): Error {
  return Object.assign(new Error(`Command failed with exit code 1: osascript\n${stderr}`), { stderr });
}

/** One test's AppleScript log. */
export class FakeAppleScript {
  calls: AppleScriptCall[] = [];
  /** Answers the next scripts: a string is osascript's stdout, an Error is thrown as runAppleScript throws. */
  answer: (script: string) => string | Error = defaultAnswer;

  /** The helper's appleScript option. */
  run: AppleScriptRunner = async (script) => {
    this.calls.push({ script });
    const answer = this.answer(script);
    if (answer instanceof Error) throw answer;
    return answer;
  };
}
