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
import type { ConnectionMode, HelperOptions, MountInfo, MountProgress } from "../index";
import { readHiddenLine, type PromptInput } from "./password-prompt";

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

const WIDTH = 100;

function flagToken(flag: FlagSpec): string {
  const value = flag.value ?? flag.choices?.join("|");
  if (flag.type === "boolean") return `[--${flag.name}]`;
  return `[--${flag.name} ${value}]${flag.type === "list" ? "…" : ""}`;
}

/** `words` after `prefix`, in lines of at most WIDTH columns; later lines start as far in as the first word. */
function wrap(prefix: string, words: string[]): string {
  const indent = " ".repeat(prefix.length);
  const lines: string[][] = [[]];
  for (const word of words) {
    const line = lines[lines.length - 1];
    if (line.length > 0 && prefix.length + [...line, word].join(" ").length > WIDTH) lines.push([word]);
    else line.push(word);
  }
  return lines.map((line, index) => `${index === 0 ? prefix : indent}${line.join(" ")}`).join("\n");
}

/** "  sshmount VERB ARG [--flag]…", the verb padded to `pad` so that a list of them lines up. */
function synopsis(verb: VerbSpec, pad = 0): string {
  const argument = verb.argument
    ? verb.optional
      ? `[${verb.argument}]`
      : verb.instead
        ? `${verb.argument} | --${verb.instead}`
        : verb.argument
    : "";
  const flags = flagsOf(verb)
    .filter((flag) => flag.name !== verb.instead)
    .map(flagToken);
  return wrap(`  sshmount ${verb.name.padEnd(pad)} `, [...(argument ? [argument] : []), ...flags]).trimEnd();
}

/** Two columns: names, and their help wrapped under itself. */
function flagLines(flags: { names: string; help: string }[]): string[] {
  const width = Math.max(...flags.map((flag) => flag.names.length)) + 2;
  return flags.map((flag) => wrap(`  ${flag.names.padEnd(width)}`, flag.help.split(" ")));
}

const globalHelp = GLOBAL_FLAGS.map((flag) => ({ names: `-${flag.short}, --${flag.name}`, help: flag.help }));

/** `sshmount help`: every verb's synopsis and what they share. */
export function overview(): string {
  const pad = Math.max(...VERBS.map((verb) => verb.name.length));
  return [
    "Usage:",
    ...VERBS.map((verb) => synopsis(verb, pad)),
    `  sshmount --version`,
    "",
    "Mounts a host from your ssh config in a container (sshfs + Samba) and serves it over SMB.",
    "",
    "Verbs:",
    ...flagLines(VERBS.map((verb) => ({ names: verb.name, help: verb.summary }))),
    "",
    "Run `sshmount help VERB` (or `sshmount VERB --help`) for a verb's flags.",
    "Exit codes: 0 done, 1 failed, 2 usage error, 130 cancelled (Ctrl-C), 143 terminated (SIGTERM).",
  ].join("\n");
}

/** `sshmount help VERB`: its synopsis, what it does and each of its flags. */
export function verbUsage(verb: VerbSpec): string {
  const flags = flagsOf(verb).map((flag) => ({
    names: flag.type === "boolean" ? `--${flag.name}` : `--${flag.name} ${flag.choices?.join("|") ?? flag.value}`,
    help: flag.help,
  }));
  return [
    "Usage:",
    synopsis(verb),
    "",
    `${verb.summary}.`,
    ...(verb.details ? [verb.details] : []),
    "",
    "Flags:",
    ...flagLines([...flags, ...globalHelp]),
  ].join("\n");
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

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The CLI's JSON contract: exactly these fields, password only where the user just mounted. */
function mountJson(mount: MountInfo, withPassword: boolean) {
  const { url, host, port, share, user, password } = mount.smb;
  return {
    name: mount.name,
    alias: mount.alias,
    remotePath: mount.remotePath,
    status: mount.status,
    container: mount.container,
    smb: withPassword ? { url, host, port, share, user, password } : { url, host, port, share, user },
  };
}

function mountText(mount: MountInfo, platform: NodeJS.Platform, showPassword: boolean): string {
  const lines = [
    `Mounted ${mount.alias}:${mount.remotePath} as "${mount.name}" (${mount.status})`,
    `  URL:      ${mount.smb.url}`,
    ...(mount.connection
      ? [
          `  Via:      ${mount.connection.mode === "bridge" ? "the container IP" : "a localhost port"}: ${mount.connection.reason}`,
        ]
      : []),
    `  User:     ${mount.smb.user}`,
    `  Password: ${passwordText(mount, showPassword)}`,
  ];
  if (platform === "darwin") lines.push(`Open it in Finder: sshmount open ${mount.name}`);
  else
    lines.push(`Browse it: smbclient //${mount.smb.host}/${mount.smb.share} -p ${mount.smb.port} -U ${mount.smb.user}`);
  lines.push(`Unmount:  sshmount unmount ${mount.name}`);
  return `${lines.join("\n")}\n`;
}

/** A terminal's scrollback and a screen share are no place for the password unless it was asked for. */
function passwordText(mount: MountInfo, showPassword: boolean): string {
  if (!showPassword) return "hidden (add --show-password, or use --json)";
  return mount.smb.password ?? "(not known for this mount)";
}

function listText(mounts: MountInfo[]): string {
  if (mounts.length === 0) return "No mounts. Mount a host with: sshmount mount ALIAS[:PATH]\n";
  const rows = mounts.map((m) => [m.name, m.status, `${m.alias}:${m.remotePath}`, m.smb.url || "-"]);
  const header = ["NAME", "STATUS", "TARGET", "URL"];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const format = (row: string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]))
      .join("  ")
      .trimEnd();
  return `${[header, ...rows].map(format).join("\n")}\n`;
}

