/**
 * A stand-in for the processes the helper runs, injected as its runner: OpenSSH's own tools (ssh -G,
 * ssh-keygen) run for real, through the helper's own runner, on the test's files; the macOS programs
 * Finder needs (open, mount, diskutil, route) are recorded and answered as scripted, because this
 * machine has no macOS.
 */
import { programMissing } from "../../helper/errors";
import { runCommand, type CommandRunner } from "../../helper/process";

interface ProcessCall {
  file: string;
  args: string[];
  input?: string;
}

interface ProcessResult {
  exitCode: number;
  stdout?: string;
  stderr?: string;
}

const realTools = new Set(["ssh", "ssh-keygen"]);
const macTools = new Set(["/usr/bin/open", "/sbin/mount", "/usr/sbin/diskutil", "/sbin/umount"]);

/** One test's process table: every call the helper made, and the answers a test scripted per program. */
export class FakeProcesses {
  calls: ProcessCall[] = [];
  scripted = new Map<string, (call: ProcessCall) => ProcessResult>();

  /** The helper's run option. */
  run: CommandRunner = async (file, args, options = {}) => {
    const call: ProcessCall = {
      file,
      args: [...args],
      ...(options.input !== undefined ? { input: options.input } : {}),
    };
    this.calls.push(call);
    const scripted = this.scripted.get(file);
    if (scripted || macTools.has(file)) {
      const result = scripted?.(call) ?? { exitCode: 0 };
      return { exitCode: result.exitCode, stdout: result.stdout ?? "", stderr: result.stderr ?? "", timedOut: false };
    }
    // What the real runner throws for a program this machine does not have.
    if (!realTools.has(file)) throw programMissing(file, "ENOENT");
    return runCommand(file, args, options);
  };
}
