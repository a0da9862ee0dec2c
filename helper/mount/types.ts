import type { BuildStep } from "../docker/image";
import type { ConnectionChoice } from "../network/reach";
import type { MountStatus } from "./status";
import type { MetadataStore } from "../container/contract";

export const MOUNT_IMAGE = "sshmount";

export interface SmbInfo {
  url: string;
  host: string;
  port: number;
  share: string;
  user: string;
  password?: string;
}

export interface MountInfo {
  name: string;
  alias: string;
  /** As the user reads it: "~" for the home folder, "~/x" for paths relative to it. */
  remotePath: string;
  status: MountStatus;
  container: string;
  /** user@host:port as OpenSSH resolved it. */
  destination: string;
  createdAt: string;
  /** Where Finder metadata lives (label sshmount.metadata; mounts made before it existed: "mac"). */
  metadata: MetadataStore;
  smb: SmbInfo;
  /** How the URL reaches the share, and why; absent while the mount is stopped. */
  connection?: ConnectionChoice;
  /** The entrypoint's last error, for status "error". */
  error?: string;
}

/**
 * "ready" comes once the mount exists for good: cancelling after it leaves the mount in place. Clients
 * show the result they are handed next instead of its message; it is the one point to tell that apart.
 */
export type MountStep = "docker" | "image" | "network" | "connecting" | "ready";

export interface MountProgress {
  step: MountStep;
  /** A sentence for a toast title or a terminal line; it changes when the work does. */
  message: string;
  /** While the image builds: the Dockerfile step it is at, e.g. 3 of 9 (Docker's "Step 3/9 : RUN …"). */
  build?: BuildStep;
}

export interface MountOptions {
  name?: string;
  /** Where a new mount keeps Finder metadata; "mac" when not given. */
  metadata?: MetadataStore;
  /** ssh config file; OpenSSH's default (~/.ssh/config) when not given. */
  sshConfig?: string;
  onProgress?: (progress: MountProgress) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** The target's ssh login password (CLI --password-stdin, the Raycast password field). */
  password?: string;
  /**
   * Fingerprints ("SHA256:…") the user has checked: an unknown host (or jump host) presenting one of
   * them is added to the user's known_hosts and the mount goes on. Nothing else is ever trusted.
   */
  trustHostKeys?: string[];
}
