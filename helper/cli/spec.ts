/**
 * The shape of a verb's entry (the entries themselves are in verbs.ts) and every flag of the `sshmount`
 * CLI, declared once. Usage, validation, parseArgs' options and the shell completions are all generated
 * from the two tables, so they cannot disagree.
 */
import { isMetadataStore, METADATA_STORES } from "../container/contract";

/** What a shell completes for a verb's argument. */
export type Completes = "hosts" | "mounts" | "verbs" | "shells";

export interface VerbSpec {
  name: string;
  /** One line for the overview. */
  summary: string;
  /** The flags it takes; usage and completions list them in FLAGS' order. */
  flags: readonly FlagName[];
  /** The positional argument as usage shows it, e.g. "ALIAS[:REMOTE_PATH]"; none when the verb takes none. */
  argument?: string;
  /** The argument may be left out (help [VERB]). */
  optional?: boolean;
  /** Flags that stand in for the argument: unmount NAME | --all, open NAME | --last | --all. */
  instead?: readonly string[];
  completes?: Completes;
  /** Longer help for `sshmount help VERB`. */
  details?: string;
  /** Runs work that it undoes when cancelled (Ctrl-C): the CLI then waits for that before it exits. */
  cleansUp?: boolean | ((flags: Flags) => boolean);
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
  /** A usage error's words for a bad value, or undefined when the value is fine. */
  check?: (value: string) => string | undefined;
}

const CONNECT_MODES = ["auto", "bridge", "localhost"] as const;
export const SHELLS = ["bash", "zsh", "fish"] as const;

const fingerprint = /^SHA256:[A-Za-z0-9+/]{43}$/;

export const FLAGS = [
  {
    name: "name",
    type: "string",
    value: "NAME",
    help: "Name of the mount and its share (default: from the alias and path)",
    check: (value) => (value === "" ? "--name needs a value" : undefined),
  },
  {
    name: "ssh-config",
    type: "string",
    value: "FILE",
    file: true,
    help: "The ssh config to read (default: OpenSSH's own, ~/.ssh/config)",
  },
  {
    name: "password-stdin",
    type: "boolean",
    help: "Read the login password from standard input, never from argv; on a terminal, a prompt without echo",
  },
  {
    name: "trust-host-key",
    type: "list",
    value: "SHA256:…",
    help: "Add an unknown host's key to your known_hosts only when it has this fingerprint (repeatable)",
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
    check: (value) =>
      (CONNECT_MODES as readonly string[]).includes(value)
        ? undefined
        : `--connect takes auto, bridge or localhost, not "${value}"`,
  },
  {
    name: "metadata",
    type: "string",
    value: "WHERE",
    choices: METADATA_STORES,
    help:
      "Where Finder metadata lives: mac (default; kept by the mount until it restarts or is unmounted, " +
      "nothing written to the server) or server (resource forks also as ._ files beside each file on the " +
      "server, kept for good, at one more lookup per entry in every listing)",
    check: (value) => (isMetadataStore(value) ? undefined : `--metadata takes mac or server, not "${value}"`),
  },
  {
    name: "show-password",
    type: "boolean",
    help: "Print the share's SMB password (otherwise only --json carries it)",
  },
  {
    name: "all",
    type: "boolean",
    help: "Every mount: unmount removes them all; open opens each ready one Finder has not (Reconnect All)",
  },
  { name: "last", type: "boolean", help: "Open the mount created last" },
  { name: "stop", type: "boolean", help: "Remove the demo mount and its server" },
  {
    name: "json",
    type: "boolean",
    help: "Print JSON on standard output, errors included",
  },
] as const satisfies readonly FlagSpec[];

export type FlagName = (typeof FLAGS)[number]["name"];

type ValueOf<Type> = Type extends "boolean" ? boolean : Type extends "list" ? string[] | undefined : string | undefined;

/** What parseCli returns: one field per flag of the table, typed by its kind. */
export type Flags = { [Flag in (typeof FLAGS)[number] as Flag["name"]]: ValueOf<Flag["type"]> };

/** Flags every verb takes; they print something instead of running the verb. */
export const GLOBAL_FLAGS = [
  { name: "help", short: "h", help: "Show this help" },
  { name: "version", short: "V", help: "Print the version of sshmount" },
] as const;

/** The only words an argument takes when it completes from a fixed list; undefined for hosts and mounts. */
export function fixedWords(
  completes: Completes | undefined,
  verbs: readonly VerbSpec[],
): readonly string[] | undefined {
  if (completes === "verbs") return verbs.map((verb) => verb.name);
  if (completes === "shells") return SHELLS;
  return undefined;
}

/** The flags a verb takes, in table order. */
export function flagsOf(verb: VerbSpec): FlagSpec[] {
  return (FLAGS as readonly FlagSpec[]).filter((flag) => (verb.flags as readonly string[]).includes(flag.name));
}
