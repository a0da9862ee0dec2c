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
  | "finder-failed";

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
    case "finder-failed":
      return finderHint(facts);
  }
}

function finderHint(facts: ErrorFacts): string {
  switch (facts.finder) {
    case "cancelled":
      return "A macOS dialog was closed before the share was mounted. Run `sshmount open NAME` again and answer it.";
    case "not-permitted":
      return `Allow the app that ran sshmount (Terminal, iTerm, Raycast) in ${facts.permission?.name ?? "System Settings → Privacy & Security → Automation"}, then run \`sshmount open NAME\` again.`;
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

/** The one place errors become user words. Anything that is not ours is reported as internal. */
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
  const message = error instanceof Error ? error.message : String(error);
  return { kind: "internal", message, hint: hintFor(new SshmountError("internal", message)) };
}