/**
 * One line per step on stderr; of an image build one "Step n/m" line per Dockerfile step, which shows
 * it moves. At "ready" the verb's own result follows, or first `next`, what the verb goes on to do.
 */
export function progressPrinter(io: Pick<CliIo, "stderr">, next?: string) {
  let lastMessage = "";
  let lastBuild = "";
  return (progress: MountProgress) => {
    if (progress.step === "ready") {
      if (next) io.stderr(`${next}…\n`);
      return;
    }
    if (progress.message !== lastMessage) {
      io.stderr(`${progress.message}…\n`);
      lastBuild = "";
    }
    lastMessage = progress.message;
    const build = progress.build ? `Step ${progress.build.current}/${progress.build.total}` : "";
    if (build && build !== lastBuild) io.stderr(`  ${build}\n`);
    lastBuild = build;
  };
}

/**
 * From a terminal: a prompt on stderr and a line read without echo. From a pipe: the first line, like
 * `docker login --password-stdin`. Either way an empty password is refused before anything runs.
 */
async function readPassword(io: CliIo, alias: string, sshConfig: string | undefined): Promise<string> {
  let password: string;
  if (io.stdin?.isTTY && io.stdin.setRawMode) {
    const host = (await api.hosts({ ...io.options, sshConfig }).catch(() => [])).find((each) => each.alias === alias);
    password = await readHiddenLine(
      io.stdin,
      io.stderr,
      `Password for ${host ? `${host.user}@${host.hostName}` : alias}: `,
    );
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
      io.stdout(`sshmount ${io.version ?? "(unknown version)"}\n`);
      return;
    case "help": {
      const verb = args[0] === undefined ? undefined : verbSpec(args[0]);
      io.stdout(`${verb ? verbUsage(verb) : overview()}\n`);
      return;
    }
    case "completion":
      io.stdout(completionScript(args[0] as (typeof SHELLS)[number]));
      return;
    case "hosts": {
      const hosts = await api.hosts({ ...options, sshConfig: flags["ssh-config"] });
      if (flags.json) io.stdout(json(hosts));
      else
        io.stdout(
          hosts.length === 0
            ? "No hosts in the ssh config.\n"
            : hosts
                .map((h) => `${h.alias}\t${h.user}@${h.hostName}:${h.port}${h.proxyJump ? ` via ${h.proxyJump}` : ""}`)
                .join("\n") + "\n",
        );
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
      if (flags.json) io.stdout(json(mountJson(mount, flags["show-password"])));
      else {
        io.stdout(`Remounted ${mount.name} (${mount.status})\n`);
        if (flags["show-password"]) io.stdout(`  Password: ${passwordText(mount, true)}\n`);
      }
      return;
    }
    case "unmount": {
      const removed = flags.all ? await api.unmountAll(options) : await api.unmount(args[0], options);
      if (flags.json) io.stdout(json({ unmounted: removed }));
      else io.stdout(removed.length ? `Unmounted ${removed.join(", ")}\n` : "Nothing was mounted.\n");
      return;
    }
    case "logs":
      io.stdout(await api.logs(args[0], options));
      return;
    case "open": {
      // A stopped mount starts first; once it is ready, Finder mounts the share (which can ask a question).
      const opening = progressPrinter(io, platform === "darwin" ? "Opening Finder" : undefined);
      const target = flags.last ? undefined : args[0];
      const result = await api.open(target, { ...options, onProgress: opening, signal: io.signal });
      const { mount } = result;
      if (flags.json)
        io.stdout(json({ ...mountJson(mount, flags["show-password"]), opened: result.opened, volume: result.volume }));
      else {
        io.stdout(
          result.opened
            ? `Opened ${mount.smb.url} in Finder at ${result.volume}\n`
            : `${mount.smb.url}\n(no Finder on this system: connect with any SMB client, user ${mount.smb.user})\n`,
        );
        if (flags["show-password"]) io.stdout(`  Password: ${passwordText(mount, true)}\n`);
      }
      return;
    }
    case "doctor": {
      const report = await api.doctor(options);
      if (flags.json) io.stdout(json(report));
      else io.stdout(doctorText(report));
      return report.docker.ok && report.ssh.ok ? 0 : 1;
    }
    case "demo":
      return flags.stop ? stopDemo(options, flags, io) : runDemo(options, flags, io, platform);
  }
}

