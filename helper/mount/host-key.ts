import { createTar } from "../docker/archive";
import { containerLogs } from "../docker/containers";
import type { PresentedHostKey } from "../errors";
import type { Runtime } from "../runtime";
import { CONTAINER_HOST_ALIAS } from "../ssh/container-config";
import { fingerprintOf } from "../ssh/known-hosts";
import type { SshHostOptions } from "../ssh/options";
import { hasControlCharacters } from "../text";
import { withTimeout } from "../timeout";
import { checkAborted, RemovedOnAbort, untilAborted } from "./cancel";
import type { InputFiles } from "./inputs";

export interface ScannedHostKey extends PresentedHostKey {
  keyBase64: string;
  /** The host (target or jump host) that presented it, as ssh -G resolved it. */
  owner: SshHostOptions;
}

/** Key types as OpenSSH names them (ssh-ed25519, ecdsa-sha2-nistp256, sk-ssh-ed25519@openssh.com). */
const keyTypePattern = /^[a-z0-9][a-z0-9@.-]{0,63}$/;
const base64Pattern = /^[A-Za-z0-9+/]{16,16384}={0,2}$/;

/** Every hop waits at most ConnectTimeout (≤ 20 s); this bounds the whole scan. */
const SCAN_TIMEOUT_MS = 90_000;

/**
 * Asks the first host of the connection whose key is unknown for its key, from a short-lived container
 * with the mount's own inputs, so it resolves names and passes jump hosts exactly as the mount does.
 * Nothing logs in. Undefined when no key could be read (the host went away, every key is known). An
 * abort removes the scan container at once and rejects with `cancelled`.
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
    Labels: { "sshmount.role": "host-key-scan" },
    Entrypoint: ["/usr/bin/tini", "--", "/usr/local/bin/sshmount-hostkey"],
    Cmd: inputs.hosts.map((host) => host.block),
    Healthcheck: { Test: ["NONE"] },
    HostConfig: { NetworkMode: runtime.network, CapDrop: ["ALL"] },
  });
  const guard = new RemovedOnAbort(signal, runtime.endpoint, container);
  try {
    await container.putArchive(createTar(inputs.entries), { path: "/etc" });
    checkAborted(signal);
    await container.start();
    await withTimeout(untilAborted(container.wait(), signal), SCAN_TIMEOUT_MS);
    const match = /^sshmount: hostkey: (\S+) (\S+) (\S+) (\S+)/m.exec(await containerLogs(container));
    if (!match) return undefined;
    const [, block, name, type, keyBase64] = match;
    const owner = inputs.hosts.find((host) => host.block === block)?.host;
    // The line is the remote host's answer: it is shown to the user and written to known_hosts.
    if (!owner || hasControlCharacters(name) || !keyTypePattern.test(type) || !base64Pattern.test(keyBase64)) {
      return undefined;
    }
    return {
      host: name,
      type,
      fingerprint: fingerprintOf(keyBase64),
      keyBase64,
      owner,
      ...(block === CONTAINER_HOST_ALIAS ? {} : { jumpHost: owner.alias }),
    };
  } finally {
    await guard.remove();
  }
}
