/** A new mount: the image and network it needs, its container created, started and waited for. */
import fs from "node:fs/promises";
import net from "node:net";
import type Docker from "dockerode";
import { AGENT_SOCKET, ARCHIVE_ROOT, LABEL, mountEnv, ROLE, SMB_PORT_KEY } from "../container/contract";
import { createTar } from "../docker/archive";
import { holdStdin } from "../docker/containers";
import { ensureImage, type BuildStep } from "../docker/image";
import { ensureNetwork, networkAddresses, pickAddress } from "../docker/network";
import { freeLoopbackPort, isPortConflict } from "../docker/ports";
import { detectEngineProduct, type EngineProduct } from "../docker/engine-product";
import { statusCode } from "../docker/status-code";
import { SshmountError } from "../errors";
import type { Runtime } from "../runtime";
import { addKnownHost, knownHostLines } from "../ssh/known-hosts";
import type { SshHostOptions } from "../ssh/options";
import { cancelled, checkAborted, RemovedOnAbort } from "./cancel";
import { describeMount } from "./describe";
import { refuseKnownHost, scanHostKey } from "./host-key";
import { buildInputFiles, newSmbPassword, SMB_USER, type Connection, type InputFiles } from "./inputs";
import { waitReady } from "./lifecycle";
import { containerName } from "./naming";
import type { MetadataStore } from "../container/contract";
import { MOUNT_IMAGE, type MountInfo, type MountOptions, type MountStep } from "./types";

/** A mount to create: its free name, the target as the user gave it and the hosts ssh resolved. */
export interface NewMount {
  name: string;
  alias: string;
  remotePath: string;
  sshConfig: string;
  connection: Connection;
}

function agentSource(runtime: Runtime): string | undefined {
  const socket = runtime.env.SSH_AUTH_SOCK;
  if (!socket) return undefined;
  // Docker Desktop and OrbStack forward the Mac's agent at this path inside their VM.
  return runtime.platform === "darwin" ? "/run/host-services/ssh-auth.sock" : socket;
}

async function agentAvailable(runtime: Runtime): Promise<string | undefined> {
  const source = agentSource(runtime);
  if (!source || runtime.platform === "darwin") return source;
  try {
    return (await fs.stat(source)).isSocket() ? source : undefined;
  } catch {
    return undefined;
  }
}

export async function createMount(runtime: Runtime, mount: NewMount, options: MountOptions): Promise<MountInfo> {
  const progress = (step: MountStep, message: string, build?: BuildStep) =>
    options.onProgress?.({ step, message, ...(build ? { build } : {}) });
  const { name, connection } = mount;
  const host = connection.target;
  const image = await ensureImage(runtime.docker, {
    dir: runtime.mountImageDir,
    repository: MOUNT_IMAGE,
    onProgress: ({ build }) => progress("image", "Building the container image (first run only)", build),
    signal: options.signal,
  });
  checkAborted(options.signal);
  progress("network", "Preparing the network");
  await ensureNetwork(runtime.docker, runtime.network);

  const agent = await agentAvailable(runtime);
  const product = await engineProductOf(runtime);
  const smbPassword = newSmbPassword();
  const metadata = options.metadata ?? "mac";
  const labels = {
    [LABEL.role]: ROLE.mount,
    [LABEL.name]: name,
    [LABEL.alias]: mount.alias,
    [LABEL.remotePath]: mount.remotePath,
    [LABEL.sshConfig]: mount.sshConfig,
    [LABEL.destination]: `${host.user}@${host.hostName}:${host.port}`,
    [LABEL.smbUser]: SMB_USER,
    [LABEL.created]: new Date().toISOString(),
    [LABEL.metadata]: metadata,
  };
  // Each trusted key lets the next host of the chain be reached, so one pass per host at most.
  for (let pass = 0; ; pass++) {
    const knownHosts = await Promise.all([...connection.chain, host].map((each) => knownHostLines(each, runtime.run)));
    const inputs = await buildInputFiles(connection, [...new Set(knownHosts.flat())], smbPassword, {
      agent: agent ? runtime.env.SSH_AUTH_SOCK : undefined,
      sshPassword: options.password,
    });
    checkAborted(options.signal);
    try {
      return await startMountContainer(
        runtime,
        {
          image: image.tag,
          name,
          labels,
          remotePath: mount.remotePath,
          agent: inputs.agent ? agent : undefined,
          inputs,
          host,
          product,
          metadata,
        },
        options,
      );
    } catch (error) {
      if (!(error instanceof SshmountError) || error.kind !== "host-key-unknown" || pass > connection.chain.length) {
        throw error;
      }
      await trustOrExplain(runtime, image.tag, inputs, error, options);
    }
  }
}

