import { AGENT_SOCKET, INPUT, inputPath, LOGGED_IN_MARKER, SSH_SETTINGS, TARGET_HOST } from "../container/contract";
import { SshmountError } from "../errors";
import { hasControlCharacters } from "../text";
import type { SshHostOptions } from "./options";

/** One host of the connection as the container config names it, with its key files. */
export interface ContainerHost {
  /** "hop1", "hop2"… in connection order, then "target". */
  block: string;
  host: SshHostOptions;
  /** Key file names in the container's keys input folder, in the order ssh should try them. */
  keyNames: string[];
  /** ssh asks the forwarded agent (at AGENT_SOCKET) for this host's keys. */
  agent: boolean;
}

interface ContainerSshConfigOptions {
  /** The target takes a password (answered by the container's askpass), so it may prompt. */
  password: boolean;
}

const safeHostName = /^[A-Za-z0-9._:%[\]-]+$/;
const safeUser = /^[^\s"'\\%]+$/;

function checkSafe(host: SshHostOptions): void {
  if (!safeHostName.test(host.hostName) || (host.hostKeyAlias && !safeHostName.test(host.hostKeyAlias))) {
    throw new SshmountError(
      "invalid-input",
      `The host name "${host.hostName}" of "${host.alias}" has characters ssh cannot take`,
      { alias: host.alias },
    );
  }
  if (!safeUser.test(host.user) || hasControlCharacters(host.user)) {
    throw new SshmountError(
      "invalid-input",
      `The user name "${host.user}" of "${host.alias}" has characters ssh cannot take`,
      { alias: host.alias },
    );
  }
}

/**
 * The ssh_config the container uses instead of the user's: only the settings that decide where and how
 * to connect, with host-key checking pinned on. Each jump host gets a block of its own and the next
 * host reaches it by ProxyJump, which ssh runs with this same file. Values are validated rather than
 * quoted, because ssh_config has no escape for every character a hostile config could hold.
 */
export function renderContainerSshConfig(hosts: ContainerHost[], options: ContainerSshConfigOptions): string {
  const lines: string[] = [];
  hosts.forEach(({ block, host, keyNames, agent }, index) => {
    checkSafe(host);
    const prompts = block === TARGET_HOST && options.password;
    lines.push(
      `Host ${block}`,
      `  HostName ${host.hostName}`,
      `  Port ${host.port}`,
      `  User ${host.user}`,
      ...(host.hostKeyAlias ? [`  HostKeyAlias ${host.hostKeyAlias}`] : []),
      ...(index > 0 ? [`  ProxyJump ${hosts[index - 1].block}`] : []),
      ...keyNames.map((name) => `  IdentityFile ${inputPath(`${INPUT.keys}/${name}`)}`),
      `  IdentitiesOnly ${host.identitiesOnly || !agent ? "yes" : "no"}`,
      `  IdentityAgent ${agent ? AGENT_SOCKET : "none"}`,
      `  ConnectTimeout ${Math.min(host.connectTimeout ?? 15, 20)}`,
      // The askpass program answers only this host's password prompt; every other prompt fails.
      ...(prompts ? ["  BatchMode no", "  NumberOfPasswordPrompts 1"] : []),
      // ssh runs LocalCommand after authentication and before it relays the session's stderr, so what
      // follows the marker is the server's (ForceCommand, a login shell), never a host-key or login
      // failure. stdout is the SFTP stream: the marker goes to stderr.
      ...(block === TARGET_HOST ? ["  PermitLocalCommand yes", `  LocalCommand echo ${LOGGED_IN_MARKER} >&2`] : []),
    );
  });
  lines.push(
    "Host *",
    `  UserKnownHostsFile ${inputPath(INPUT.knownHosts)}`,
    "  GlobalKnownHostsFile /dev/null",
    "  StrictHostKeyChecking yes",
    "  UpdateHostKeys no",
    "  BatchMode yes",
    // Below INFO ssh prints no login banner, and PAM's text no more: the server chooses those words, and
    // the helper reads ssh's stderr to tell a host-key or login failure. Every message it reads is an
    // error or fatal one ("Host key verification failed.", "Permission denied (…).", "REMOTE HOST
    // IDENTIFICATION HAS CHANGED", "Could not resolve hostname"), recorded at ERROR from OpenSSH 9.2.
    "  LogLevel ERROR",
    // Keep-alive, ciphers and compression: the container contract's, and sshfs takes them from here.
    ...Object.entries(SSH_SETTINGS).map(([option, value]) => `  ${option} ${value}`),
  );
  return `${lines.join("\n")}\n`;
}
