/**
 * What the helper and the mount image (assets/container) agree on: the labels that say what a container
 * is, where its inputs go, the port Samba serves, the ssh settings of every connection and the
 * environment the image's scripts read. The scripts hold no copy: every value they share with the
 * helper reaches them in the environment built here (mountEnv, scanEnv).
 */
import type { EngineProduct } from "../docker/engine-product";

/**
 * Where Finder metadata lives. "mac": in the mount's container, for as long as its sshfs runs (a
 * restart or remount loses it, nothing lands on the server). "server": resource forks also as "._"
 * AppleDouble files beside each file on the server, where they outlive the container, at the cost of
 * one more lookup per entry in every listing; Finder info and tags stay with the container either way.
 */
export const METADATA_STORES = ["mac", "server"] as const;
export type MetadataStore = (typeof METADATA_STORES)[number];
export const isMetadataStore = (value: unknown): value is MetadataStore =>
  (METADATA_STORES as readonly unknown[]).includes(value);

/** The labels sshmount's containers carry; a container is what its role label says. */
export const LABEL = {
  role: "sshmount.role",
  name: "sshmount.name",
  alias: "sshmount.alias",
  remotePath: "sshmount.remote-path",
  sshConfig: "sshmount.ssh-config",
  destination: "sshmount.destination",
  smbUser: "sshmount.smb-user",
  created: "sshmount.created",
  metadata: "sshmount.metadata",
  /** The IPv4 address the mount keeps on its network across restarts, so its smb:// URL stays valid. */
  address: "sshmount.address",
} as const;

export const ROLE = { mount: "mount", hostKeyScan: "host-key-scan" } as const;

/** The engine's label filter for containers of one role. */
export function roleFilter(role: string): string {
  return `${LABEL.role}=${role}`;
}

/** Where putArchive unpacks a container's inputs; archive entries are paths below it. */
export const ARCHIVE_ROOT = "/etc";
const INPUT_FOLDER = "sshmount";
/** The folder of a container's inputs, root-only. */
export const INPUT_DIR = `${ARCHIVE_ROOT}/${INPUT_FOLDER}`;

/** The input files, by their names in INPUT_DIR. */
export const INPUT = {
  sshConfig: "ssh_config",
  knownHosts: "known_hosts",
  smbPassword: "smb_password",
  sshPassword: "ssh_password",
  sshPasswordFor: "ssh_password_for",
  keys: "keys",
} as const;

/** An input's path in the archive the helper puts at ARCHIVE_ROOT. */
export function inputEntry(name: string): string {
  return `${INPUT_FOLDER}/${name}`;
}

/** An input's path inside the container. */
export function inputPath(name: string): string {
  return `${INPUT_DIR}/${name}`;
}

/** The port smbd serves in the container, published on 127.0.0.1. */
export const SMB_PORT = 445;
/** The key of SMB_PORT in Docker's port maps (ExposedPorts, PortBindings, NetworkSettings.Ports). */
export const SMB_PORT_KEY = `${SMB_PORT}/tcp`;

/**
 * The ssh settings of every connection, in the ssh config the container gets (sshfs runs ssh with it).
 * ServerAlive 5 s × 3: a server that vanished (laptop changed networks, server powered off) is noticed
 * within 15 s, so reads fail and sshfs reconnects instead of hanging for 45 s. The cipher list puts the
 * fastest first without dropping the defaults a server may need.
 */
export const SSH_SETTINGS = {
  ServerAliveInterval: "5",
  ServerAliveCountMax: "3",
  Ciphers: "^aes128-gcm@openssh.com",
  Compression: "no",
} as const;

/** Where the forwarded ssh agent's socket is mounted in the container. */
export const AGENT_SOCKET = "/run/sshmount/agent.sock";
/** The target's Host block in the container's ssh config, the host sshfs mounts from. */
export const TARGET_HOST = "target";
/** What the target's ssh prints on stderr once logged in, before any output of the session. */
export const LOGGED_IN_MARKER = "logged in";
/** Where the host-key scan writes the key it found: its only result, never its log. */
export const SCAN_RESULT_FILE = "/run/sshmount-hostkey";

/** The environment of a host-key scan container (assets/container/hostkey-scan.sh). */
export function scanEnv(): string[] {
  return [`SSHMOUNT_INPUT_DIR=${INPUT_DIR}`, `SSHMOUNT_SCAN_RESULT=${SCAN_RESULT_FILE}`];
}

export interface MountEnvOptions {
  share: string;
  remotePath: string;
  /** The engine's product as the helper detected it; the entrypoint lets OrbStack's Mac in only there. */
  product: EngineProduct;
  /** The agent's socket is mounted at AGENT_SOCKET. */
  agent: boolean;
  metadata: MetadataStore;
}

/**
 * The environment of a mount container (assets/container/entrypoint.sh lists what it reads); its
 * askpass program and its health check read it too.
 */
export function mountEnv(options: MountEnvOptions): string[] {
  return [
    `SSHMOUNT_INPUT_DIR=${INPUT_DIR}`,
    `SSHMOUNT_SMB_PORT=${SMB_PORT}`,
    `SSHMOUNT_SSH_HOST=${TARGET_HOST}`,
    `SSHMOUNT_LOGGED_IN=${LOGGED_IN_MARKER}`,
    `SSHMOUNT_SHARE=${options.share}`,
    `SSHMOUNT_REMOTE_PATH=${options.remotePath}`,
    ...(options.agent ? [`SSH_AUTH_SOCK=${AGENT_SOCKET}`] : []),
    `SSHMOUNT_RUNTIME=${options.product}`,
    `SSHMOUNT_METADATA=${options.metadata}`,
  ];
}
