import { execa } from "execa";
import { programMissing } from "./errors";

export interface RunOptions {
  /** Written to the child's stdin: the only way secrets reach a child process. */
  input?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs one program with an argument array, never through a shell. Non-zero exits are returned, not
 * thrown, because for `ssh -G` or `route` the exit code is information; a program that cannot be
 * started throws program-missing.
 */
export type CommandRunner = (file: string, args: readonly string[], options?: RunOptions) => Promise<RunResult>;

/**
 * Raycast starts extensions with a minimal PATH that lacks Homebrew, so the directories where ssh,
 * docker helpers and macOS tools live are always appended.
 */
function searchPath(env: NodeJS.ProcessEnv = process.env): string {
  const standard = ["/usr/local/bin", "/opt/homebrew/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"];
  const own = (env.PATH ?? "").split(":").filter(Boolean);
  return [...new Set([...own, ...standard])].join(":");
}

export const runCommand: CommandRunner = async (file, args, options = {}) => {
  const env = options.env ?? process.env;
  const result = await execa(file, [...args], {
    input: options.input,
    timeout: options.timeoutMs ?? 30_000,
    env: { ...env, PATH: searchPath(env) },
    extendEnv: false,
    cwd: options.cwd,
    reject: false,
    stripFinalNewline: false,
  });
  if (result.failed && result.exitCode === undefined && !result.timedOut) {
    // The one place a spawn failure gets its name: callers then never mistake it for another ENOENT.
    if (result.code === "ENOENT" || result.code === "EACCES")
      throw programMissing(file, result.code, { cause: result });
    throw result;
  }
  return {
    exitCode: result.exitCode ?? -1,
    stdout: String(result.stdout ?? ""),
    stderr: String(result.stderr ?? ""),
    timedOut: Boolean(result.timedOut),
  };
};

/**
 * Runs an AppleScript and resolves with what it printed; rejects with an error whose `stderr` holds
 * osascript's own words (the shape @raycast/utils' runAppleScript throws too). The script is the only
 * input, so a secret in it never reaches any argv.
 */
export type AppleScriptRunner = (script: string) => Promise<string>;

/** Long enough for the user to answer a dialog macOS shows while it mounts a share. */
export const APPLESCRIPT_TIMEOUT_MS = 60_000;

/** The CLI's runner: `osascript -` reads the script from stdin. */
export function osascriptRunner(run: CommandRunner): AppleScriptRunner {
  return async (script) => {
    const result = await run("/usr/bin/osascript", ["-"], { input: script, timeoutMs: APPLESCRIPT_TIMEOUT_MS });
    if (result.exitCode === 0 && !result.timedOut) return result.stdout;
    const failed = result.timedOut
      ? `timed out after ${APPLESCRIPT_TIMEOUT_MS} milliseconds`
      : `exit ${result.exitCode}`;
    throw Object.assign(new Error(`osascript ${failed}: ${result.stderr.trim()}`), {
      stderr: result.stderr,
      timedOut: result.timedOut,
    });
  };
}
