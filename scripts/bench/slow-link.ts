/**
 * The bench's slow link and its request counter. The kernel here has no netem, so a relay of our own
 * (relay/relay.py) sits between a mount and the server on the bench's Docker network, and the mount's
 * ssh config (bench-only) points at it. SFTP travels encrypted through the relay, so the requests are
 * counted where they are decoded: the server's sftp-server, logging each one at DEBUG3.
 */
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { ArchiveEntry } from "../../helper/docker/archive";

const execFileAsync = promisify(execFile);
const RELAY_IMAGE = "sshmount-bench-relay";
const RELAY_PORT = 2222;

export interface Link {
  rttMs: number;
  mbit: number;
  relay: string;
}

/** Builds the relay image and starts one relay: half the RTT each way, `mbit` each direction. */
export async function startRelay(
  packageRoot: string,
  network: string,
  name: string,
  target: string,
  rttMs: number,
  mbit: number,
): Promise<Link> {
  await execFileAsync("docker", ["build", "-q", "-t", RELAY_IMAGE, path.join(packageRoot, "scripts/bench/relay")]);
  await execFileAsync("docker", [
    "run",
    "-d",
    "--name",
    name,
    "--network",
    network,
    "--label",
    "sshmount.bench=relay",
    "-e",
    `TARGET_HOST=${target}`,
    "-e",
    `DELAY_MS=${rttMs / 2}`,
    "-e",
    `RATE_MBIT=${mbit}`,
    "-e",
    `LISTEN_PORT=${RELAY_PORT}`,
    RELAY_IMAGE,
  ]);
  return { rttMs, mbit, relay: name };
}

export async function removeRelay(name: string): Promise<void> {
  await execFileAsync("docker", ["rm", "-f", name]).catch(() => undefined);
}

/** A copy of the demo's ssh config whose Host `alias` reaches the server through the relay. */
export async function relayedSshConfig(
  demoConfig: string,
  demoAlias: string,
  server: string,
  alias: string,
  link: Link,
  file: string,
): Promise<void> {
  const text = (await fs.readFile(demoConfig, "utf8"))
    .replace(`Host ${demoAlias}\n`, `Host ${alias}\n`)
    // HostKeyAlias: known_hosts pins the server's key under the server's name, not the relay's.
    .replace(`  HostName ${server}\n`, `  HostName ${link.relay}\n  Port ${RELAY_PORT}\n  HostKeyAlias ${server}\n`);
  await fs.writeFile(file, text, { mode: 0o600 });
}

/**
 * The bench server's variant: sftp-server as an external subsystem logging every request, one log per
 * client address, so each mount (direct, or behind its relay) is counted on its own.
 */
export async function countingServerFiles(packageRoot: string): Promise<ArchiveEntry[]> {
  const config = await fs.readFile(path.join(packageRoot, "demo/sshd/sshd_config"), "utf8");
  const counted = config.replace("Subsystem sftp internal-sftp", "Subsystem sftp /etc/ssh/sftp-counted");
  if (counted === config) throw new Error("demo/sshd/sshd_config no longer says 'Subsystem sftp internal-sftp'");
  const wrapper = [
    "#!/bin/sh",
    `exec /usr/lib/openssh/sftp-server -e -l DEBUG3 2>>"/tmp/sftp-\${SSH_CONNECTION%% *}.log"`,
    "",
  ].join("\n");
  return [
    { path: "ssh/sshd_config", mode: 0o644, content: counted },
    { path: "ssh/sftp-counted", mode: 0o755, content: wrapper },
  ];
}

/** The address a container has on `network`: the server sees a mount's requests coming from it. */
export async function addressOn(container: string, network: string): Promise<string> {
  const { stdout } = await execFileAsync("docker", [
    "inspect",
    "-f",
    `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`,
    container,
  ]);
  const address = stdout.trim();
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(address)) throw new Error(`${container} has no address on ${network}`);
  return address;
}

export interface Requests {
  total: number;
  /** Requests by type ("open", "read", "lstat", …), as sftp-server names them. */
  byType: Record<string, number>;
}

/**
 * Counts the SFTP requests the server logs for one client address while `work` runs. Background
 * requests of the same mount (the entrypoint's health probe, a statvfs every few seconds) count too.
 */
export async function countRequests<T>(
  server: string,
  address: string,
  work: () => Promise<T>,
): Promise<{ value: T; requests: Requests }> {
  const log = `/tmp/sftp-${address}.log`;
  const lines = async () => {
    const { stdout } = await execFileAsync("docker", ["exec", server, "sh", "-c", `cat ${log} 2>/dev/null | wc -l`]);
    return Number(stdout.trim());
  };
  const before = await lines();
  const value = await work();
  const { stdout } = await execFileAsync(
    "docker",
    [
      "exec",
      server,
      "sh",
      "-c",
      `tail -n +${before + 1} ${log} 2>/dev/null | sed -n 's/.*request [0-9]*: \\([a-z]*\\).*/\\1/p'`,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const byType: Record<string, number> = {};
  // "request N: sent …" lines are sftp-server's replies to request N, not requests.
  for (const type of stdout.split("\n").filter((t) => t && t !== "sent")) byType[type] = (byType[type] ?? 0) + 1;
  const total = Object.values(byType).reduce((sum, n) => sum + n, 0);
  return { value, requests: { total, byType } };
}
