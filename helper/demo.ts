import fs from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { LABEL } from "./container/contract";
import { createTar, type ArchiveEntry } from "./docker/archive";
import { containerLogs, removeContainer } from "./docker/containers";
import { ensureImage } from "./docker/image";
import { ensureNetwork } from "./docker/network";
import { SshmountError } from "./errors";
import { ensurePrivateDir, isOwnKeyFile, pathExists, writeFileAtomically } from "./files";
import { mount, unmount } from "./mount/mounts";
import type { MountInfo, MountOptions } from "./mount/types";
import { cacheDir, type Runtime } from "./runtime";

export const DEMO_IMAGE = "sshmount-demo-sshd";
const DEMO_ROLE = "demo-server";

interface DemoServerOptions {
  /** Container name, also the host name other containers on the network reach it by. */
  serverName?: string;
  /** Alias written into the generated ssh config. */
  alias?: string;
  /** Where keys, known_hosts and the ssh config are kept; the user's ~/.ssh is never touched. */
  stateDir?: string;
  onProgress?: MountOptions["onProgress"];
}

/**
 * How a server made from the demo image differs from the demo's own: the e2e tests' servers
 * (test/e2e/servers.ts) set the environment and the files in /etc that demo/sshd/entrypoint.sh reads.
 */
export interface DemoServerVariant {
  /** Whether the generated client key logs in, as it does on the demo's own server. */
  clientKey?: boolean;
  env?: string[];
  /** Put under /etc before sshd starts. */
  files?: ArchiveEntry[];
  /** The Docker network it joins instead of the mount network, and more it is also on. */
  network?: string;
  alsoOn?: string[];
}

export interface DemoServer {
  serverName: string;
  alias: string;
  sshConfig: string;
  stateDir: string;
  /** The client's private key, for tests that need a second identity. */
  identityFile: string;
  hostPublicKey: string;
}

function defaultDemoStateDir(runtime: Pick<Runtime, "env" | "home">): string {
  return path.join(cacheDir(runtime), "demo");
}

/**
 * A key pair in `file` and `file.pub`; a lost .pub is derived again from the private key, which is what
 * counts. A key file there is reused only when it is one ssh-keygen made for us (isOwnKeyFile).
 */
async function ensureKey(runtime: Runtime, file: string, comment: string): Promise<void> {
  if (await isOwnKeyFile(file)) {
    if (await pathExists(`${file}.pub`)) return;
    const derived = await runtime.run("ssh-keygen", ["-y", "-f", file]);
    if (derived.exitCode !== 0) throw new Error(`ssh-keygen -y -f ${file} failed: ${derived.stderr.trim()}`);
    await writeFileAtomically(`${file}.pub`, `${derived.stdout.trim()} ${comment}\n`, 0o644);
    return;
  }
  // ssh-keygen would ask before overwriting a .pub left without its key.
  await fs.rm(`${file}.pub`, { force: true });
  const result = await runtime.run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file]);
  if (result.exitCode !== 0) throw new Error(`ssh-keygen failed: ${result.stderr.trim()}`);
}

function quote(value: string): string {
  return `"${value}"`;
}

async function waitForSshd(runtime: Runtime, id: string): Promise<void> {
  const container = runtime.docker.getContainer(id);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const state = (await container.inspect()).State;
    const log = await containerLogs(container);
    if (/Server listening on/.test(log)) return;
    if (!state.Running)
      throw new SshmountError("mount-failed", "The demo SSH server did not start", { detail: log.trim() });
    await sleep(100);
  }
  throw new SshmountError("timeout", "The demo SSH server did not start within 20 s", {});
}

/**
 * The container named `serverName` when it is a demo server (undefined when there is none): a
 * container of that name made by anything else is not removed in its place but refused.
 */
async function ownDemoServer(runtime: Runtime, serverName: string) {
  const info = await runtime.docker
    .getContainer(serverName)
    .inspect()
    .catch(() => undefined);
  if (info && info.Config.Labels?.[LABEL.role] !== DEMO_ROLE) {
    throw new SshmountError(
      "name-taken",
      `A container named ${serverName} exists that is not sshmount's demo server: remove or rename it (docker rm ${serverName}) if it is not needed`,
      { name: serverName },
    );
  }
  return info;
}

/**
 * Starts a throwaway OpenSSH server with sample files on the mount network, with a client key and a
 * pinned host key generated here, so the demo keeps StrictHostKeyChecking on like any real host.
 */
