/**
 * Every failure a user can meet, as a kind plus the facts needed to explain it. The UI and the CLI only
 * render `describeError()`; the words and the fix live here, in one place.
 */
export type ErrorKind =
  | "docker-unavailable"
  | "image-build-failed"
  | "ssh-config-invalid"
  | "auth-failed"
  | "auth-interactive"
  | "key-encrypted"
  | "host-key-unknown"
  | "host-key-changed"
  | "host-unreachable"
  | "path-missing"
  | "mount-failed"
  | "timeout"
  | "cancelled"
  | "name-taken"
  | "not-found"
  | "invalid-input"
  | "unsupported"
  | "internal"
  | "finder-failed"
  | "program-missing"
  | "file-access";

export interface ErrorFacts {
  /** The exact text ssh, sshfs or Docker printed, when there is one. */
  detail?: string;
  alias?: string;
  host?: string;
  remotePath?: string;
  name?: string;
  /** Docker endpoints that were tried, for docker-unavailable. */
  tried?: string[];
  file?: string;
  /** For program-missing: the program as it was run ("ssh", "/usr/bin/open"). */
  program?: string;
  /** Line in `file`, for ssh-config-invalid. */
  line?: number;
  /** For auth-failed: the methods the server offered ("publickey", "password", "keyboard-interactive"). */
  authMethods?: string[];
  /** For host-unreachable: false when the alias is no Host of the ssh config (a typo, or a bare host name). */
  inConfig?: boolean;
  /** The key an unknown host presents, for host-key-unknown: what the user compares and may trust. */
  hostKey?: PresentedHostKey;
  /** For finder-failed: the smb:// URL macOS was asked to mount. */
  url?: string;
  /** For finder-failed: the AppleScript error number osascript printed, e.g. -1743. */
  code?: number;
  /** For finder-failed: what went wrong, read from `code`. */
  finder?: FinderFailure;
  /** For finder-failed: where in System Settings the user grants what macOS refused. */
  permission?: SettingsPane;
}

/** How mounting a share through `mount volume` failed (finder-failed). */
export type FinderFailure = "cancelled" | "not-permitted" | "login-refused" | "unreachable" | "timeout" | "other";

export interface SettingsPane {
  /** As the user finds it: "System Settings → Privacy & Security → Automation". */
  name: string;
  /** Opens the pane: an `x-apple.systempreferences:` URL. */
  url: string;
}

/** Where macOS grants Apple events (-1743): the pane a refused `mount volume` names, by default. */
export const AUTOMATION_PANE: SettingsPane = {
  name: "System Settings → Privacy & Security → Automation",
  url: "x-apple.systempreferences:com.apple.preference.security?Privacy_Automation",
};

export interface PresentedHostKey {
  /** The name known_hosts files it under: host, [host]:port or the HostKeyAlias. */
  host: string;
  /** The alias of the jump host it belongs to, when it is not the target's own key. */
  jumpHost?: string;
  type: string;
  /** "SHA256:…", as ssh and ssh-keygen -l print it. */
  fingerprint: string;
}

export class SshmountError extends Error {
  readonly kind: ErrorKind;
  readonly facts: ErrorFacts;

  constructor(kind: ErrorKind, message: string, facts: ErrorFacts = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SshmountError";
    this.kind = kind;
    this.facts = facts;
  }
}

export function isSshmountError(error: unknown): error is SshmountError {
  return error instanceof SshmountError;
}

/** Who reads the words: a terminal (flags and verbs of the CLI) or Raycast (actions to press). */
export type ErrorClient = "cli" | "raycast";

