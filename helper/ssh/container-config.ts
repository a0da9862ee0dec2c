import { SshmountError } from "../errors";
import { hasControlCharacters } from "../text";
import type { SshHostOptions } from "./options";

/** Where the mount container expects its inputs (the contract with container/entrypoint.sh). */
export const CONTAINER_INPUT_DIR = "/etc/sshmount";
export const CONTAINER_AGENT_SOCKET = "/run/sshmount/agent.sock";
export const CONTAINER_HOST_ALIAS = "target";

export interface ContainerSshConfigOptions {
  /** Key file names inside CONTAINER_INPUT_DIR/keys, in the order ssh should try them. */
  keyNames: string[];
  agent: boolean;
}

const safeHostName = /^[A-Za-z0-9._:%[\]-]+$/;
const safeUser = /^[^\s"'\\%]+$/;

/**
 * The ssh_config the container uses instead of the user's: only the settings that decide where and how
 * to connect, with host-key checking pinned on. Values are validated rather than quoted, because
 * ssh_config has no escape for every character a hostile config could hold.
 */
export function renderContainerSshConfig(host: SshHostOptions, options: ContainerSshConfigOptions): string {
  if (host.proxyJump || host.proxyCommand) {
    throw new SshmountError(
      "unsupported",
      `"${host.alias}" connects through ${host.proxyJump ? `ProxyJump ${host.proxyJump}` : "a ProxyCommand"}, which this version cannot mount yet`,
      { alias: host.alias },
    );
  }
  if (!safeHostName.test(host.hostName) || (host.hostKeyAlias && !safeHostName.test(host.hostKeyAlias))) {
    throw new SshmountError(
      "invalid-input",
      `The host name "${host.hostName}" of "${host.alias}" has characters ssh cannot take`,
      {
        alias: host.alias,
      },
    );
  }
  if (!safeUser.test(host.user) || hasControlCharacters(host.user)) {
    throw new SshmountError(
      "invalid-input",
      `The user name "${host.user}" of "${host.alias}" has characters ssh cannot take`,
      {
        alias: host.alias,
      },
    );
  }
  const lines = [
    `Host ${CONTAINER_HOST_ALIAS}`,
    `  HostName ${host.hostName}`,
    `  Port ${host.port}`,
    `  User ${host.user}`,
    ...(host.hostKeyAlias ? [`  HostKeyAlias ${host.hostKeyAlias}`] : []),
    ...options.keyNames.map((name) => `  IdentityFile ${CONTAINER_INPUT_DIR}/keys/${name}`),
    `  IdentitiesOnly ${host.identitiesOnly || !options.agent ? "yes" : "no"}`,
    `  IdentityAgent ${options.agent ? CONTAINER_AGENT_SOCKET : "none"}`,
    `  UserKnownHostsFile ${CONTAINER_INPUT_DIR}/known_hosts`,
    "  GlobalKnownHostsFile /dev/null",
    "  StrictHostKeyChecking yes",
    "  UpdateHostKeys no",
    "  BatchMode yes",
    `  ConnectTimeout ${Math.min(host.connectTimeout ?? 15, 20)}`,
    "  ServerAliveInterval 15",
    "  ServerAliveCountMax 3",
    // Preferred, not required: a server without AES-GCM still negotiates one of the defaults.
    "  Ciphers ^aes128-gcm@openssh.com",
    "  Compression no",
  ];
  return `${lines.join("\n")}\n`;
}
