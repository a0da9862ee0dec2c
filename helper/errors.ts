/**
 * Every failure a user can meet, as a kind plus the facts needed to explain it. The clients only render
 * `describeError()` (helper/words/): the words and the fix for each kind live there, in one place.
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
  | "file-access"
  /** A terminal or editor the user chose would not open (not installed, or macOS refused Raycast). */
  | "app-failed";

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
  /** For app-failed: the terminal or editor, as the preferences name it ("iTerm2", "Cursor"). */
  app?: string;
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
