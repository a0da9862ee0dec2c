/**
 * Every verb and flag of the `sshmount` CLI, declared once. Usage, validation, parseArgs' options and
 * the shell completions are all generated from these two tables, so they cannot disagree.
 */

/** What a shell completes for a verb's argument. */
export type Completes = "hosts" | "mounts" | "verbs" | "shells";

export interface VerbSpec {
  name: string;
  /** One line for the overview. */
  summary: string;
  /** The positional argument as usage shows it, e.g. "ALIAS[:REMOTE_PATH]"; none when the verb takes none. */
  argument?: string;
  /** The argument may be left out (help [VERB]). */
  optional?: boolean;
  /** A flag that stands in for the argument: unmount NAME | --all. */
  instead?: string;
  completes?: Completes;
  /** Longer help for `sshmount help VERB`. */
  details?: string;
  /** Runs work that it undoes when cancelled (Ctrl-C): the CLI then waits for that before it exits. */
  cleansUp?: boolean;
}

export interface FlagSpec {
  name: string;
  /** "list": a string flag given any number of times. */
  type: "boolean" | "string" | "list";
  /** The value's placeholder in usage ("FILE"). */
  value?: string;
  /** The only values it takes; completions offer them. */
  choices?: readonly string[];
  /** The shell completes a file name for its value. */
  file?: boolean;
  help: string;
  verbs: readonly string[];
  /** A usage error's words for a bad value, or undefined when the value is fine. */
  check?: (value: string) => string | undefined;
}

const CONNECT_MODES = ["auto", "bridge", "localhost"] as const;
export const SHELLS = ["bash", "zsh", "fish"] as const;

export const VERBS = [
  { name: "hosts", summary: "List the hosts of your ssh config as OpenSSH resolves them" },
  {
    name: "mount",
    summary: "Mount a host in a container (sshfs + Samba) and serve it over SMB",
    argument: "ALIAS[:REMOTE_PATH]",
    completes: "hosts",
    cleansUp: true,
    details:
      "REMOTE_PATH defaults to the remote home folder; a relative path is relative to it.\n" +
      "Mounting the same target again returns the existing mount.",
  },
  { name: "list", summary: "List the mounts and their status" },
  {
    name: "remount",
    summary: "Reconnect a mount (same share, same password)",
    argument: "NAME",
    completes: "mounts",
    cleansUp: true,
  },
  {
    name: "unmount",
    summary: "Remove a mount and its container",
    argument: "NAME",
    instead: "all",
    completes: "mounts",
  },
  { name: "logs", summary: "Print a mount container's log", argument: "NAME", completes: "mounts" },
  {
    name: "open",
    summary: "Open a mount in Finder, starting it first when it is stopped",
    argument: "NAME",
    instead: "last",
    completes: "mounts",
    cleansUp: true,
  },
  { name: "doctor", summary: "Check OpenSSH, the Docker engine, the image and how Finder reaches a mount" },
  {
    name: "demo",
    summary: "Mount a bundled demo SSH server, to try sshmount without a host of your own",
    cleansUp: true,
  },
  {
    name: "help",
    summary: "Show the usage of sshmount or of one verb",
    argument: "VERB",
    optional: true,
    completes: "verbs",
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
  },
] as const satisfies readonly VerbSpec[];

export type VerbName = (typeof VERBS)[number]["name"];

const fingerprint = /^SHA256:[A-Za-z0-9+/]{43}$/;

export const FLAGS = [
  {
    name: "name",
    type: "string",
    value: "NAME",
    help: "Name of the mount and its share (default: from the alias and path)",
    verbs: ["mount"],
    check: (value) => (value === "" ? "--name needs a value" : undefined),
  },
  {
    name: "ssh-config",
    type: "string",
    value: "FILE",
    file: true,
    help: "The ssh config to read (default: OpenSSH's own, ~/.ssh/config)",
    verbs: ["hosts", "mount"],
  },
  {
    name: "password-stdin",
    type: "boolean",
    help: "Read the login password from standard input, never from argv; on a terminal, a prompt without echo",
    verbs: ["mount"],
  },
  {
    name: "trust-host-key",
    type: "list",
    value: "SHA256:…",
    help: "Add an unknown host's key to your known_hosts only when it has this fingerprint (repeatable)",
    verbs: ["mount"],
    check: (value) =>
      fingerprint.test(value)
        ? undefined
        : `--trust-host-key takes a fingerprint like SHA256:… (43 characters), not "${value}"`,
  },
  {
    name: "connect",
    type: "string",
    value: "MODE",
    choices: CONNECT_MODES,
    help:
      "How Finder reaches the share: the container IP (bridge), a port on 127.0.0.1 (localhost), or auto: " +
      "the container IP when this machine routes to it and port 445 answers",
    verbs: ["mount", "list", "remount", "open", "doctor", "demo"],
    check: (value) =>
      (CONNECT_MODES as readonly string[]).includes(value)
        ? undefined
        : `--connect takes auto, bridge or localhost, not "${value}"`,
  },
  {
    name: "show-password",
    type: "boolean",
    help: "Print the share's SMB password (otherwise only --json carries it)",
    verbs: ["mount", "remount", "open", "demo"],
  },
  { name: "all", type: "boolean", help: "Unmount every mount", verbs: ["unmount"] },
  { name: "last", type: "boolean", help: "Open the mount created last", verbs: ["open"] },
  { name: "stop", type: "boolean", help: "Remove the demo mount and its server", verbs: ["demo"] },
  {
    name: "json",
    type: "boolean",
    help: "Print JSON on standard output, errors included",
    verbs: ["hosts", "mount", "list", "remount", "unmount", "open", "doctor", "demo"],
  },
] as const satisfies readonly (FlagSpec & { verbs: readonly VerbName[] })[];

type ValueOf<Type> = Type extends "boolean" ? boolean : Type extends "list" ? string[] | undefined : string | undefined;

/** What parseCli returns: one field per flag of the table, typed by its kind. */
export type Flags = { [Flag in (typeof FLAGS)[number] as Flag["name"]]: ValueOf<Flag["type"]> };

/** Flags every verb takes; they print something instead of running the verb. */
export const GLOBAL_FLAGS = [
  { name: "help", short: "h", help: "Show this help" },
  { name: "version", short: "V", help: "Print the version of sshmount" },
] as const;

export function verbSpec(name: string): VerbSpec | undefined {
  return (VERBS as readonly VerbSpec[]).find((verb) => verb.name === name);
}

/** The only words an argument takes when it completes from a fixed list; undefined for hosts and mounts. */
export function fixedWords(completes: Completes | undefined): readonly string[] | undefined {
  if (completes === "verbs") return VERBS.map((verb) => verb.name);
  if (completes === "shells") return SHELLS;
  return undefined;
}

/** The flags a verb takes, in table order. */
export function flagsOf(verb: VerbSpec): FlagSpec[] {
  return (FLAGS as readonly FlagSpec[]).filter((flag) => flag.verbs.includes(verb.name));
}
