import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import type { ArchiveEntry } from "../docker/archive";
import { renderContainerSshConfig } from "../ssh/container-config";
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

export interface InputFiles {
  entries: ArchiveEntry[];
  keyCount: number;
}

/**
 * The files a mount container starts from (see container/entrypoint.sh): ssh config, known_hosts, the
 * identity files ssh -G names that exist (with their certificates), and the SMB password. All root-owned
 * and 0600, because ssh refuses keys other users could read.
 */
export async function buildInputFiles(
  host: SshHostOptions,
  knownHosts: string[],
  password: string,
  agent: boolean,
): Promise<InputFiles> {
  const keys: ArchiveEntry[] = [];
  const keyNames: string[] = [];
  for (const file of host.identityFiles) {
    const key = await readIfPresent(file);
    if (!key) continue;
    const name = `id_${keyNames.length}`;
    keyNames.push(name);
    keys.push({ path: `sshmount/keys/${name}`, mode: 0o600, content: key });
    const certificate = await readIfPresent(`${file}-cert.pub`);
    if (certificate) keys.push({ path: `sshmount/keys/${name}-cert.pub`, mode: 0o600, content: certificate });
  }
  const config = renderContainerSshConfig(host, { keyNames, agent });
  return {
    keyCount: keyNames.length,
    entries: [
      { path: "sshmount/", mode: 0o700 },
      { path: "sshmount/ssh_config", mode: 0o600, content: config },
      { path: "sshmount/known_hosts", mode: 0o600, content: knownHosts.map((line) => `${line}\n`).join("") },
      { path: "sshmount/smb_password", mode: 0o600, content: password },
      { path: "sshmount/keys/", mode: 0o700 },
      ...keys,
    ],
  };
}
