import { parseArgs } from "node:util";
import { FLAGS, GLOBAL_FLAGS, fixedWords, flagsOf, type FlagSpec, type Flags, type VerbSpec } from "./spec";
import { VERBS, verbSpec, type CliIo, type VerbName } from "./verbs";
import * as api from "../index";
import type { ConnectionMode, HelperOptions } from "../index";
import { failureText, progressPrinter, usageErrorText, versionText } from "./render";

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

/** "A or B", "A, B or C". */
function oneOf(words: string[]): string {
  return words.length > 1 ? `${words.slice(0, -1).join(", ")} or ${words.at(-1)}` : words.join("");
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
  const insteadGiven = (verb.instead ?? []).filter((name) => (values as Record<string, unknown>)[name] === true);
  if (insteadGiven.length > 1) {
    throw new UsageError(`"${verb.name}" takes one of ${insteadGiven.map((name) => `--${name}`).join(", ")}`, verb);
  }
  const arity = verb.argument === undefined || insteadGiven.length ? [0, 0] : verb.optional ? [0, 1] : [1, 1];
  if (args.length < arity[0] || args.length > arity[1]) {
    const what = verb.instead
      ? oneOf([verb.argument ?? "", ...verb.instead.map((name) => `--${name}`)])
      : verb.argument;
    throw new UsageError(
      arity[1] === 0
        ? `"${verb.name}" takes no arguments${insteadGiven.length ? ` with --${insteadGiven[0]}` : ""}`
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
  const words = fixedWords(verb.completes, VERBS);
  if (words && args[0] !== undefined && !words.includes(args[0])) {
    throw new UsageError(`"${verb.name}" takes ${words.join(", ")}, not "${args[0]}"`, verb);
  }
  return { command: verb.name as VerbName, args, flags };
}

/** Whether Ctrl-C should wait for the verb to undo its work, or may end the process at once. */
export function cleansUpOnCancel(argv: string[]): boolean {
  try {
    const { command, flags } = parseCli(argv);
    const cleansUp = command === "version" ? undefined : verbSpec(command).cleansUp;
    return typeof cleansUp === "function" ? cleansUp(flags) : Boolean(cleansUp);
  } catch {
    return false;
  }
}

/** Runs the parsed verb by its entry in the table; --version is the one command that is no verb. */
async function runVerb({ command, args, flags }: ParsedCli, io: CliIo): Promise<number | void> {
  if (command === "version") {
    io.stdout(versionText(io.version));
    return;
  }
  const options: HelperOptions = {
    ...io.options,
    ...(flags.connect ? { connection: flags.connect as ConnectionMode } : {}),
  };
  const platform = io.platform ?? options.platform ?? process.platform;
  return verbSpec(command).run({ args, flags, io, options, platform, onProgress: progressPrinter(io) });
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
    return (await runVerb(parsed, io)) ?? 0;
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
