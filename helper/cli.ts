import { parseArgs } from "node:util";
import * as api from "./index";
import type { ConnectionMode, HelperOptions, MountInfo, MountProgress } from "./index";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  options?: HelperOptions;
  platform?: NodeJS.Platform;
  /** Aborted on Ctrl-C, so a mount in progress cleans up after itself. */
  signal?: AbortSignal;
  /** All of standard input, for --password-stdin. */
  readStdin?: () => Promise<string>;
}

export const USAGE = `Usage:
  sshmount hosts   [--ssh-config FILE] [--json]
  sshmount mount   ALIAS[:REMOTE_PATH] [--name NAME] [--ssh-config FILE] [--password-stdin]
                   [--trust-host-key SHA256:…]… [--connect auto|bridge|localhost] [--json]
  sshmount list    [--connect MODE] [--json]
  sshmount remount NAME [--connect MODE] [--json]
  sshmount unmount NAME | --all [--json]
  sshmount logs    NAME
  sshmount open    NAME | --last [--connect MODE]
  sshmount doctor  [--connect MODE] [--json]
  sshmount demo    [--stop] [--connect MODE] [--json]

Mounts a host from your ssh config in a container (sshfs + Samba) and serves it over SMB.
REMOTE_PATH defaults to the remote home folder; a relative path is relative to it.
--password-stdin reads the login password from standard input (never from argv).
--connect picks how Finder reaches the share: the container IP (bridge), a port on 127.0.0.1
(localhost), or auto: the container IP when this machine routes it and port 445 answers.
--trust-host-key adds an unknown host's key to your known_hosts only when it has this fingerprint.`;

class UsageError extends Error {}

type Flags = {
  json: boolean;
  name?: string;
  "ssh-config"?: string;
  "password-stdin": boolean;
  "trust-host-key"?: string[];
  connect?: string;
  all: boolean;
  last: boolean;
  stop: boolean;
  help: boolean;
};

const allowed: Record<string, { positionals: number; flags: (keyof Flags)[] }> = {
  hosts: { positionals: 0, flags: ["ssh-config", "json"] },
  mount: { positionals: 1, flags: ["name", "ssh-config", "password-stdin", "trust-host-key", "connect", "json"] },
  list: { positionals: 0, flags: ["connect", "json"] },
  remount: { positionals: 1, flags: ["connect", "json"] },
  unmount: { positionals: 1, flags: ["all", "json"] },
  logs: { positionals: 1, flags: [] },
  open: { positionals: 1, flags: ["last", "connect", "json"] },
  doctor: { positionals: 0, flags: ["connect", "json"] },
  demo: { positionals: 0, flags: ["stop", "connect", "json"] },
};

export function parseCli(argv: string[]): { command: string; args: string[]; flags: Flags } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: "boolean", default: false },
        name: { type: "string" },
        "ssh-config": { type: "string" },
        "password-stdin": { type: "boolean", default: false },
        "trust-host-key": { type: "string", multiple: true },
        connect: { type: "string" },
        all: { type: "boolean", default: false },
        last: { type: "boolean", default: false },
        stop: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const flags = parsed.values as Flags;
  const [command = "", ...args] = parsed.positionals;
  if (flags.help) return { command: "help", args, flags };
  const spec = allowed[command];
  if (!spec) throw new UsageError(command ? `unknown command "${command}"` : "no command given");
  const given = (Object.keys(parsed.values) as (keyof Flags)[]).filter(
    (flag) => flag !== "help" && parsed.values[flag] !== undefined && parsed.values[flag] !== false,
  );
  const stray = given.find((flag) => !spec.flags.includes(flag));
  if (stray) throw new UsageError(`"${command}" does not take --${stray}`);
  const optionalTarget = (command === "unmount" && flags.all) || (command === "open" && flags.last);
  if (optionalTarget ? args.length !== 0 : args.length !== spec.positionals) {
    const what =
      command === "unmount"
        ? "NAME or --all"
        : command === "open"
          ? "NAME or --last"
          : command === "mount"
            ? "ALIAS[:REMOTE_PATH]"
            : "NAME";
    throw new UsageError(
      spec.positionals === 0 ? `"${command}" takes no arguments` : `"${command}" needs exactly one ${what}`,
    );
  }
  if (flags.name !== undefined && flags.name === "") throw new UsageError("--name needs a value");
  if (flags.connect !== undefined && !["auto", "bridge", "localhost"].includes(flags.connect)) {
    throw new UsageError(`--connect takes auto, bridge or localhost, not "${flags.connect}"`);
  }
  const badFingerprint = flags["trust-host-key"]?.find((value) => !/^SHA256:[A-Za-z0-9+/]{43}$/.test(value));
  if (badFingerprint !== undefined) {
    throw new UsageError(`--trust-host-key takes a fingerprint like SHA256:… (43 characters), not "${badFingerprint}"`);
  }
  return { command, args, flags };
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

