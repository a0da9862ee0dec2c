import { SshmountError, type ErrorKind } from "../errors";
import { LOGGED_IN_MARKER } from "../container/contract";

interface Rule {
  kind: ErrorKind;
  pattern: RegExp;
  message: string;
  /** Read only from what ssh printed before it logged in: after that the server writes to stderr too. */
  beforeLogin?: true;
}

/**
 * OpenSSH and sshfs report failures only as text. Order matters: a changed key also prints "Host key
 * verification failed", and an unknown key is reported before any authentication happens.
 */
const rules: Rule[] = [
  {
    kind: "host-key-changed",
    beforeLogin: true,
    pattern: /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/,
    message: "The host key of {host} has changed",
  },
  {
    kind: "host-key-unknown",
    beforeLogin: true,
    pattern: /No \S+ host key is known for|Host key verification failed/,
    message: "The host key of {host} is not in your known_hosts",
  },
  {
    // Our askpass refused a prompt other than the target's password: a one-time code, a second factor.
    kind: "auth-interactive",
    beforeLogin: true,
    pattern: /sshmount-askpass: refused prompt/,
    message: "{host} asks for more than a password",
  },
  {
    kind: "auth-failed",
    beforeLogin: true,
    pattern: /Permission denied \(|Too many authentication failures|Authentication failed/,
    message: "{host} refused the login",
  },
  {
    // The host is there (or its packets vanish) but nothing answers: a hung, paused or firewalled server.
    kind: "timeout",
    pattern: /Connection timed out|Operation timed out|Connection to \S+ port \d+ timed out/,
    message: "{host} did not answer in time",
  },
  {
    kind: "host-unreachable",
    pattern:
      /Could not resolve hostname|Name or service not known|Connection refused|No route to host|Network is unreachable|kex_exchange_identification|Connection reset by peer|Connection closed by/,
    message: "Cannot reach {host}",
  },
  {
    kind: "path-missing",
    pattern: /No such file or directory|Not a directory/,
    message: "The remote folder {path} does not exist on {host}",
  },
];

interface ClassifyContext {
  alias: string;
  host: string;
  remotePath: string;
}

/**
 * The ssh/sshfs lines worth showing: the last few that carry the reason. sshfs's own "read: …" only
 * follows ssh's exit, and a banner's "@@@" frame says nothing.
 */
function detailOf(lines: string[]): string {
  return lines
    .map((line) => line.trim())
    .filter((line) => line && !/^read: |^remote host has disconnected$|^@+$/.test(line))
    .slice(-2)
    .join(" ");
}

/**
 * Turns what the entrypoint reported about a failed start into a typed error: the ssh lines decide the
 * kind; the entrypoint's own summary (`sshmount: error: …`) stands in when ssh said nothing.
 */
export function classifySshFailure(all: string[], context: ClassifyContext, summary?: string): SshmountError {
  // ssh ends its own lines in \r\n, which the entrypoint strips; a carriage return left inside a line is
  // text the server sent (a banner, PAM, a login shell), worded to overwrite what a terminal shows.
  const shown = all.filter((line) => !line.includes("\r"));
  const loggedIn = shown.indexOf(LOGGED_IN_MARKER);
  const lines = shown.filter((line) => line !== LOGGED_IN_MARKER);
  const text = lines.join("\n");
  // The first marker counts: the server may print one itself, but only once the session runs.
  const beforeLogin = loggedIn === -1 ? text : shown.slice(0, loggedIn).join("\n");
  const detail = detailOf(lines) || summary || "";
  // "Permission denied (publickey,password)": the methods the server would take, so a UI can offer a password.
  const methods = /Permission denied \(([^)]*)\)/.exec(beforeLogin)?.[1]?.split(",");
  const facts = {
    alias: context.alias,
    host: context.host,
    remotePath: context.remotePath,
    detail,
    ...(methods ? { authMethods: methods } : {}),
  };
  const format = (message: string) =>
    message.replace("{host}", context.alias).replace("{path}", context.remotePath || "~");
  // OpenSSH reports a key of a type known_hosts has none of as a changed key ("Offending RSA key"
  // while the server sent ED25519): say so, as a server that swapped key types looks like a man in the middle.
  const sent = /The fingerprint for the (\S+) key sent by the remote host/.exec(beforeLogin)?.[1];
  const offending = [...beforeLogin.matchAll(/Offending (\S+) key in /g)].map((match) => match[1]);
  if (sent && offending.length > 0 && !offending.includes(sent)) {
    return new SshmountError(
      "host-key-changed",
      `${context.alias} offers an ${sent} host key, a key type it has not used before: your known_hosts has only its ${[...new Set(offending)].join(" and ")} key`,
      facts,
    );
  }
  for (const rule of rules) {
    if (rule.pattern.test(rule.beforeLogin ? beforeLogin : text))
      return new SshmountError(rule.kind, format(rule.message), facts);
  }
  // The entrypoint gave up waiting: ssh never got an answer (a paused or firewalled server).
  if (summary && /no answer from the server/.test(summary)) {
    return new SshmountError("timeout", `${context.alias} did not answer`, facts);
  }
  return new SshmountError("mount-failed", `Mounting ${context.alias} failed`, facts);
}