/** A fix a client offers as a button; Raycast renders each one, the CLI says them in its hint instead. */
export type ErrorAction =
  | { type: "trust-host-key"; hostKey: PresentedHostKey }
  | { type: "enter-password" }
  /** Back to the form, to change the remote path or the name. */
  | { type: "edit-mount" }
  /** A command for the user's terminal, already shell-quoted. */
  | { type: "copy-command"; command: string }
  | { type: "open-ssh-config"; file: string }
  /** OrbStack or Docker Desktop, whichever is installed. */
  | { type: "open-engine" }
  | { type: "check-setup" }
  | { type: "show-logs"; name: string }
  | { type: "show-mounts" }
  /** The System Settings pane where the user grants what macOS refused. */
  | { type: "open-settings"; pane: SettingsPane }
  | { type: "copy-url"; url: string }
  | { type: "retry" };

export interface ErrorDescription {
  kind: ErrorKind;
  /** What went wrong, in our words. */
  title: string;
  /** The exact text ssh, sshfs or Docker printed, when it adds to the title. */
  detail?: string;
  /** The title and the detail in one line, for a toast or a terminal. */
  message: string;
  hint: string;
  /** Raycast's buttons, in order of use; empty for the CLI, whose hint names the flags and verbs. */
  actions: ErrorAction[];
  /** For host-key-unknown: what a confirm dialog shows before trusting it. */
  hostKey?: PresentedHostKey;
}

const dockerStartHint =
  "Start OrbStack (https://orbstack.dev) or Docker Desktop and try again; on Linux start the Docker service. " +
  "To use another engine, set DOCKER_HOST or pass its socket.";

function hintFor(error: SshmountError): string {
  const { facts } = error;
  const target = facts.alias ?? "the host";
  switch (error.kind) {
    case "docker-unavailable":
      return dockerStartHint;
    case "image-build-failed":
      return "Check that Docker can reach the Debian package mirror, then try again. `sshmount logs` is not available until the image builds.";
    case "ssh-config-invalid":
      return `Fix ${facts.line ? `line ${facts.line}` : "the line named above"}${facts.file ? ` of ${facts.file}` : ""}, then try again (\`ssh -G ${target}\` shows how OpenSSH reads the config).`;
    case "auth-failed":
      return `Check that \`ssh ${target}\` works in a terminal: load your key into the agent (\`ssh-add\`) or set IdentityFile for this host. If it takes a password, mount with --password-stdin (Raycast asks for it).`;
    case "auth-interactive":
      return `A background mount can answer a password but not a one-time code or other prompts. Use a key for ${target} (\`ssh-copy-id ${target}\`) if the server lets keys in without the second factor.`;
    case "key-encrypted":
      return `Add the key to your ssh agent once: \`ssh-add --apple-use-keychain ${facts.file ?? "KEY"}\` on macOS (\`ssh-add ${facts.file ?? "KEY"}\` elsewhere), then mount again. sshmount never asks for key passphrases.`;
    case "host-key-unknown":
      return facts.hostKey
        ? `Compare ${facts.hostKey.fingerprint} with the server's own key (\`${hostKeyCommand(facts.hostKey)}\` on it). If they match, mount again with --trust-host-key ${facts.hostKey.fingerprint}.`
        : `Connect once with \`ssh ${target}\` in a terminal, compare the fingerprint with the server's, and accept it; then mount again.`;
    case "host-key-changed":
      return `The server's host key differs from the one in your known_hosts. If the server was reinstalled, verify the new key with its administrator and run \`ssh-keygen -R ${facts.host ?? target}\`; otherwise do not connect.`;
    case "host-unreachable":
      if (facts.inConfig === false)
        return "Check the spelling: `sshmount hosts` lists the hosts of your ssh config, and any other name must resolve.";
      return `Check the host name, your network or VPN, and that \`ssh ${target}\` connects from this machine.`;
    case "path-missing":
      return `Check the path with \`ssh ${target} ls -d ${facts.remotePath ?? "PATH"}\`, or leave it empty to mount your home folder.`;
    case "mount-failed":
      return "See the ssh message above; `sshmount logs NAME` shows the container's full log.";
    case "timeout":
      return `The host did not answer in time. Check that \`ssh ${target}\` connects, then try again.`;
    case "cancelled":
      return "Nothing was left behind; mount again when you are ready.";
    case "name-taken":
      return "Choose another name with --name, or unmount the existing mount first.";
    case "not-found":
      return "Run `sshmount list` to see the current mounts.";
    case "invalid-input":
      return "Correct the value and try again.";
    case "unsupported":
      return "See `sshmount doctor` for what this machine supports.";
    case "internal":
      return "This is a bug in sshmount; please report it with `sshmount doctor --json` output.";
    case "finder-failed":
      return finderHint(facts);
    case "program-missing":
      return programHint(facts.program ?? "");
    case "file-access":
      return `Check that ${facts.file ?? "the file"} exists and that your user may read and write it (\`ls -l\` shows its owner and mode).`;
  }
}

