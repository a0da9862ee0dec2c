import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import type { ArchiveEntry } from "../docker/archive";
import { SshmountError } from "../errors";
import { CONTAINER_HOST_ALIAS, renderContainerSshConfig, type ContainerHost } from "../ssh/container-config";
import { isEncryptedPrivateKey } from "../ssh/keys";
import type { SshHostOptions } from "../ssh/options";

export const SMB_USER = "sshmount";

/** 192 random bits, URL-safe so it survives every SMB client's login field. */
export function newSmbPassword(): string {
  return randomBytes(24).toString("base64url");
}

async function readIfPresent(file: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(file);
  } catch {
    return undefined;
  }
}

/** How the container reaches the target: jump hosts first (in connection order), then the target. */
export interface Connection {
  target: SshHostOptions;
  chain: SshHostOptions[];
}

export interface Credentials {
  /** A forwarded agent socket will be mounted at CONTAINER_AGENT_SOCKET. */
  agent: boolean;
  /** The target's login password, answered by the container's askpass program. */
  sshPassword?: string;
}

export interface InputFiles {
  entries: ArchiveEntry[];
  hosts: ContainerHost[];
  /** The known_hosts lines of every host of the connection, as the container gets them. */
  knownHosts: string[];
}

/**
 * The prompt ssh shows for this host's password: "user@host's password:" or "(user@host) Password:",
 * where host is the HostKeyAlias when there is one.
 */
export function passwordPromptTarget(host: SshHostOptions): string {
  return `${host.user}@${host.hostKeyAlias ?? host.hostName}`;
}

function knownHostsEntry(lines: string[]): ArchiveEntry {
  return { path: "sshmount/known_hosts", mode: 0o600, content: lines.map((line) => `${line}\n`).join("") };
}

/**
 * The files a host-key scan starts from: the connection's ssh config and known_hosts, and the jump
 * hosts' identity files, which the ProxyJump ssh needs to forward the scan to the next host. Never the
 * target's keys, its password, the SMB password or the agent: the scanned host gets no login attempt
 * (hostkey-scan.sh turns every method off), and a jump host only what the mount would give it.
 */
export function buildScanInputFiles(inputs: InputFiles): ArchiveEntry[] {
  const hosts = inputs.hosts.map((host) => (host.block === CONTAINER_HOST_ALIAS ? { ...host, keyNames: [] } : host));
  const keyFiles = new Set(
    hosts.flatMap(({ keyNames }) =>
      keyNames.flatMap((name) => [`sshmount/keys/${name}`, `sshmount/keys/${name}-cert.pub`]),
    ),
  );
  return [
    { path: "sshmount/", mode: 0o700 },
    {
      path: "sshmount/ssh_config",
      mode: 0o600,
      content: renderContainerSshConfig(hosts, { agent: false, password: false }),
    },
    knownHostsEntry(inputs.knownHosts),
    { path: "sshmount/keys/", mode: 0o700 },
    ...inputs.entries.filter((entry) => keyFiles.has(entry.path)),
  ];
}

/**
 * The files a mount container starts from (see container/entrypoint.sh): ssh config, known_hosts, the
 * identity files ssh -G names that exist and need no passphrase (with their certificates), the SMB
 * password and, for password logins, the ssh password. All root-owned and 0600, because ssh refuses
 * keys other users could read.
 */
export async function buildInputFiles(
  connection: Connection,
  knownHosts: string[],
  smbPassword: string,
  credentials: Credentials,
): Promise<InputFiles> {
  const keys: ArchiveEntry[] = [];
  const hosts: ContainerHost[] = [];
  const all = [...connection.chain, connection.target];
  for (const [index, host] of all.entries()) {
    const block = host === connection.target ? CONTAINER_HOST_ALIAS : `hop${index + 1}`;
    const keyNames: string[] = [];
    const locked: string[] = [];
    for (const file of host.identityFiles) {
      const key = await readIfPresent(file);
      if (!key) continue;
      if (isEncryptedPrivateKey(key.toString("latin1"))) {
        locked.push(file);
        continue;
      }
      const name = `${block}_${keyNames.length}`;
      keyNames.push(name);
      keys.push({ path: `sshmount/keys/${name}`, mode: 0o600, content: key });
      const certificate = await readIfPresent(`${file}-cert.pub`);
      if (certificate) keys.push({ path: `sshmount/keys/${name}-cert.pub`, mode: 0o600, content: certificate });
    }
    const password = block === CONTAINER_HOST_ALIAS && credentials.sshPassword !== undefined;
    if (locked.length > 0 && keyNames.length === 0 && !credentials.agent && !password) {
      throw new SshmountError(
        "key-encrypted",
        `The key for ${host.alias} (${locked[0]}) needs its passphrase, and no ssh agent holds it`,
        { alias: host.alias, file: locked[0] },
      );
    }
    hosts.push({ block, host, keyNames });
  }
  const config = renderContainerSshConfig(hosts, {
    agent: credentials.agent,
    password: credentials.sshPassword !== undefined,
  });
  const sshPassword =
    credentials.sshPassword === undefined
      ? []
      : [
          { path: "sshmount/ssh_password", mode: 0o600, content: credentials.sshPassword },
          { path: "sshmount/ssh_password_for", mode: 0o600, content: passwordPromptTarget(connection.target) },
        ];
  return {
    hosts,
    knownHosts,
    entries: [
      { path: "sshmount/", mode: 0o700 },
      { path: "sshmount/ssh_config", mode: 0o600, content: config },
      knownHostsEntry(knownHosts),
      { path: "sshmount/smb_password", mode: 0o600, content: smbPassword },
      ...sshPassword,
      { path: "sshmount/keys/", mode: 0o700 },
      ...keys,
    ],
  };
}