function mountText(mount: MountInfo, platform: NodeJS.Platform): string {
  const lines = [
    `Mounted ${mount.alias}:${mount.remotePath} as "${mount.name}" (${mount.status})`,
    `  URL:      ${mount.smb.url}`,
    ...(mount.connection
      ? [
          `  Via:      ${mount.connection.mode === "bridge" ? "the container IP" : "a localhost port"}: ${mount.connection.reason}`,
        ]
      : []),
    `  User:     ${mount.smb.user}`,
    `  Password: ${mount.smb.password ?? "(see sshmount mount --json)"}`,
  ];
  if (platform === "darwin") lines.push(`Open it in Finder: sshmount open ${mount.name}`);
  else
    lines.push(`Browse it: smbclient //${mount.smb.host}/${mount.smb.share} -p ${mount.smb.port} -U ${mount.smb.user}`);
  lines.push(`Unmount:  sshmount unmount ${mount.name}`);
  return `${lines.join("\n")}\n`;
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

/** One line per step on stderr; of an image build only Docker's "Step n/m", which shows it moves. */
function progressPrinter(io: CliIo) {
  let lastMessage = "";
  return (progress: MountProgress) => {
    if (progress.step === "ready") return;
    if (progress.message !== lastMessage) io.stderr(`${progress.message}…\n`);
    lastMessage = progress.message;
    const step = /^Step \d+\/\d+/.exec(progress.detail ?? "")?.[0];
    if (step) io.stderr(`  ${step}\n`);
  };
}

/** The password is the first line of stdin, like `docker login --password-stdin`. */
async function readPassword(io: CliIo): Promise<string> {
  const text = io.readStdin ? await io.readStdin() : "";
  const password = text.split(/\r?\n/)[0];
  if (!password) {
    throw new api.SshmountError("invalid-input", "--password-stdin read no password from standard input", {});
  }
  return password;
}

/** Runs a parsed command; returns a non-zero exit code only when the command itself reports a failure. */
async function runCommand(command: string, args: string[], flags: Flags, io: CliIo): Promise<number | void> {
  const options: HelperOptions = {
    ...io.options,
    ...(flags.connect ? { connection: flags.connect as ConnectionMode } : {}),
  };
  const platform = io.platform ?? options.platform ?? process.platform;
  const onProgress = progressPrinter(io);
  switch (command) {
    case "help":
      io.stdout(`${USAGE}\n`);
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
      const password = flags["password-stdin"] ? await readPassword(io) : undefined;
      const mount = await api.mount(alias, remotePath, {
        ...options,
        name: flags.name,
        sshConfig: flags["ssh-config"],
        password,
        trustHostKeys: flags["trust-host-key"],
        onProgress,
        signal: io.signal,
      });
      io.stdout(flags.json ? json(mountJson(mount, true)) : mountText(mount, platform));
      return;
    }
    case "list": {
      const mounts = await api.list(options);
      io.stdout(flags.json ? json(mounts.map((m) => mountJson(m, false))) : listText(mounts));
      return;
    }
    case "remount": {
      const mount = await api.remount(args[0], { ...options, onProgress, signal: io.signal });
      io.stdout(flags.json ? json(mountJson(mount, false)) : `Remounted ${mount.name} (${mount.status})\n`);
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
      const result = await api.open(flags.last ? undefined : args[0], { ...options, onProgress, signal: io.signal });
      if (flags.json)
        io.stdout(json({ ...mountJson(result.mount, false), opened: result.opened, volume: result.volume }));
      else if (result.opened) io.stdout(`Opened ${result.mount.smb.url} in Finder at ${result.volume}\n`);
      else
        io.stdout(
          `${result.mount.smb.url}\n(no Finder on this system: connect with any SMB client, user ${result.mount.smb.user})\n`,
        );
      return;
    }
    case "doctor": {
      const report = await api.doctor(options);
      if (flags.json) io.stdout(json(report));
      else {
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
        io.stdout(
          [
            `Platform: ${report.platform}, Node ${report.node}`,
            `OpenSSH:  ${report.ssh.ok ? report.ssh.version : `not available (${report.ssh.error})`}`,
            `Docker:   ${docker}`,
            ...(report.docker.runtimeDescription ? [`Runtime:  ${report.docker.runtimeDescription}`] : []),
            `Image:    ${report.image.tag} ${report.image.present ? "built" : "not built yet (built on first mount)"}`,
            `Network:  ${report.network.name} ${report.network.exists ? `exists${networkOptions.length ? ` (${networkOptions.join(", ")})` : ""}` : "not created yet"}`,
            ...(report.docker.ok ? reach : []),
          ].join("\n") + "\n",
        );
      }
      return report.docker.ok && report.ssh.ok ? 0 : 1;
    }
    case "demo": {
      if (flags.stop) {
        await api.stopDemo(options);
        io.stdout(flags.json ? json({ stopped: true }) : "The demo mount and its server are removed.\n");
        return;
      }
      const mount = await api.demo({ ...options, onProgress, signal: io.signal });
      if (flags.json) {
        io.stdout(json(mountJson(mount, true)));
        return;
      }
      io.stdout(mountText(mount, platform));
      if (platform === "darwin") {
        await api.open(mount.name, options);
        io.stdout("Opened in Finder.\n");
      }
      io.stdout("Stop the demo: sshmount demo --stop\n");
      return;
    }
  }
}

/** Runs one CLI invocation; returns the exit code (0 ok, 1 failure, 2 usage). */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseCli(argv);
  } catch (error) {
    io.stderr(`sshmount: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { command, args, flags } = parsed;
  try {
    return (await runCommand(command, args, flags, io)) ?? 0;
  } catch (error) {
    const description = api.describeError(error);
    io.stderr(`sshmount: ${description.message.replace(/\s*\n\s*/g, " ")}. ${description.hint}\n`);
    if (flags.json) io.stdout(json({ error: description }));
    return 1;
  }
}
