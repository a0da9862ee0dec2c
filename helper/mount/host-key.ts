import { ARCHIVE_ROOT, LABEL, ROLE, SCAN_RESULT_FILE, scanEnv, TARGET_HOST } from "../container/contract";
import { createTar } from "../docker/archive";
import { readContainerFile } from "../docker/containers";
import { SshmountError, type PresentedHostKey } from "../errors";
import type { Runtime } from "../runtime";
import type { ContainerHost } from "../ssh/container-config";
import { fingerprintOf, knownHostsName } from "../ssh/known-hosts";
import type { SshHostOptions } from "../ssh/options";
import { withTimeout } from "../timeout";
import { checkAborted, RemovedOnAbort, untilAborted } from "./cancel";
import { buildScanInputFiles, type InputFiles } from "./inputs";

export interface ScannedHostKey extends PresentedHostKey {
  keyBase64: string;
  /** The host (target or jump host) that presented it, as ssh -G resolved it. */
  owner: SshHostOptions;
}

/** Every hop waits at most ConnectTimeout (≤ 20 s); this bounds the whole scan. */
const SCAN_TIMEOUT_MS = 90_000;

/** The host key types OpenSSH 9.2 accepts from a server by default. */
const HOST_KEY_TYPES = new Set([
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "ssh-rsa",
]);

/** The key type an SSH public key blob names in its first field (RFC 4253 §6.6), if it is well formed. */
function blobKeyType(keyBase64: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keyBase64) || keyBase64.length % 4 !== 0) return undefined;
  const blob = Buffer.from(keyBase64, "base64");
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  if (length > blob.length - 4) return undefined;
  return blob.subarray(4, 4 + length).toString("latin1");
}

/**
 * The scan's result file (`hostkey BLOCK NAME TYPE KEY`), checked field by field: a block of this
 * connection, the name ssh files that host's key under, a host key type OpenSSH offers and a key
 * blob of that type. Undefined when the file holds anything else.
 */
export function parseScanResult(text: string, hosts: ContainerHost[]): ScannedHostKey | undefined {
  const lines = text.split("\n").filter((line) => line !== "");
  if (lines.length !== 1 || !lines[0].startsWith("hostkey ")) return undefined;
  const fields = lines[0].split(" ");
  if (fields.length !== 5) return undefined;
  const [, block, name, type, keyBase64] = fields;
  const owner = hosts.find((host) => host.block === block)?.host;
  if (!owner) return undefined;
  // ssh writes host names in lower case; a HostKeyAlias as given.
  const expected = knownHostsName(owner);
  if (name !== expected && name !== expected.toLowerCase()) return undefined;
  if (!HOST_KEY_TYPES.has(type) || blobKeyType(keyBase64) !== type) return undefined;
  return {
    host: expected,
    type,
    fingerprint: fingerprintOf(keyBase64),
    keyBase64,
    owner,
    ...(block === TARGET_HOST ? {} : { jumpHost: owner.alias }),
  };
}

/**
 * A scanned key of a host that already has known_hosts lines is a changed or additional key, never one
 * to offer for trust: a server that starts to present another key is what a man in the middle looks like.
 */
export function refuseKnownHost(scanned: ScannedHostKey, ownerKnownHosts: string[]): SshmountError | undefined {
  if (ownerKnownHosts.length === 0) return undefined;
  const whose = scanned.jumpHost ? `the jump host ${scanned.jumpHost}` : scanned.owner.alias;
  return new SshmountError(
    "host-key-changed",
    `${whose} presents a ${scanned.type} host key (${scanned.fingerprint}) your known_hosts does not have, although it has other keys for it: a changed or additional key, which is never trusted from here`,
    { alias: scanned.owner.alias, host: scanned.host },
  );
}

/**
 * Asks the first host of the connection whose key is unknown for its key, from a short-lived container
 * with the mount's ssh config and known_hosts, so it resolves names and passes jump hosts exactly as
 * the mount does. Nothing logs in to the scanned host. Undefined when no key could be read (the host
 * went away, every key is known). An abort removes the scan container at once and rejects with
 * `cancelled`.
 */
export async function scanHostKey(
  runtime: Runtime,
  image: string,
  inputs: InputFiles,
  signal?: AbortSignal,
): Promise<ScannedHostKey | undefined> {
  checkAborted(signal);
  const container = await runtime.docker.createContainer({
    Image: image,
    Labels: { [LABEL.role]: ROLE.hostKeyScan },
    Env: scanEnv(),
    Entrypoint: ["/usr/bin/tini", "--", "/usr/local/bin/sshmount-hostkey"],
    Cmd: inputs.hosts.map((host) => host.block),
    Healthcheck: { Test: ["NONE"] },
    HostConfig: { NetworkMode: runtime.network, CapDrop: ["ALL"], SecurityOpt: ["no-new-privileges"] },
  });
  const guard = new RemovedOnAbort(signal, runtime.endpoint, container);
  try {
    await container.putArchive(createTar(buildScanInputFiles(inputs)), { path: ARCHIVE_ROOT });
    checkAborted(signal);
    await container.start();
    await withTimeout(untilAborted(container.wait(), signal), SCAN_TIMEOUT_MS);
    const result = await readContainerFile(container, SCAN_RESULT_FILE);
    return parseScanResult(result.toString("utf8"), inputs.hosts);
  } finally {
    await guard.remove();
  }
}
