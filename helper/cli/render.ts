/**
 * Everything the CLI prints, as text: usage, each verb's result, progress lines, the doctor's report
 * and errors. The verbs hand over what the helper returned; nothing here runs anything.
 */
import { GLOBAL_FLAGS, flagsOf, type FlagSpec, type VerbSpec } from "./spec";
import { describeError } from "../index";
import type {
  DoctorReport,
  ErrorKind,
  HostEntry,
  MetadataStore,
  MountInfo,
  MountProgress,
  OpenResult,
  ReconnectResult,
} from "../index";

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
        ? [verb.argument, ...verb.instead.map((name) => `--${name}`)].join(" | ")
        : verb.argument
    : "";
  const flags = flagsOf(verb)
    .filter((flag) => !verb.instead?.includes(flag.name))
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
export function overview(verbs: readonly VerbSpec[]): string {
  const pad = Math.max(...verbs.map((verb) => verb.name.length));
  return [
    "Usage:",
    ...verbs.map((verb) => synopsis(verb, pad)),
    `  sshmount --version`,
    "",
    "Mounts a host from your ssh config in a container (sshfs + Samba) and serves it over SMB.",
    "",
    "Verbs:",
    ...flagLines(verbs.map((verb) => ({ names: verb.name, help: verb.summary }))),
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

/** `sshmount help [VERB]` on stdout. */
export function helpText(verb: VerbSpec | undefined, verbs: readonly VerbSpec[]): string {
  return `${verb ? verbUsage(verb) : overview(verbs)}\n`;
}

/** A usage error on stderr: what was wrong, then the usage of the verb it was about (the overview without one). */
export function usageErrorText(message: string, verb: VerbSpec | undefined, verbs: readonly VerbSpec[]): string {
  return `sshmount: ${message}\n\n${verb ? verbUsage(verb) : overview(verbs)}\n`;
}

export function versionText(version: string | undefined): string {
  return `sshmount ${version ?? "(unknown version)"}\n`;
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The CLI's JSON contract: exactly these fields, password only where the user just mounted. */
export function mountJson(mount: MountInfo, withPassword: boolean) {
  const { url, host, port, share, user, password } = mount.smb;
  return {
    name: mount.name,
    alias: mount.alias,
    remotePath: mount.remotePath,
    status: mount.status,
    container: mount.container,
    metadata: mount.metadata,
    smb: withPassword ? { url, host, port, share, user, password } : { url, host, port, share, user },
  };
}

export function hostsText(hosts: HostEntry[]): string {
  return hosts.length === 0
    ? "No hosts in the ssh config.\n"
    : hosts
        .map((h) => `${h.alias}\t${h.user}@${h.hostName}:${h.port}${h.proxyJump ? ` via ${h.proxyJump}` : ""}`)
        .join("\n") + "\n";
}

export function mountText(mount: MountInfo, platform: NodeJS.Platform, showPassword: boolean): string {
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
    `  Metadata: ${METADATA_WORDS[mount.metadata]}`,
  ];
  if (platform === "darwin") lines.push(`Open it in Finder: sshmount open ${mount.name}`);
  else
    lines.push(`Browse it: smbclient //${mount.smb.host}/${mount.smb.share} -p ${mount.smb.port} -U ${mount.smb.user}`);
  lines.push(`Unmount:  sshmount unmount ${mount.name}`);
  return `${lines.join("\n")}\n`;
}

const METADATA_WORDS: Record<MetadataStore, string> = {
  mac: "Finder's tags and forks kept by the mount (--metadata mac)",
  server: "resource forks also as ._ files on the server (--metadata server)",
};

/**
 * Where metadata lives is fixed when a mount is made: a --metadata that differs from an existing
 * mount's is not applied, and saying so beats a promise quietly not kept.
 */
export function metadataNote(mount: MountInfo, asked: MetadataStore | undefined): string {
  if (asked === undefined || asked === mount.metadata) return "";
  return (
    `sshmount: note: "${mount.name}" already existed with --metadata ${mount.metadata}, which it keeps; ` +
    `to mount it with --metadata ${asked}, run \`sshmount unmount ${mount.name}\` and mount again.\n`
  );
}

/** A terminal's scrollback and a screen share are no place for the password unless it was asked for. */
function passwordText(mount: MountInfo, showPassword: boolean): string {
  if (!showPassword) return "hidden (add --show-password, or use --json)";
  return mount.smb.password ?? "(not known for this mount)";
}

/** The password line that remount and open add when --show-password asks for it. */
function shownPassword(mount: MountInfo, showPassword: boolean): string {
  return showPassword ? `  Password: ${passwordText(mount, true)}\n` : "";
}

export function listText(mounts: MountInfo[]): string {
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

export function remountText(mount: MountInfo, showPassword: boolean): string {
  return `Remounted ${mount.name} (${mount.status})\n${shownPassword(mount, showPassword)}`;
}

export function unmountText(removed: string[]): string {
  return removed.length ? `Unmounted ${removed.join(", ")}\n` : "Nothing was mounted.\n";
}

export function openText(result: OpenResult, showPassword: boolean): string {
  const { mount } = result;
  const opened = result.opened
    ? `Opened ${mount.smb.url} in Finder at ${result.volume}\n`
    : `${mount.smb.url}\n(no Finder on this system: connect with any SMB client, user ${mount.smb.user})\n`;
  return `${opened}${shownPassword(mount, showPassword)}`;
}

function openFields(result: OpenResult, showPassword: boolean) {
  return { ...mountJson(result.mount, showPassword), opened: result.opened, volume: result.volume };
}

export function openJson(result: OpenResult, showPassword: boolean): string {
  return json(openFields(result, showPassword));
}

/** open --all: what it opened, what Finder had already, and what is not ready to be opened yet. */
export function reconnectText(result: ReconnectResult, showPassword: boolean): string {
  const lines = [
    ...result.opened.map((each) => openText(each, showPassword)),
    ...result.inFinder.map(({ mount, volume }) => `${mount.name} is open in Finder already, at ${volume}\n`),
    ...result.notReady.map(
      (mount) => `${mount.name} is ${mount.status}: run sshmount open --all again once it is ready\n`,
    ),
  ];
  return lines.length ? lines.join("") : "No mount is running. Start one with: sshmount open NAME\n";
}

export function reconnectJson(result: ReconnectResult, showPassword: boolean): string {
  return json({
    opened: result.opened.map((each) => openFields(each, showPassword)),
    inFinder: result.inFinder.map(({ mount, volume }) => ({ name: mount.name, volume })),
    notReady: result.notReady.map((mount) => ({ name: mount.name, status: mount.status })),
  });
}

/** What the demo says around its mount's text. */
export const demoText = {
  opened: "Opened in Finder.\n",
  stopHint: "Stop the demo: sshmount demo --stop\n",
  stopped: "The demo mount and its server are removed.\n",
};

/** A Finder that refused the demo's share: the share is ready (stdout), Finder's reason goes to stderr. */
export function demoFinderRefusal(mount: MountInfo, error: unknown): { stdout: string; stderr: string } {
  const { message, hint } = describeError(error, "cli");
  return {
    stdout: `The demo is mounted and ready at ${mount.smb.url}; open it again with: sshmount open ${mount.name}\n`,
    stderr: `sshmount: Finder could not open the demo: ${oneLine(message)}. ${hint}\n`,
  };
}

/** The prompt of --password-stdin on a terminal: the login it is for, when the ssh config says. */
export function passwordPrompt(alias: string, host: HostEntry | undefined): string {
  return `Password for ${host ? `${host.user}@${host.hostName}` : alias}: `;
}

/**
 * One line per step on stderr; of an image build one "Step n/m" line per Dockerfile step, which shows
 * it moves. At "ready" the verb's own result follows, or first `next`, what the verb goes on to do.
 */
export function progressPrinter(io: { stderr: (text: string) => void }, next?: string) {
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

export function doctorText(report: DoctorReport): string {
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

/** A failed verb: one line on stderr, and for --json the same description as JSON on stdout. */
export function failureText(error: unknown): { kind: ErrorKind; stderr: string; json: string } {
  const description = describeError(error, "cli");
  return {
    kind: description.kind,
    stderr: `sshmount: ${oneLine(description.message)}. ${description.hint}\n`,
    json: json({ error: description }),
  };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ");
}