async function stopDemo(options: HelperOptions, flags: Flags, io: CliIo): Promise<void> {
  await api.stopDemo(options);
  io.stdout(flags.json ? json({ stopped: true }) : "The demo mount and its server are removed.\n");
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
      io.stdout("Opened in Finder.\n");
    } catch (error) {
      const { message, hint } = api.describeError(error);
      io.stdout(`The demo is mounted and ready at ${mount.smb.url}; open it again with: sshmount open ${mount.name}\n`);
      io.stderr(`sshmount: Finder could not open the demo: ${oneLine(message)}. ${hint}\n`);
      code = 1;
    }
  }
  io.stdout("Stop the demo: sshmount demo --stop\n");
  return code;
}

function doctorText(report: api.DoctorReport): string {
  const docker = report.docker.ok
    ? `ok: ${report.docker.operatingSystem} ${report.docker.version} at ${report.docker.endpoint?.host} (from ${report.docker.endpoint?.source})`
    : `not available: ${report.docker.error?.message}\n  ${report.docker.error?.hint}`;
  const networkOptions = Object.entries(report.network.options ?? {}).map(([key, value]) => `${key}=${value}`);
  const reach = report.reach
    ? [
        `Reach:    ${report.reach.mount} at ${report.reach.ip}: route ${report.reach.route?.via ?? "unknown"}` +
          `${report.reach.route?.interface ? ` (${report.reach.route.interface})` : ""}, port 445 ${report.reach.probe}`,
        `          Finder uses the ${report.reach.connection.mode === "bridge" ? "container IP" : "localhost port"}: ${report.reach.connection.reason}`,
      ]
    : ["Reach:    no running mount to check (mount one, then run doctor again)"];
  return (
    [
      `Platform: ${report.platform}, Node ${report.node}`,
      `OpenSSH:  ${report.ssh.ok ? report.ssh.version : `not available (${report.ssh.error})`}`,
      `Docker:   ${docker}`,
      ...(report.docker.runtimeDescription ? [`Runtime:  ${report.docker.runtimeDescription}`] : []),
      `Image:    ${report.image.tag} ${report.image.present ? "built" : "not built yet (built on first mount)"}`,
      `Network:  ${report.network.name} ${report.network.exists ? `exists${networkOptions.length ? ` (${networkOptions.join(", ")})` : ""}` : "not created yet"}`,
      ...(report.docker.ok ? reach : []),
    ].join("\n") + "\n"
  );
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ");
}

/** Exit codes: 0 done, 1 failed, 2 usage, 130 cancelled (the CLI maps SIGTERM's to 143). */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseCli(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`sshmount: ${error.message}\n\n${error.verb ? verbUsage(error.verb) : overview()}\n`);
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
    const description = api.describeError(error);
    io.stderr(`sshmount: ${oneLine(description.message)}. ${description.hint}\n`);
    if (parsed.flags.json) io.stdout(json({ error: description }));
    return description.kind === "cancelled" ? 130 : 1;
  }
}