/** Programs that come with macOS itself: when one cannot run, PATH or permissions are wrong, not an install. */
const macOsTools = new Set(["osascript", "open", "diskutil", "mount", "umount", "route", "security", "netstat"]);

function programBase(program: string): string {
  return program.split("/").pop() ?? program;
}

function isOpenSsh(base: string): boolean {
  return /^ssh(-keygen|-add|-keyscan)?$/.test(base);
}

function programHint(program: string): string {
  const base = programBase(program);
  if (isOpenSsh(base)) {
    return "Install OpenSSH (it ships with macOS; on Debian or Ubuntu `apt-get install openssh-client`) and make sure `ssh` is on PATH.";
  }
  if (macOsTools.has(base)) {
    return `${base} ships with macOS: check that PATH includes /usr/bin, /bin, /usr/sbin and /sbin and that ${program} may be executed.`;
  }
  return `Install ${base} or put it on PATH, then try again.`;
}

const fileCodes: Record<string, string> = {
  ENOENT: "it does not exist",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "it is a folder",
  ENOTDIR: "a part of its path is not a folder",
  EROFS: "the file system is read-only",
};

/**
 * Node's own errors for a file (fs: `path` and a syscall such as "open") or a program (spawn: syscall
 * "spawn X") that a caller did not translate, as the typed error they are instead of internal noise.
 */
function fromSystemError(error: unknown): SshmountError | undefined {
  const { code, syscall, path: file } = (error ?? {}) as { code?: string; syscall?: string; path?: string };
  if (typeof code !== "string" || typeof syscall !== "string" || typeof file !== "string") return undefined;
  if (syscall.startsWith("spawn")) {
    if (code !== "ENOENT" && code !== "EACCES") return undefined;
    return programMissing(file, code, { cause: error });
  }
  const reason = fileCodes[code];
  if (!reason) return undefined;
  // open serves reads and writes alike: its error does not say which was meant.
  const verb = syscall === "open" ? "open" : /^(read|stat|lstat|access|scandir)/.test(syscall) ? "read" : "write";
  return new SshmountError("file-access", `sshmount cannot ${verb} ${file}: ${reason}`, { file }, { cause: error });
}

/** A program that cannot be started: ENOENT (not found on PATH) or EACCES (not executable). */
export function programMissing(program: string, code: string, options?: { cause?: unknown }): SshmountError {
  const why = code === "EACCES" ? "is not executable (permission denied)" : "was not found";
  return new SshmountError("program-missing", `The program ${program} ${why}`, { program }, options);
}

function finderHint(facts: ErrorFacts): string {
  switch (facts.finder) {
    case "cancelled":
      return "A macOS dialog was closed before the share was mounted. Run `sshmount open NAME` again and answer it.";
    case "not-permitted":
      return `Allow the app that ran sshmount (Terminal, iTerm, Raycast) in ${(facts.permission ?? AUTOMATION_PANE).name}, then run \`sshmount open NAME\` again.`;
    case "login-refused":
      return "The share refused sshmount's own login. `sshmount remount NAME` restarts its server with the same password; if it still refuses, unmount and mount again.";
    case "unreachable":
      return "Finder could not reach the share. `sshmount doctor` checks the route to the container; `sshmount open NAME --connect localhost` uses a port on 127.0.0.1 instead.";
    case "timeout":
      return "macOS did not finish in time; a dialog may still be open. Answer or close it, then run `sshmount open NAME` again.";
    default:
      return "See osascript's words above, then try `sshmount open NAME` again; `sshmount doctor` checks the route to the container.";
  }
}