/**
 * An unknown host key: scan what the host presents and either add it to the user's known_hosts (when
 * the user gave exactly this fingerprint) or throw an error that carries it for the user to check.
 */
async function trustOrExplain(
  runtime: Runtime,
  image: string,
  inputs: InputFiles,
  error: SshmountError,
  options: MountOptions,
): Promise<void> {
  const scanned = await scanHostKey(runtime, image, inputs, options.signal);
  if (!scanned) throw error;
  const refused = refuseKnownHost(scanned, await knownHostLines(scanned.owner, runtime.run));
  if (refused) throw refused;
  const { keyBase64, owner, ...hostKey } = scanned;
  if (options.trustHostKeys?.includes(hostKey.fingerprint)) {
    await addKnownHost(owner, hostKey.type, keyBase64);
    return;
  }
  const whose = hostKey.jumpHost ? `the jump host ${hostKey.jumpHost}` : (error.facts.alias ?? hostKey.host);
  const given = options.trustHostKeys?.length
    ? `, not ${options.trustHostKeys.join(" or ")}: nothing was added to known_hosts`
    : "";
  throw new SshmountError(
    "host-key-unknown",
    `The host key of ${whose} is not in your known_hosts; it presents ${hostKey.type} ${hostKey.fingerprint}${given}`,
    { ...error.facts, detail: undefined, hostKey },
  );
}

interface ContainerPlan {
  image: string;
  name: string;
  labels: Record<string, string>;
  remotePath: string;
  agent: string | undefined;
  inputs: InputFiles;
  host: SshHostOptions;
  product: EngineProduct;
  metadata: MetadataStore;
}

async function engineProductOf(runtime: Runtime): Promise<EngineProduct> {
  const info = await runtime.docker.info();
  return detectEngineProduct({
    platform: runtime.platform,
    operatingSystem: info.OperatingSystem,
    name: info.Name,
    endpoint: runtime.endpoint,
  });
}

/**
 * The address a new mount keeps on its network (pickAddress): Finder's volume and a copied URL hold the
 * container IP, which the engine would otherwise hand out afresh on every start, in start order.
 * Undefined on a network whose subnet the engine chose (made by an older sshmount): no fixed address
 * is allowed there.
 */
async function fixedAddress(runtime: Runtime, spread = 1): Promise<string | undefined> {
  const addressing = await networkAddresses(runtime.docker, runtime.network);
  if (!addressing) return undefined;
  // Stopped mounts are not on the network's list, yet their address is theirs.
  const mounts = await runtime.docker.listContainers({ all: true, filters: { label: [LABEL.address] } });
  const kept = mounts.map((summary) => summary.Labels[LABEL.address]).filter((address) => net.isIPv4(address ?? ""));
  return pickAddress(addressing.subnet, new Set([...addressing.inUse, ...kept]), spread);
}

/** The engine's refusal of a fixed address on a network whose subnet it chose itself. */
function isUnpinnableNetwork(error: unknown): boolean {
  return /user configured subnets/i.test(String((error as Error)?.message ?? error));
}

