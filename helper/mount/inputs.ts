import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import type { ArchiveEntry } from "../docker/archive";
import { SshmountError } from "../errors";
import { INPUT, inputEntry, TARGET_HOST } from "../container/contract";
import { renderContainerSshConfig, type ContainerHost } from "../ssh/container-config";
import { isCertificate, isEncryptedPrivateKey, isPrivateKey, isPublicKey, usesAuthSockAgent } from "../ssh/keys";
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
  /** The user's SSH_AUTH_SOCK, when that agent can be forwarded to the container. */
  agent?: string;
  /** The target's login password, answered by the container's askpass program. */
  sshPassword?: string;
}

export interface InputFiles {
  entries: ArchiveEntry[];
  hosts: ContainerHost[];
  /** The known_hosts lines of every host of the connection, as the container gets them. */
  knownHosts: string[];
  /** Some host signs with the agent, so its socket must be mounted at AGENT_SOCKET. */
  agent: boolean;
}

/**
 * The prompt ssh shows for this host's password: "user@host's password:" or "(user@host) Password:",
 * where host is the HostKeyAlias when there is one.
 */
function passwordPromptTarget(host: SshHostOptions): string {
  return `${host.user}@${host.hostKeyAlias ?? host.hostName}`;
}

function knownHostsEntry(lines: string[]): ArchiveEntry {
  return { path: inputEntry(INPUT.knownHosts), mode: 0o600, content: lines.map((line) => `${line}\n`).join("") };
}

/**
 * The files a host-key scan starts from: the connection's ssh config and known_hosts, and the jump
 * hosts' identity files, which the ProxyJump ssh needs to forward the scan to the next host. Never the
 * target's keys, its password, the SMB password or the agent: the scanned host gets no login attempt
 * (hostkey-scan.sh turns every method off), and a jump host only what the mount would give it.
 */
export function buildScanInputFiles(inputs: InputFiles): ArchiveEntry[] {
  const hosts = inputs.hosts.map((host) =>
    host.block === TARGET_HOST ? { ...host, keyNames: [], agent: false } : { ...host, agent: false },
  );
  const keyFiles = new Set(
    hosts.flatMap(({ keyNames }) =>
      keyNames.flatMap((name) => [inputEntry(`${INPUT.keys}/${name}`), inputEntry(`${INPUT.keys}/${name}-cert.pub`)]),
    ),
  );
  return [
    { path: inputEntry(""), mode: 0o700 },
    {
      path: inputEntry(INPUT.sshConfig),
      mode: 0o600,
      content: renderContainerSshConfig(hosts, { password: false }),
    },
    knownHostsEntry(inputs.knownHosts),
    { path: `${inputEntry(INPUT.keys)}/`, mode: 0o700 },
    ...inputs.entries.filter((entry) => keyFiles.has(entry.path)),
  ];
}

/**
 * The files a mount container starts from (see assets/container/entrypoint.sh): ssh config, known_hosts, the
 * identity files ssh -G names that exist, are private keys and need no passphrase (with their
 * certificates), the SMB password and, for password logins, the ssh password. All root-owned and 0600,
 * because ssh refuses keys other users could read. A host uses the agent only where ssh would: not with
 * IdentityAgent none (or another agent), and with IdentitiesOnly only for the keys its IdentityFiles
 * name, whose public halves then go in so ssh can pick them from the agent.
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
    const block = host === connection.target ? TARGET_HOST : `hop${index + 1}`;
    const offersAgent = credentials.agent !== undefined && usesAuthSockAgent(host.identityAgent, credentials.agent);
    const keyNames: string[] = [];
    const locked: string[] = [];
    let agentKeys = 0;
    const add = (content: Buffer, suffix = "") => {
      const name = `${block}_${keyNames.length}`;
      keyNames.push(name);
      keys.push({ path: inputEntry(`${INPUT.keys}/${name}${suffix}`), mode: 0o600, content });
      return name;
    };
    // ssh reads NAME.pub when NAME is absent, and signs with the agent's copy of that key.
    const addAgentKey = (publicKey: Buffer | undefined) => {
      if (!offersAgent || !publicKey || !isPublicKey(publicKey.toString("latin1"))) return;
      add(publicKey, ".pub");
      agentKeys++;
    };
    for (const file of host.identityFiles) {
      const key = await readIfPresent(file);
      const text = key?.toString("latin1") ?? "";
      if (!key || !isPrivateKey(text)) {
        // IdentityFile ~/.ssh/key.pub names a key that only the agent holds.
        addAgentKey(key);
        continue;
      }
      if (isEncryptedPrivateKey(text)) {
        locked.push(file);
        addAgentKey(offersAgent ? await readIfPresent(`${file}.pub`) : undefined);
        continue;
      }
      const name = add(key);
      const certificate = await readIfPresent(`${file}-cert.pub`);
      if (certificate && isCertificate(certificate.toString("latin1"))) {
        keys.push({ path: inputEntry(`${INPUT.keys}/${name}-cert.pub`), mode: 0o600, content: certificate });
      }
    }
    const agent = offersAgent && (!host.identitiesOnly || agentKeys > 0);
    const password = block === TARGET_HOST && credentials.sshPassword !== undefined;
    if (locked.length > 0 && keyNames.length === agentKeys && !agent && !password) {
      throw new SshmountError(
        "key-encrypted",
        `The key for ${host.alias} (${locked[0]}) needs its passphrase, and no ssh agent holds it`,
        { alias: host.alias, file: locked[0] },
      );
    }
    hosts.push({ block, host, keyNames, agent });
  }
  const config = renderContainerSshConfig(hosts, { password: credentials.sshPassword !== undefined });
  const sshPassword =
    credentials.sshPassword === undefined
      ? []
      : [
          { path: inputEntry(INPUT.sshPassword), mode: 0o600, content: credentials.sshPassword },
          { path: inputEntry(INPUT.sshPasswordFor), mode: 0o600, content: passwordPromptTarget(connection.target) },
        ];
  return {
    hosts,
    knownHosts,
    agent: hosts.some((host) => host.agent),
    entries: [
      { path: inputEntry(""), mode: 0o700 },
      { path: inputEntry(INPUT.sshConfig), mode: 0o600, content: config },
      knownHostsEntry(knownHosts),
      { path: inputEntry(INPUT.smbPassword), mode: 0o600, content: smbPassword },
      ...sshPassword,
      { path: `${inputEntry(INPUT.keys)}/`, mode: 0o700 },
      ...keys,
    ],
  };
}