/** Raycast's words for each kind, naming the actions it offers; a new kind fails to compile without one. */
const raycastAdvice: Record<ErrorKind, (error: SshmountError) => { hint: string; actions: ErrorAction[] }> = {
  "docker-unavailable": () => ({
    hint: "Start OrbStack or Docker Desktop, then try again. To use another engine, set Docker Socket in the extension's preferences.",
    actions: [{ type: "open-engine" }, { type: "retry" }, { type: "check-setup" }],
  }),
  "image-build-failed": () => ({
    hint: "Check that Docker can reach the Debian package mirror, then press Retry.",
    actions: [{ type: "retry" }, { type: "check-setup" }],
  }),
  "ssh-config-invalid": ({ facts }) => ({
    hint: `Press Open SSH Config and fix ${facts.line ? `line ${facts.line}` : "the line named above"}${facts.file ? ` of ${facts.file}` : ""}, then press Retry.`,
    actions: [...(facts.file ? [{ type: "open-ssh-config" as const, file: facts.file }] : []), { type: "retry" }],
  }),
  "auth-failed": ({ facts }) => {
    const target = facts.alias ?? "the host";
    const password = (facts.authMethods ?? []).some((m) => m === "password" || m === "keyboard-interactive");
    return {
      hint: `Check that \`ssh ${target}\` works in a terminal: load your key into the agent (\`ssh-add\`) or set IdentityFile for this host, then press Retry.${password ? " It also takes a password: press Enter Password." : ""}`,
      actions: [
        ...(password ? [{ type: "enter-password" as const }] : []),
        ...(facts.alias ? [{ type: "copy-command" as const, command: shellQuote(["ssh", facts.alias]) }] : []),
        { type: "retry" },
      ],
    };
  },
  "auth-interactive": ({ facts }) => {
    const target = facts.alias ?? "the host";
    return {
      hint: `A background mount can answer a password but not a one-time code or other prompts. Use a key for ${target} if the server lets keys in without the second factor: press Copy Command and run it in a terminal.`,
      actions: [
        ...(facts.alias ? [{ type: "copy-command" as const, command: shellQuote(["ssh-copy-id", facts.alias]) }] : []),
        { type: "retry" },
      ],
    };
  },
  "key-encrypted": ({ facts }) => {
    const copy: ErrorAction[] = facts.file
      ? [{ type: "copy-command", command: shellQuote(["ssh-add", "--apple-use-keychain", facts.file]) }]
      : [];
    return {
      hint: `Add ${facts.file ?? "the key"} to your ssh agent once: ${facts.file ? "press Copy Command and run it in Terminal (it asks for the passphrase and keeps it in your login Keychain)" : "run ssh-add with it in Terminal"}, then press Retry. This extension never asks for key passphrases.`,
      actions: [...copy, { type: "retry" }],
    };
  },
  "host-key-unknown": ({ facts }) => {
    if (!facts.hostKey) {
      return {
        hint: `Connect once with \`ssh ${facts.alias ?? "the host"}\` in a terminal, compare the fingerprint with the server's, and accept it; then press Retry.`,
        actions: [
          ...(facts.alias ? [{ type: "copy-command" as const, command: shellQuote(["ssh", facts.alias]) }] : []),
          { type: "retry" },
        ],
      };
    }
    const { fingerprint } = facts.hostKey;
    return {
      hint: `Press Trust Host Key after comparing ${fingerprint} with the server's own key (\`${hostKeyCommand(facts.hostKey)}\` on it); if they differ, do not trust it.`,
      actions: [
        { type: "trust-host-key", hostKey: facts.hostKey },
        { type: "copy-command", command: hostKeyCommand(facts.hostKey) },
      ],
    };
  },
  "host-key-changed": ({ facts }) => {
    const host = facts.host ?? facts.alias ?? "HOST";
    return {
      hint: "The server's host key differs from the one in your known_hosts. If the server was reinstalled, verify the new key with its administrator, then press Copy Command, run it in a terminal to forget the old key, and press Retry; otherwise do not connect.",
      actions: [{ type: "copy-command", command: shellQuote(["ssh-keygen", "-R", host]) }, { type: "retry" }],
    };
  },
  "host-unreachable": ({ facts }) => {
    if (facts.inConfig === false) {
      return {
        hint: "Check the spelling: Mount SSH Host lists the hosts of your SSH config, and any other name must resolve.",
        actions: [{ type: "retry" }],
      };
    }
    return {
      hint: `Check the host name, your network or VPN, and that \`ssh ${facts.alias ?? "the host"}\` connects from this Mac, then press Retry.`,
      actions: [
        ...(facts.alias ? [{ type: "copy-command" as const, command: shellQuote(["ssh", facts.alias]) }] : []),
        { type: "retry" },
      ],
    };
  },
  "path-missing": ({ facts }) => ({
    hint: "Check the path, or press Edit Mount and leave Remote Path empty to mount your home folder.",
    actions: [
      { type: "edit-mount" },
      ...(facts.alias
        ? [
            {
              type: "copy-command" as const,
              command: shellQuote(["ssh", facts.alias, `ls -d ${remoteWord(facts.remotePath ?? "~")}`]),
            },
          ]
        : []),
    ],
  }),
  "mount-failed": ({ facts }) => ({
    hint: facts.name
      ? "See ssh's message below; Show Logs has the container's full log."
      : "See ssh's message below, then press Retry.",
    actions: [...(facts.name ? [{ type: "show-logs" as const, name: facts.name }] : []), { type: "retry" }],
  }),
  timeout: ({ facts }) => ({
    hint: `The host did not answer in time. Check that \`ssh ${facts.alias ?? "the host"}\` connects, then press Retry.`,
    actions: [{ type: "retry" }],
  }),
  cancelled: () => ({ hint: "Nothing was left behind; press Retry when you are ready.", actions: [{ type: "retry" }] }),
  "name-taken": () => ({
    hint: "Press Edit Mount to choose another name, or unmount the existing mount in List Mounts first.",
    actions: [{ type: "edit-mount" }, { type: "show-mounts" }],
  }),
  "not-found": () => ({ hint: "List Mounts shows the current mounts.", actions: [{ type: "show-mounts" }] }),
  "invalid-input": () => ({
    hint: "Press Edit Mount, correct the value and try again.",
    actions: [{ type: "edit-mount" }],
  }),
  unsupported: () => ({ hint: "Check Setup shows what this Mac supports.", actions: [{ type: "check-setup" }] }),
  internal: () => ({
    hint: "This is a bug in sshmount; please report it with the report Check Setup copies.",
    actions: [{ type: "check-setup" }, { type: "retry" }],
  }),
  "finder-failed": ({ facts }) => finderAdvice(facts),
  "program-missing": ({ facts }) => {
    const program = facts.program ?? "";
    const base = programBase(program);
    const hint = isOpenSsh(base)
      ? "Install OpenSSH (it ships with macOS) and make sure ssh is in /usr/bin, then press Retry."
      : macOsTools.has(base)
        ? `${base} ships with macOS: it should be in /usr/bin or /usr/sbin. Check that it exists and may be run, then press Retry.`
        : `Install ${base}, then press Retry.`;
    return { hint, actions: [{ type: "retry" }, { type: "check-setup" }] };
  },
  "file-access": ({ facts }) => ({
    hint: `Check that ${facts.file ?? "the file"} exists and that your user may read and write it (Finder's Get Info shows its permissions), then press Retry.`,
    actions: [{ type: "retry" }],
  }),
};