function createMountContainer(
  runtime: Runtime,
  plan: ContainerPlan,
  port: number,
  address: string | undefined,
): Promise<Docker.Container> {
  const { agent, name } = plan;
  return runtime.docker.createContainer({
    name: containerName(name),
    Image: plan.image,
    Labels: { ...plan.labels, ...(address ? { [LABEL.address]: address } : {}) },
    Env: mountEnv({
      share: name,
      remotePath: plan.remotePath,
      product: plan.product,
      agent: Boolean(agent),
      metadata: plan.metadata,
    }),
    ExposedPorts: { [SMB_PORT_KEY]: {} },
    // The creator's lifeline (startMountContainer): the entrypoint stops at EOF on it before "ready".
    OpenStdin: true,
    StdinOnce: true,
    AttachStdin: true,
    HostConfig: {
      // Measured from none: SYS_ADMIN for sshfs's mount(2) and fusermount3 -u (else "fusermount3: mount
      // failed: Operation not permitted"); SETGID and SETUID for smbd, which takes on the SMB user's ids
      // (else it panics: "sys_setgroups failed", then "failed to set uid"). Port 445 needs no
      // NET_BIND_SERVICE: Docker (20.10+) sets ip_unprivileged_port_start=0 in a container's network.
      CapDrop: ["ALL"],
      CapAdd: ["SYS_ADMIN", "SETGID", "SETUID"],
      // Everything runs as root, so no setuid program (fusermount3) is needed.
      SecurityOpt: ["no-new-privileges"],
      Devices: [{ PathOnHost: "/dev/fuse", PathInContainer: "/dev/fuse", CgroupPermissions: "rwm" }],
      PortBindings: { [SMB_PORT_KEY]: [{ HostIp: "127.0.0.1", HostPort: String(port) }] },
      NetworkMode: runtime.network,
      RestartPolicy: { Name: "no" },
      Binds: agent ? [`${agent}:${AGENT_SOCKET}`] : [],
      // A server that stays down makes the entrypoint log every retry; keep that bounded.
      LogConfig: { Type: "json-file", Config: { "max-size": "1m", "max-file": "2" } },
    },
    ...(address
      ? { NetworkingConfig: { EndpointsConfig: { [runtime.network]: { IPAMConfig: { IPv4Address: address } } } } }
      : {}),
  });
}

/** Creates and starts one mount container and waits until it serves; removes it on any failure. */
async function startMountContainer(runtime: Runtime, plan: ContainerPlan, options: MountOptions): Promise<MountInfo> {
  const { name } = plan;
  const { signal } = options;
  let container: Docker.Container | undefined;
  // Set with `container`: from its creation on, an abort removes it at once.
  let guard: RemovedOnAbort | undefined;
  // Held from before the start until the mount is complete: should this process die first, with no
  // abort (a Raycast worker terminated), the container sees EOF and stops before it ever serves.
  let lifeline: { close(): void } | undefined;
  try {
    let address = await fixedAddress(runtime);
    // Another program may take the chosen port (another mount the address) before Docker binds it:
    // pick again, a few times.
    for (let attempt = 1; ; attempt++) {
      checkAborted(signal);
      const port = await freeLoopbackPort();
      container = await createMountContainer(runtime, plan, port, address).catch((error: unknown) => {
        if (!address || !isUnpinnableNetwork(error)) throw error;
        address = undefined;
        return createMountContainer(runtime, plan, port, undefined);
      });
      guard = new RemovedOnAbort(signal, runtime.endpoint, container);
      await container.putArchive(createTar(plan.inputs.entries), { path: ARCHIVE_ROOT });
      checkAborted(signal);
      options.onProgress?.({ step: "connecting", message: `Connecting to ${plan.host.alias}` });
      // The progress callback may itself abort: a user who leaves as the toast says "Connecting".
      checkAborted(signal);
      lifeline = await holdStdin(container);
      try {
        await container.start();
        break;
      } catch (error) {
        const unpinnable = address !== undefined && isUnpinnableNetwork(error);
        if (!(isPortConflict(error) || unpinnable) || attempt === 5) throw error;
        lifeline.close();
        await guard.remove();
        container = undefined;
        guard = undefined;
        address = unpinnable ? undefined : address && (await fixedAddress(runtime, 32));
      }
    }
    await waitReady(runtime, container, 1, plan.host, plan.remotePath, options);
    // Only a mount that worked once may come back by itself after a crash or an engine restart.
    await container.update({ RestartPolicy: { Name: "unless-stopped", MaximumRetryCount: 0 } });
    // The mount is complete once this process has seen the engine acknowledge that update: an abort
    // seen before it removes the container, one after it leaves the mount as it is and this resolves.
    guard.release();
    lifeline.close();
    if (guard.fired) throw cancelled();
    options.onProgress?.({ step: "ready", message: "Mounted" });
    return await describeMount(runtime, container.id, { password: true });
  } catch (error) {
    lifeline?.close();
    // An engine that went away cannot remove anything: the next list or mount sweeps it (abandoned()).
    await guard?.remove().catch(() => undefined);
    if (error instanceof SshmountError) throw error;
    if (statusCode(error) === 409) {
      throw new SshmountError(
        "name-taken",
        `The container name ${containerName(name)} is taken (a mount being created right now, or another container)`,
        { name },
      );
    }
    throw error;
  }
}
