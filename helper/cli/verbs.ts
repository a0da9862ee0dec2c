/**
 * Every verb of the `sshmount` CLI, one entry each: its flags, its usage and help, and what it runs.
 * A new verb is one more entry here; usage, validation, dispatch and completions follow from it.
 */
import { SHELLS, type Flags, type VerbSpec } from "./spec";
import { completionScript } from "./completion";
import { readHiddenLine, type PromptInput } from "./password-prompt";
import {
  demoFinderRefusal,
  demoText,
  doctorText,
  helpText,
  hostsText,
  json,
  listText,
  metadataNote,
  mountJson,
  mountText,
  openJson,
  openText,
  passwordPrompt,
  progressPrinter,
  reconnectJson,
  reconnectText,
  remountText,
  unmountText,
} from "./render";
import * as api from "../index";
import type { HelperOptions, MountProgress } from "../index";

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

/** What a verb is handed: its parsed argv, where to print, and the helper's options with --connect applied. */
export interface VerbCall {
  args: string[];
  flags: Flags;
  io: CliIo;
  options: HelperOptions;
  platform: NodeJS.Platform;
  /** Prints each step of the work on stderr. */
  onProgress: (progress: MountProgress) => void;
}

export interface Verb extends VerbSpec {
  /** Returns a non-zero exit code only when the verb itself reports a failure; errors it throws. */
  run: (call: VerbCall) => Promise<number | void>;
}

