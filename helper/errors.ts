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
}

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

export interface ErrorDescription {
  kind: ErrorKind;
  message: string;
  hint: string;
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
      return `Fix ${facts.line ? `line ${facts.line}` : "the line OpenSSH complains about"}${facts.file ? ` of ${facts.file}` : ""}; \`ssh -G ${target}\` shows the same error.`;
    case "auth-failed":
      return `Check that \`ssh ${target}\` works in a terminal: load your key into the agent (\`ssh-add\`) or set IdentityFile for this host. If it takes a password, mount with --password-stdin (Raycast asks for it).`;
    case "auth-interactive":
      return `A background mount can answer a password but not a one-time code or other prompts. Use a key for ${target} (\`ssh-copy-id ${target}\`) if the server lets keys in without the second factor.`;
    case "key-encrypted":
      return `Add the key to your ssh agent once: \`ssh-add --apple-use-keychain ${facts.file ?? "KEY"}\` on macOS (\`ssh-add ${facts.file ?? "KEY"}\` elsewhere), then mount again. sshmount never asks for key passphrases.`;
    case "host-key-unknown":
      return facts.hostKey
        ? `Compare ${facts.hostKey.fingerprint} with the server's own key (\`ssh-keygen -lf /etc/ssh/ssh_host_${facts.hostKey.type.replace(/^ssh-|-.*$/g, "")}_key.pub\` on it). If they match, mount again with --trust-host-key ${facts.hostKey.fingerprint}.`
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
    case "program-missing":
      return programHint(facts.program ?? "");
    case "file-access":
      return `Check that ${facts.file ?? "the file"} exists and that your user may read and write it (\`ls -l\` shows its owner and mode).`;
  }
}

/** Programs that come with macOS itself: when one cannot run, PATH or permissions are wrong, not an install. */
const macOsTools = new Set(["osascript", "open", "diskutil", "mount", "umount", "route", "security", "netstat"]);

function programHint(program: string): string {
  const base = program.split("/").pop() ?? program;
  if (/^ssh(-keygen|-add|-keyscan)?$/.test(base)) {
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
export function fromSystemError(error: unknown): SshmountError | undefined {
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

/** The one place errors become user words. Anything that is not ours (nor a file or program error) is internal. */
export function describeError(error: unknown): ErrorDescription {
  if (isSshmountError(error)) {
    const { detail } = error.facts;
    const message = detail && !error.message.includes(detail) ? `${error.message}: ${detail}` : error.message;
    return {
      kind: error.kind,
      message,
      hint: hintFor(error),
      ...(error.facts.hostKey ? { hostKey: error.facts.hostKey } : {}),
    };
  }
  const system = fromSystemError(error);
  if (system) return describeError(system);
  const message = error instanceof Error ? error.message : String(error);
  return { kind: "internal", message, hint: hintFor(new SshmountError("internal", message)) };
}