export async function startDemoServer(
  runtime: Runtime,
  options: DemoServerOptions = {},
  variant: DemoServerVariant = {},
): Promise<DemoServer> {
  const serverName = options.serverName ?? "sshmount-demo-server";
  const alias = options.alias ?? "sshmount-demo";
  const stateDir = options.stateDir ?? defaultDemoStateDir(runtime);
  // The default state lives in sshmount's cache folder, which must be as private as the state itself.
  if (!options.stateDir) await ensurePrivateDir(cacheDir(runtime));
  await ensurePrivateDir(stateDir);
  const identityFile = path.join(stateDir, "id_ed25519");
  const hostKey = path.join(stateDir, "ssh_host_ed25519_key");
  await ensureKey(runtime, identityFile, "sshmount-demo-client");
  await ensureKey(runtime, hostKey, "sshmount-demo-host");
  const clientPublicKey = (await fs.readFile(`${identityFile}.pub`, "utf8")).trim();
  const hostPublicKey = (await fs.readFile(`${hostKey}.pub`, "utf8")).trim();
  const [keyType, keyData] = hostPublicKey.split(/\s+/);
  const knownHosts = path.join(stateDir, "known_hosts");
  await writeFileAtomically(knownHosts, `${serverName} ${keyType} ${keyData}\n`, 0o600);
  const sshConfig = path.join(stateDir, "ssh_config");
  await writeFileAtomically(
    sshConfig,
    [
      `Host ${alias}`,
      `  HostName ${serverName}`,
      "  User demo",
      `  IdentityFile ${quote(identityFile)}`,
      "  IdentitiesOnly yes",
      `  UserKnownHostsFile ${quote(knownHosts)}`,
      "",
    ].join("\n"),
    0o600,
  );

  const image = await ensureImage(runtime.docker, {
    dir: path.join(runtime.packageRoot, "demo", "sshd"),
    repository: DEMO_IMAGE,
    onProgress: ({ build }) =>
      options.onProgress?.({
        step: "image",
        message: "Building the demo server image (first run only)",
        ...(build ? { build } : {}),
      }),
  });
  const network = variant.network ?? runtime.network;
  await ensureNetwork(runtime.docker, network);
  const running = await ownDemoServer(runtime, serverName);
  // A server already running this image keeps serving the mounts that use it.
  if (running?.State.Running && running.Config.Image === image.tag) {
    return { serverName, alias, sshConfig, stateDir, identityFile, hostPublicKey };
  }
  await removeContainer(runtime.docker.getContainer(serverName));
  const container = await runtime.docker.createContainer({
    name: serverName,
    Image: image.tag,
    Labels: { [LABEL.role]: DEMO_ROLE },
    Env: [`AUTHORIZED_KEYS=${variant.clientKey === false ? "" : clientPublicKey}`, ...(variant.env ?? [])],
    // The demo's stand-in for a remote host: like one, it is back after the engine restarts.
    HostConfig: { NetworkMode: network, RestartPolicy: { Name: "unless-stopped", MaximumRetryCount: 0 } },
  });
  try {
    for (const other of variant.alsoOn ?? []) {
      await ensureNetwork(runtime.docker, other);
      await runtime.docker.getNetwork(other).connect({ Container: container.id });
    }
    await container.putArchive(
      createTar([
        { path: "ssh/ssh_host_ed25519_key", mode: 0o600, content: await fs.readFile(hostKey) },
        { path: "ssh/ssh_host_ed25519_key.pub", mode: 0o644, content: `${hostPublicKey}\n` },
        ...(variant.files ?? []),
      ]),
      { path: "/etc" },
    );
    await container.start();
    await waitForSshd(runtime, container.id);
  } catch (error) {
    await removeContainer(container);
    throw error;
  }
  return { serverName, alias, sshConfig, stateDir, identityFile, hostPublicKey };
}

async function stopDemoServer(runtime: Runtime, serverName = "sshmount-demo-server"): Promise<void> {
  if (await ownDemoServer(runtime, serverName)) await removeContainer(runtime.docker.getContainer(serverName));
}

const DEMO_MOUNT_NAME = "demo";

/** `sshmount demo`: the demo server, mounted as "demo". */
export async function demo(
  runtime: Runtime,
  options: Pick<MountOptions, "onProgress" | "signal"> = {},
): Promise<MountInfo> {
  const server = await startDemoServer(runtime, { onProgress: options.onProgress });
  try {
    return await mount(runtime, server.alias, "", { ...options, name: DEMO_MOUNT_NAME, sshConfig: server.sshConfig });
  } catch (error) {
    await stopDemoServer(runtime, server.serverName);
    throw error;
  }
}

/** Removes the demo mount and its server. */
export async function stopDemo(runtime: Runtime): Promise<void> {
  await unmount(runtime, DEMO_MOUNT_NAME).catch((error) => {
    if (!(error instanceof SshmountError && error.kind === "not-found")) throw error;
  });
  await stopDemoServer(runtime);
}