/** The mount stands when Finder fails: every fix opens it again, and its URL works in any SMB client. */
function finderAdvice(facts: ErrorFacts): { hint: string; actions: ErrorAction[] } {
  const copyUrl: ErrorAction[] = facts.url ? [{ type: "copy-url", url: facts.url }] : [];
  switch (facts.finder) {
    case "cancelled":
      return {
        hint: "A macOS dialog was closed before the share was mounted: open the mount again and answer it.",
        actions: [{ type: "retry" }, ...copyUrl],
      };
    case "not-permitted": {
      const pane = facts.permission ?? AUTOMATION_PANE;
      return {
        hint: `macOS did not let Raycast mount the share. Allow Raycast in ${pane.name} (press Open System Settings), then open the mount again.`,
        actions: [{ type: "open-settings", pane }, { type: "retry" }],
      };
    }
    case "login-refused":
      return {
        hint: "The share refused the mount's own login. Remount in List Mounts restarts its server with the same password; if it still refuses, unmount and mount again.",
        actions: [{ type: "show-mounts" }, { type: "retry" }],
      };
    case "unreachable":
      return {
        hint: "Finder could not reach the share. Check Setup shows how this Mac reaches containers; setting Connection to Localhost Port in the extension's preferences uses a port on 127.0.0.1 instead.",
        actions: [{ type: "retry" }, { type: "check-setup" }, ...copyUrl],
      };
    case "timeout":
      return {
        hint: "macOS did not finish in time; a dialog may still be open. Answer or close it, then open the mount again.",
        actions: [{ type: "retry" }],
      };
    default:
      return {
        hint: "See macOS's words above, then open the mount again; the SMB URL also works in any other SMB client.",
        actions: [{ type: "retry" }, ...copyUrl],
      };
  }
}

