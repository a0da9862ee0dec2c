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
export function searchPath(env: NodeJS.ProcessEnv = process.env): string {
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
