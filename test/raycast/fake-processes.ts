/**
 * A stand-in for execa at the helper's command runner: OpenSSH's own tools (ssh -G, ssh-keygen) run for
 * real on the test's files; the macOS programs Finder needs (open, mount, diskutil) are recorded and answered
 * as scripted, because this machine has no macOS.
 */
import { spawnSync } from "node:child_process";

export interface ProcessCall {
  file: string;
  args: string[];
  input?: string;
}

export interface ProcessResult {
  exitCode: number;
  stdout?: string;
  stderr?: string;
}

export interface ProcessState {
  calls: ProcessCall[];
  scripted: Map<string, (call: ProcessCall) => ProcessResult>;
}

const key = Symbol.for("sshmount.fake-processes");
const globals = globalThis as unknown as Record<symbol, ProcessState>;

export function processes(): ProcessState {
  globals[key] ??= { calls: [], scripted: new Map() };
  return globals[key];
}

export function resetProcesses(): ProcessState {
  delete globals[key];
  return processes();
}

const realTools = new Set(["ssh", "ssh-keygen"]);
const macTools = new Set(["/usr/bin/open", "/sbin/mount", "/usr/sbin/diskutil", "/sbin/umount"]);

export async function execa(
  file: string,
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
) {
  const call: ProcessCall = { file, args: [...args], ...(options.input !== undefined ? { input: options.input } : {}) };
  processes().calls.push(call);
  const scripted = processes().scripted.get(file);
  if (scripted || macTools.has(file)) {
    const result = scripted?.(call) ?? { exitCode: 0 };
    return { exitCode: result.exitCode, stdout: result.stdout ?? "", stderr: result.stderr ?? "", failed: false };
  }
  if (!realTools.has(file)) {
    return { exitCode: undefined, failed: true, timedOut: false, stdout: "", stderr: `spawn ${file} ENOENT` };
  }
  const real = spawnSync(file, args, {
    input: options.input,
    env: options.env,
    encoding: "utf8",
    timeout: options.timeout,
  });
  return {
    exitCode: real.status ?? -1,
    stdout: real.stdout ?? "",
    stderr: real.stderr ?? "",
    failed: real.status !== 0,
    timedOut: false,
  };
}