/** Run on the server, prints the fingerprint of the key type the client was shown. */
function hostKeyCommand(hostKey: PresentedHostKey): string {
  return shellQuote(["ssh-keygen", "-lf", `/etc/ssh/ssh_host_${hostKey.type.replace(/^ssh-|-.*$/g, "")}_key.pub`]);
}

/** POSIX shell quoting for a command the user pastes into a terminal: plain words stay as they are. */
export function shellQuote(words: string[]): string {
  return words
    .map((word) => (/^[A-Za-z0-9_\-./:@%+=,]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`))
    .join(" ");
}

/** A remote path as a word of the remote shell's command line: a leading ~ stays outside the quotes to expand there. */
function remoteWord(remotePath: string): string {
  if (remotePath === "~") return "~";
  return remotePath.startsWith("~/") ? `~/${shellQuote([remotePath.slice(2)])}` : shellQuote([remotePath]);
}

/**
 * The one place errors become user words, for the client that shows them (the CLI unless told). Anything
 * that is not ours (nor a file or program error Node raised) is reported as internal.
 */
export function describeError(error: unknown, client: ErrorClient = "cli"): ErrorDescription {
  const ours = isSshmountError(error)
    ? error
    : (fromSystemError(error) ?? new SshmountError("internal", error instanceof Error ? error.message : String(error)));
  const printed = ours.facts.detail;
  const detail = printed && !ours.message.includes(printed) ? printed : undefined;
  const advice = client === "raycast" ? raycastAdvice[ours.kind](ours) : { hint: hintFor(ours), actions: [] };
  return {
    kind: ours.kind,
    title: ours.message,
    ...(detail ? { detail } : {}),
    message: detail ? `${ours.message}: ${detail}` : ours.message,
    ...advice,
    ...(ours.facts.hostKey ? { hostKey: ours.facts.hostKey } : {}),
  };
}
