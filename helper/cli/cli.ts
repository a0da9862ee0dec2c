import { parseArgs } from "node:util";
import {
  FLAGS,
  GLOBAL_FLAGS,
  SHELLS,
  VERBS,
  fixedWords,
  flagsOf,
  verbSpec,
  type FlagSpec,
  type Flags,
  type VerbName,
  type VerbSpec,
} from "./spec";
import { completionScript } from "./completion";
import * as api from "../index";
import type { ConnectionMode, HelperOptions } from "../index";
import { readHiddenLine, type PromptInput } from "./password-prompt";
import {
  demoFinderRefusal,
  demoText,
  doctorText,
  failureText,
  helpText,
  hostsText,
  json,
  listText,
  mountJson,
  mountText,
  openJson,
  openText,
  passwordPrompt,
  progressPrinter,
  remountText,
  unmountText,
  usageErrorText,
  versionText,
} from "./render";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  options?: HelperOptions;
  platform?: NodeJS.Platform;
  /** Aborted on Ctrl-C, so a mount in progress cleans up after itself. */
  signal?: AbortSignal;
  /** All of standard input, for --password-stdin from a pipe. */
  readStdin?: () => Promise<string>;
  /** Standard input itself: a terminal (isTTY, setRawMode) gets a prompt without echo. */
  stdin?: PromptInput;
  /** Printed by --version; the build puts package.json's version here. */
  version?: string;
}

class UsageError extends Error {
  constructor(
    message: string,
    /** The verb whose usage the error prints; the overview when there is none. */
    readonly verb?: VerbSpec,
  ) {
    super(message);
  }
}

/** parseArgs' options, from the table: every flag is known to the parser, the verb decides which it takes. */
const parseOptions = Object.fromEntries([
  ...(FLAGS as readonly FlagSpec[]).map((flag) => [
    flag.name,
    flag.type === "boolean"
      ? { type: "boolean" as const, default: false }
      : { type: "string" as const, multiple: flag.type === "list" },
  ]),
  ...GLOBAL_FLAGS.map((flag) => [flag.name, { type: "boolean" as const, short: flag.short, default: false }]),
]);

export interface ParsedCli {
  command: VerbName | "version";
  args: string[];
  flags: Flags;
}

export function parseCli(argv: string[]): ParsedCli {
  // First the verb, leniently, so that an unknown flag can still be answered with that verb's usage.
  const lenient = parseArgs({ args: argv, allowPositionals: true, strict: false, options: parseOptions });
  const verb = verbSpec(lenient.positionals[0] ?? "");
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: parseOptions });
  } catch (error) {
    throw new UsageError((error as Error).message, verb);
  }
  const { help, version, ...values } = parsed.values as Flags & { help: boolean; version: boolean };
  const flags = values as Flags;
  const [command = "", ...args] = parsed.positionals;
  if (version) return { command: "version", args: [], flags };
  if (help) return { command: "help", args: verb ? [verb.name] : [], flags };
  if (!verb) throw new UsageError(command ? `unknown command "${command}"` : "no command given");
  const taken = flagsOf(verb);
  const given = (FLAGS as readonly FlagSpec[]).filter((flag) => {
    const value = (values as Record<string, unknown>)[flag.name];
    return value !== undefined && value !== false;
  });
  const stray = given.find((flag) => !taken.includes(flag));
  if (stray) throw new UsageError(`"${verb.name}" does not take --${stray.name}`, verb);
  const insteadGiven = verb.instead !== undefined && (values as Record<string, unknown>)[verb.instead] === true;
  const arity = verb.argument === undefined || insteadGiven ? [0, 0] : verb.optional ? [0, 1] : [1, 1];
  if (args.length < arity[0] || args.length > arity[1]) {
    const what = verb.instead ? `${verb.argument} or --${verb.instead}` : verb.argument;
    throw new UsageError(
      arity[1] === 0
        ? `"${verb.name}" takes no arguments${insteadGiven ? ` with --${verb.instead}` : ""}`
        : verb.optional
          ? `"${verb.name}" takes at most one ${verb.argument}`
          : `"${verb.name}" needs exactly one ${what}`,
      verb,
    );
  }
  for (const flag of given) {
    const value = (values as Record<string, unknown>)[flag.name];
    for (const each of typeof value === "string" ? [value] : Array.isArray(value) ? value : []) {
      const complaint = flag.check?.(each);
      if (complaint) throw new UsageError(complaint, verb);
    }
  }
  const words = fixedWords(verb.completes);
  if (words && args[0] !== undefined && !words.includes(args[0])) {
    throw new UsageError(`"${verb.name}" takes ${words.join(", ")}, not "${args[0]}"`, verb);
  }
  return { command: verb.name as VerbName, args, flags };
}

/** Whether Ctrl-C should wait for the verb to undo its work, or may end the process at once. */
export function cleansUpOnCancel(argv: string[]): boolean {
  try {
    const { command, flags } = parseCli(argv);
    const verb = verbSpec(command);
    return Boolean(verb?.cleansUp) && !(command === "demo" && flags.stop);
  } catch {
    return false;
  }
}

/**
 * From a terminal: a prompt on stderr and a line read without echo. From a pipe: the first line, like
 * `docker login --password-stdin`. Either way an empty password is refused before anything runs.
 */