export const VERBS = [
  {
    name: "hosts",
    summary: "List the hosts of your ssh config as OpenSSH resolves them",
    flags: ["ssh-config", "json"],
    run: async ({ flags, options, io }) => {
      const hosts = await api.hosts({ ...options, sshConfig: flags["ssh-config"] });
      io.stdout(flags.json ? json(hosts) : hostsText(hosts));
    },
  },
  {
    name: "mount",
    summary: "Mount a host in a container (sshfs + Samba) and serve it over SMB",
    argument: "ALIAS[:REMOTE_PATH]",
    completes: "hosts",
    cleansUp: true,
    details:
      "REMOTE_PATH defaults to the remote home folder; a relative path is relative to it.\n" +
      "Mounting the same target again returns the existing mount.\n" +
      "Finder's tags, Finder info and resource forks are kept by the mount and lost when it restarts or is\n" +
      "unmounted. With --metadata server, resource forks are also written as ._ files beside each file on\n" +
      "the server and survive a restart or remount; tags and Finder info have no such place on sftp.\n" +
      "Either way, after a rename or a replace done on the server, the file then at the old path shows\n" +
      "the old file's metadata (its ._ fork even after a restart); renames through the share keep it.",
    flags: ["name", "ssh-config", "password-stdin", "trust-host-key", "metadata", "connect", "show-password", "json"],
    run: async ({ args, flags, io, options, platform, onProgress }) => {
      const { alias, remotePath } = api.parseTarget(args[0]);
      const password = flags["password-stdin"] ? await readPassword(io, alias, flags["ssh-config"]) : undefined;
      const mount = await api.mount(alias, remotePath, {
        ...options,
        name: flags.name,
        sshConfig: flags["ssh-config"],
        password,
        trustHostKeys: flags["trust-host-key"],
        metadata: flags.metadata as api.MetadataStore | undefined,
        onProgress,
        signal: io.signal,
      });
      io.stdout(flags.json ? json(mountJson(mount, true)) : mountText(mount, platform, flags["show-password"]));
      const note = metadataNote(mount, flags.metadata as api.MetadataStore | undefined);
      if (note) io.stderr(note);
    },
  },
  {
    name: "list",
    summary: "List the mounts and their status",
    flags: ["connect", "json"],
    run: async ({ flags, io, options }) => {
      const mounts = await api.list(options);
      io.stdout(flags.json ? json(mounts.map((m) => mountJson(m, false))) : listText(mounts));
    },
  },
  {
    name: "remount",
    summary: "Reconnect a mount (same share, same password)",
    argument: "NAME",
    completes: "mounts",
    cleansUp: true,
    flags: ["connect", "show-password", "json"],
    run: async ({ args, flags, io, options, onProgress }) => {
      const mount = await api.remount(args[0], { ...options, onProgress, signal: io.signal });
      const showPassword = flags["show-password"];
      io.stdout(flags.json ? json(mountJson(mount, showPassword)) : remountText(mount, showPassword));
    },
  },
  {
    name: "unmount",
    summary: "Remove a mount and its container",
    argument: "NAME",
    instead: ["all"],
    completes: "mounts",
    flags: ["all", "json"],
    run: async ({ args, flags, io, options }) => {
      const removed = flags.all ? await api.unmountAll(options) : await api.unmount(args[0], options);
      io.stdout(flags.json ? json({ unmounted: removed }) : unmountText(removed));
    },
  },
  {
    name: "logs",
    summary: "Print a mount container's log",
    argument: "NAME",
    completes: "mounts",
    flags: [],
    run: async ({ args, io, options }) => {
      io.stdout(await api.logs(args[0], options));
    },
  },
  {
    name: "open",
    summary: "Open a mount in Finder, starting it first when it is stopped",
    argument: "NAME",
    instead: ["last", "all"],
    completes: "mounts",
    // --all starts nothing, so it has nothing to undo.
    cleansUp: (flags) => !flags.all,
    details:
      "--all (Reconnect All) is for after a restart, when the mounts' containers are back and Finder's\n" +
      "volumes are not: it opens every ready mount Finder has not mounted, and starts none that is stopped.",
    flags: ["connect", "show-password", "last", "all", "json"],
    run: async ({ args, flags, io, options, platform }) => {
      const showPassword = flags["show-password"];
      if (flags.all) {
        const result = await api.openAll(options);
        io.stdout(flags.json ? reconnectJson(result, showPassword) : reconnectText(result, showPassword));
        return;
      }
      // A stopped mount starts first; once it is ready, Finder mounts the share (which can ask a question).
      const onProgress = progressPrinter(io, platform === "darwin" ? "Opening Finder" : undefined);
      const result = await api.open(flags.last ? undefined : args[0], { ...options, onProgress, signal: io.signal });
      io.stdout(flags.json ? openJson(result, showPassword) : openText(result, showPassword));
    },
  },
  {
    name: "doctor",
    summary: "Check OpenSSH, the Docker engine, the image and how Finder reaches a mount",
    flags: ["connect", "json"],
    run: async ({ flags, io, options }) => {
      const report = await api.doctor(options);
      io.stdout(flags.json ? json(report) : doctorText(report));
      return report.docker.ok && report.ssh.ok ? 0 : 1;
    },
  },
  {
    name: "demo",
    summary: "Mount a bundled demo SSH server, to try sshmount without a host of your own",
    // Stopping has nothing to undo.
    cleansUp: (flags) => !flags.stop,
    flags: ["connect", "show-password", "stop", "json"],
    run: (call) => (call.flags.stop ? stopDemo(call) : runDemo(call)),
  },
  {
    name: "help",
    summary: "Show the usage of sshmount or of one verb",
    argument: "VERB",
    optional: true,
    completes: "verbs",
    flags: [],
    run: async ({ args, io }) => {
      io.stdout(helpText(args[0] === undefined ? undefined : verbSpec(args[0]), VERBS));
    },
  },
  {
    name: "completion",
    summary: "Print a shell completion script",
    argument: "SHELL",
    completes: "shells",
    details:
      "bash: add `source <(sshmount completion bash)` to ~/.bashrc\n" +
      'zsh:  sshmount completion zsh > "${fpath[1]}/_sshmount" (then start a new shell)\n' +
      "fish: sshmount completion fish > ~/.config/fish/completions/sshmount.fish",
    flags: [],
    run: async ({ args, io }) => {
      io.stdout(completionScript(args[0] as (typeof SHELLS)[number], VERBS));
    },
  },
] as const satisfies readonly Verb[];

export type VerbName = (typeof VERBS)[number]["name"];

export function verbSpec(name: VerbName): Verb;
export function verbSpec(name: string): Verb | undefined;
export function verbSpec(name: string): Verb | undefined {
  return (VERBS as readonly Verb[]).find((verb) => verb.name === name);
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

async function stopDemo({ flags, io, options }: VerbCall): Promise<void> {
  await api.stopDemo(options);
  io.stdout(flags.json ? json({ stopped: true }) : demoText.stopped);
}

/**
 * The demo mounts, then on a Mac opens Finder. A Finder that refuses is not a failed mount: the share
 * is ready, so the output says so and how to open it again, then why Finder did not (exit code 1).
 */
async function runDemo({ flags, io, options, platform, onProgress }: VerbCall): Promise<number> {
  const mount = await api.demo({ ...options, onProgress, signal: io.signal });
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
