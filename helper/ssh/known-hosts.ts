import { createHash, createHmac, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { SshmountError } from "../errors";
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

/** "SHA256:…" of a base64 public key blob, exactly as ssh-keygen -l prints it. */
export function fingerprintOf(keyBase64: string): string {
  const digest = createHash("sha256").update(Buffer.from(keyBase64, "base64")).digest("base64");
  return `SHA256:${digest.replace(/=+$/, "")}`;
}

/** A host name as HashKnownHosts writes it: |1|salt|HMAC-SHA1(salt, name), both base64. */
export function hashKnownHostName(name: string, salt: Buffer = randomBytes(20)): string {
  const hmac = createHmac("sha1", salt).update(name).digest("base64");
  return `|1|${salt.toString("base64")}|${hmac}`;
}

/**
 * Appends one host key to the user's known_hosts (the first UserKnownHostsFile ssh -G names), hashed
 * when the user's ssh would hash it, creating the file and its folder as ssh does.
 */
export async function addKnownHost(
  host: Pick<SshHostOptions, "userKnownHostsFiles" | "hashKnownHosts" | "hostName" | "port" | "hostKeyAlias">,
  keyType: string,
  keyBase64: string,
): Promise<string> {
  const file = host.userKnownHostsFiles[0];
  if (!file) throw new SshmountError("unsupported", "There is no UserKnownHostsFile to add the host key to", {});
  const name = knownHostsName(host);
  const line = `${host.hashKnownHosts ? hashKnownHostName(name) : name} ${keyType} ${keyBase64}\n`;
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const current = await fs.readFile(file, "utf8").catch(() => "");
  await fs.appendFile(file, current && !current.endsWith("\n") ? `\n${line}` : line, { mode: 0o600 });
  return file;
}