async function readPassword(io: CliIo, alias: string, sshConfig: string | undefined): Promise<string> {
  let password: string;
  if (io.stdin?.isTTY && io.stdin.setRawMode) {
    const host = (await api.hosts({ ...io.options, sshConfig }).catch(() => [])).find((each) => each.alias === alias);
    password = await readHiddenLine(io.stdin, io.stderr, passwordPrompt(alias, host));
  } else {
    const text = io.readStdin ? await io.readStdin() : "";
    password = text.split(/\r?\n/)[0];
  }
  if (!password) {
    throw new api.SshmountError("invalid-input", "--password-stdin read no password from standard input", {});
  }
  return password;
}

/** Runs a parsed command; returns a non-zero exit code only when the command itself reports a failure. */
async function runCommand(parsed: ParsedCli, io: CliIo): Promise<number | void> {
  const { command, args, flags } = parsed;
  const options: HelperOptions = {
    ...io.options,
    ...(flags.connect ? { connection: flags.connect as ConnectionMode } : {}),
  };
  const platform = io.platform ?? options.platform ?? process.platform;
  const onProgress = progressPrinter(io);
  switch (command) {
    case "version":
      io.stdout(versionText(io.version));
      return;
    case "help": {
      const verb = args[0] === undefined ? undefined : verbSpec(args[0]);
      io.stdout(helpText(verb, VERBS));
      return;
    }
    case "completion":
      io.stdout(completionScript(args[0] as (typeof SHELLS)[number]));
      return;
    case "hosts": {
      const hosts = await api.hosts({ ...options, sshConfig: flags["ssh-config"] });
      io.stdout(flags.json ? json(hosts) : hostsText(hosts));
      return;
    }
    case "mount": {
      const { alias, remotePath } = api.parseTarget(args[0]);
      const password = flags["password-stdin"] ? await readPassword(io, alias, flags["ssh-config"]) : undefined;
      const mount = await api.mount(alias, remotePath, {
        ...options,
        name: flags.name,
        sshConfig: flags["ssh-config"],
        password,
        trustHostKeys: flags["trust-host-key"],
        onProgress,
        signal: io.signal,
      });
      io.stdout(flags.json ? json(mountJson(mount, true)) : mountText(mount, platform, flags["show-password"]));
      return;
    }
    case "list": {
      const mounts = await api.list(options);
      io.stdout(flags.json ? json(mounts.map((m) => mountJson(m, false))) : listText(mounts));
      return;
    }
    case "remount": {
      const mount = await api.remount(args[0], { ...options, onProgress, signal: io.signal });
      io.stdout(
        flags.json ? json(mountJson(mount, flags["show-password"])) : remountText(mount, flags["show-password"]),
      );
      return;
    }
    case "unmount": {
      const removed = flags.all ? await api.unmountAll(options) : await api.unmount(args[0], options);
      io.stdout(flags.json ? json({ unmounted: removed }) : unmountText(removed));
      return;
    }
    case "logs":
      io.stdout(await api.logs(args[0], options));
      return;
    case "open": {
      const result = await api.open(flags.last ? undefined : args[0], { ...options, onProgress, signal: io.signal });
      io.stdout(flags.json ? openJson(result, flags["show-password"]) : openText(result, flags["show-password"]));
      return;
    }
    case "doctor": {
      const report = await api.doctor(options);
      io.stdout(flags.json ? json(report) : doctorText(report));
      return report.docker.ok && report.ssh.ok ? 0 : 1;
    }
    case "demo":
      return flags.stop ? stopDemo(options, flags, io) : runDemo(options, flags, io, platform);
  }
}

async function stopDemo(options: HelperOptions, flags: Flags, io: CliIo): Promise<void> {
  await api.stopDemo(options);
  io.stdout(flags.json ? json({ stopped: true }) : demoText.stopped);
}

/**
 * The demo mounts, then on a Mac opens Finder. A Finder that refuses is not a failed mount: the share
 * is ready, so the output says so and how to open it again, then why Finder did not (exit code 1).
 */
async function runDemo(options: HelperOptions, flags: Flags, io: CliIo, platform: NodeJS.Platform): Promise<number> {
  const mount = await api.demo({ ...options, onProgress: progressPrinter(io), signal: io.signal });
  if (flags.json) {
    io.stdout(json(mountJson(mount, true)));
    return 0;
  }
  io.stdout(mountText(mount, platform, flags["show-password"]));
  let code = 0;
  if (platform === "darwin") {
    try {
      await api.open(mount.name, options);
      io.stdout(demoText.opened);
    } catch (error) {
      const refusal = demoFinderRefusal(mount, error);
      io.stdout(refusal.stdout);
      io.stderr(refusal.stderr);
      code = 1;
    }
  }
  io.stdout(demoText.stopHint);
  return code;
}

/** Exit codes: 0 done, 1 failed, 2 usage, 130 cancelled (the CLI maps SIGTERM's to 143). */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseCli(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(usageErrorText(error.message, error.verb, VERBS));
    return 2;
  }
  try {
    return (await runCommand(parsed, io)) ?? 0;
  } catch (caught) {
    // After Ctrl-C whatever failed next (a child killed by the same SIGINT) is the cancellation itself.
    const error =
      io.signal?.aborted && !(api.isSshmountError(caught) && caught.kind === "cancelled")
        ? new api.SshmountError("cancelled", "Cancelled", {}, { cause: caught })
        : caught;
    const failure = failureText(error);
    io.stderr(failure.stderr);
    if (parsed.flags.json) io.stdout(failure.json);
    return failure.kind === "cancelled" ? 130 : 1;
  }
}
