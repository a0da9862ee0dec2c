import { pathExists } from "../files";
import type { CommandRunner } from "../process";
import type { SshHostOptions } from "./options";

/** The name ssh looks up in known_hosts: HostKeyAlias verbatim, else `host` or `[host]:port` off port 22. */
export function knownHostsName(host: Pick<SshHostOptions, "hostName" | "port" | "hostKeyAlias">): string {
  if (host.hostKeyAlias) return host.hostKeyAlias;
  return host.port === 22 ? host.hostName : `[${host.hostName}]:${host.port}`;
}

/** `ssh-keygen -F` output: `# Host … found: line N` comments around the matching lines, hashed ones verbatim. */
export function parseKeygenFind(stdout: string): string[] {
  return stdout
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
}

/**
 * Collects the known_hosts lines OpenSSH would trust for this host, using ssh-keygen so hashed entries
 * and markers match exactly as they do for `ssh`. The container gets these lines and nothing else.
 */
export async function knownHostLines(
  host: SshHostOptions,
  run: CommandRunner,
  exists: (file: string) => Promise<boolean> = pathExists,
): Promise<string[]> {
  const name = knownHostsName(host);
  const files = [...host.userKnownHostsFiles, ...host.globalKnownHostsFiles];
  const lines: string[] = [];
  for (const file of files) {
    if (!(await exists(file))) continue;
    const result = await run("ssh-keygen", ["-F", name, "-f", file], { timeoutMs: 10_000 });
    if (result.exitCode === 0) lines.push(...parseKeygenFind(result.stdout));
  }
  return [...new Set(lines)];
}
