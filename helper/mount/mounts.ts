import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type Docker from "dockerode";
import { createTar } from "../docker/archive";
import { containerLogs, holdStdin, isNotFound, readContainerFile, removeContainer } from "../docker/containers";
import { engineAcceptsConnections } from "../docker/engine";
import { ensureImage, type BuildStep } from "../docker/image";
import { ensureNetwork } from "../docker/network";
import { detectEngineProduct, type EngineProduct } from "../docker/engine-product";
import { freeLoopbackPort, isPortConflict } from "../docker/ports";
import { SshmountError } from "../errors";
import { reachShare, smbUrl, type ConnectionChoice } from "../network/reach";
import type { Runtime } from "../runtime";
import { classifySshFailure } from "../ssh/classify";
import { CONTAINER_AGENT_SOCKET } from "../ssh/container-config";
import { resolveJumpChain } from "../ssh/jump";
import { addKnownHost, knownHostLines } from "../ssh/known-hosts";
import { resolveHost, validateAlias, type ResolveOptions, type SshHostOptions } from "../ssh/options";
import { buildInputFiles, newSmbPassword, SMB_USER, type Connection, type InputFiles } from "./inputs";
import { containerName, defaultMountName, displayRemotePath, normalizeRemotePath, validateMountName } from "./naming";
import { latestRun, parseLog, runCount, statusFrom, type MountStatus } from "./status";
import { ejectInFinder } from "../macos/finder";
import { hasControlCharacters } from "../text";
import { withTimeout } from "../timeout";
import { refuseKnownHost, scanHostKey } from "./host-key";
import { cancelled, checkAborted, RemovedOnAbort, StoppedOnAbort } from "./cancel";

export const MOUNT_IMAGE = "sshmount";
const LABEL = {
  role: "sshmount.role",
  name: "sshmount.name",
  alias: "sshmount.alias",
  remotePath: "sshmount.remote-path",
  sshConfig: "sshmount.ssh-config",
  destination: "sshmount.destination",
  smbUser: "sshmount.smb-user",
  created: "sshmount.created",
} as const;

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

type ContainerSummary = Docker.ContainerInfo;

/** What Samba and an smb:// URL take as they are, as SMB_USER is. */
const smbUserPattern = /^[A-Za-z0-9._-]{1,64}$/;

function passes(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch {
    return false;
  }
}

/** Absent, or text that is safe to show: no control characters (a terminal escape, a newline), bounded. */
function optionalText(value: string | undefined, max: number): boolean {
  return value === undefined || (typeof value === "string" && value.length <= max && !hasControlCharacters(value));
}

/**
 * Whether a container's labels are a mount's, each passing the check its user input passes. We write
 * them, but anything with access to the engine can write a container's labels, and they go into ssh
 * -F, Finder's URL and the user's screen. A container whose labels fail is no mount of ours: lists skip
 * it, and nothing opens, starts, sweeps or removes it (by name it is "not found"), since sshmount
 * cannot know whose it is; `docker rm` stays the user's to run.
 */
export function isMountContainer(labels: Record<string, string> | undefined): boolean {
  if (labels?.[LABEL.role] !== "mount") return false;
  const { [LABEL.name]: name, [LABEL.alias]: alias, [LABEL.remotePath]: remotePath } = labels;
  const { [LABEL.sshConfig]: sshConfig, [LABEL.smbUser]: smbUser, [LABEL.created]: created } = labels;
  const strings = [name, alias, remotePath, sshConfig].every((value) => typeof value === "string");
  return (
    strings &&
    passes(() => validateMountRequest(alias, remotePath, name)) &&
    normalizeRemotePath(remotePath) === remotePath &&
    (sshConfig === "" || (path.isAbsolute(sshConfig) && path.resolve(sshConfig) === sshConfig)) &&
    optionalText(sshConfig, 4096) &&
    optionalText(labels[LABEL.destination], 1024) &&
    (smbUser === undefined || smbUserPattern.test(smbUser)) &&
    optionalText(created, 64) &&
    (created === undefined || !Number.isNaN(Date.parse(created)))
  );
}

/** A container address from the engine: an IP or nothing (it becomes an argument of `route` and a URL). */
export function containerIp(value: unknown): string | undefined {
  return typeof value === "string" && net.isIP(value) ? value : undefined;
}

/** A published port from the engine: a TCP port number or nothing. */
export function publishedPort(value: unknown): number | undefined {
  const port = typeof value === "number" ? value : /^\d{1,5}$/.test(String(value)) ? Number(value) : NaN;
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

/** Where a running mount container serves: its IP on the mount network and its port on 127.0.0.1. */
function servedAt(info: Docker.ContainerInspectInfo, network: string): { ip?: string; port?: number } {
  const published = info.NetworkSettings.Ports?.["445/tcp"]?.find((binding) => binding.HostIp === "127.0.0.1");
  return {
    ip: containerIp(info.NetworkSettings.Networks?.[network]?.IPAddress),
    port: publishedPort(published?.HostPort),
  };
}

/** Our mount containers, each with labels that pass isMountContainer. */
async function managedContainers(docker: Docker): Promise<ContainerSummary[]> {
  const all = await docker.listContainers({ all: true, filters: { label: [LABEL.role] } });
  const kept = await Promise.all(
    all.map(async (summary) => ((await abandoned(docker, summary)) ? undefined : summary)),
  );
  return kept.filter((summary) => summary && isMountContainer(summary.Labels)) as ContainerSummary[];
}

/**
 * What a mount leaves behind when the engine stopped mid-mount (or the process running it died): a
 * container created but never started, a finished host-key scan, or a mount container that never
 * served (its restart policy is still "no") and was stopped by a signal, or stopped itself when its
 * creator's stdin closed, rather than failing, which its own mount() would have cleaned up. Removed on
 * sight, so nobody ever sees it as a mount. The grace period leaves a mount that another process is
 * running right now alone.
 */
async function abandoned(docker: Docker, summary: ContainerSummary): Promise<boolean> {
  const graceMs = 120_000;
  const role = summary.Labels[LABEL.role];
  if (role !== "host-key-scan" && !isMountContainer(summary.Labels)) return false;
  if (summary.State === "running" || summary.State === "restarting" || summary.State === "paused") return false;
  const container = docker.getContainer(summary.Id);
  if (summary.State === "created") {
    if (Date.now() - summary.Created * 1000 < graceMs) return false;
  } else if (role === "host-key-scan") {
    const info = await container.inspect().catch(() => undefined);
    if (!info || Date.now() - Date.parse(info.State.FinishedAt) < graceMs) return false;
  } else {
    const info = await container.inspect().catch(() => undefined);
    if (!info || info.HostConfig.RestartPolicy?.Name !== "no") return false;
    // 409 while another process removes it ("dead or marked for removal"): not ours to sweep.
    const run = latestRun(parseLog(await containerLogs(container).catch(() => "")));
    if (run.at(-1)?.type !== "stopped" || run.some((event) => event.type === "ready")) return false;
  }
  await removeContainer(container);
  return true;
}

function sameTarget(labels: Record<string, string>, alias: string, remotePath: string, sshConfig: string): boolean {
  return (
    labels[LABEL.alias] === alias && labels[LABEL.remotePath] === remotePath && labels[LABEL.sshConfig] === sshConfig
  );
}

async function describe(runtime: Runtime, id: string, options: { password?: boolean } = {}): Promise<MountInfo> {
  const container = runtime.docker.getContainer(id);
  const info = await container.inspect();
  const labels = info.Config.Labels ?? {};
  if (!isMountContainer(labels)) throw new SshmountError("not-found", "The container is not a mount", {});
  const events = parseLog(await containerLogs(container, 200));
  const status = statusFrom(info.State, events);
  const share = labels[LABEL.name];
  const user = labels[LABEL.smbUser] ?? SMB_USER;
  const { ip, port } = servedAt(info, runtime.network);
  const reach = info.State.Running
    ? await reachShare(ip, port, {
        platform: runtime.platform,
        run: runtime.run,
        mode: runtime.connection,
      })
    : undefined;
  const endpoint = reach?.endpoint;
  const smb: SmbInfo = {
    url: endpoint ? smbUrl(endpoint, user, share) : "",
    host: endpoint?.host ?? "",
    port: endpoint?.port ?? 0,
    share,
    user,
  };
  if (options.password) smb.password = (await readContainerFile(container, "/etc/sshmount/smb_password")).toString();
  const lastError = [...events].reverse().find((event) => event.type === "error");
  return {
    name: share,
    alias: labels[LABEL.alias],
    remotePath: displayRemotePath(labels[LABEL.remotePath] ?? ""),
    status,
    container: info.Name.replace(/^\//, ""),
    destination: labels[LABEL.destination] ?? "",
    createdAt: labels[LABEL.created] ?? info.Created,
    smb,
    ...(reach ? { connection: reach.connection } : {}),
    ...(status === "error" && lastError?.type === "error" ? { error: lastError.text } : {}),
  };
}

/** Picks the default name, adding -2, -3… when another target already holds it. */
function freeName(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let suffix = 2; ; suffix++) {
    const candidate = `${base.slice(0, 58)}-${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
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

/**
 * Waits until start number `run` of the container says "ready" (earlier starts' lines stay in the log),
 * or turns its exit into the typed error its ssh output describes.
 */
async function waitReady(
  runtime: Runtime,
  container: Docker.Container,
  run: number,
  host: SshHostOptions,
  remotePath: string,
  options: MountOptions,
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  const context = { alias: host.alias, host: host.hostName, remotePath: displayRemotePath(remotePath) };
  for (;;) {
    checkAborted(options.signal);
    const state = (await container.inspect()).State;
    const events = parseLog(await containerLogs(container));
    const current = runCount(events) >= run ? latestRun(events) : [];
    if (state.Running && statusFrom(state, current) === "ready") return;
    if (!state.Running && !state.Restarting) {
      if (current.at(-1)?.type === "stopped") throw await stoppedMidMount(runtime, host.alias);
      const sshLines = current.flatMap((event) => (event.type === "ssh" ? [event.text] : []));
      // Invalid input makes the entrypoint exit before it prints "connecting", so look past the run.
      const errorLine = [...events].reverse().find((event) => event.type === "error");
      throw classifySshFailure(sshLines, context, errorLine?.type === "error" ? errorLine.text : undefined);
    }
    if (Date.now() > deadline) {
      throw new SshmountError(
        "timeout",
        `${host.alias} did not answer within ${Math.round(timeoutMs / 1000)} s`,
        context,
      );
    }
    // Wakes on abort rather than sleeping out the interval; the check at the top then throws.
    await sleep(150, undefined, { signal: options.signal }).catch(() => undefined);
  }
}

/**
 * Starts an existing mount (restarts it too when `restart`) and waits until it serves. It is the user's
 * own mount, so an abort never removes it: one this call started is stopped again, as the user left it
 * (running on, it would retry its server in the background); one that was running is left running.
 */
async function bringUp(
  runtime: Runtime,
  container: Docker.Container,
  state: string,
  restart: boolean,
  host: SshHostOptions,
  remotePath: string,
  options: MountOptions,
): Promise<void> {
  let run = runCount(parseLog(await containerLogs(container)));
  let undo: StoppedOnAbort | undefined;
  if (state !== "running" || restart) {
    options.onProgress?.({ step: "connecting", message: `Connecting to ${host.alias}` });
    checkAborted(options.signal);
    if (state === "running") await container.restart({ t: 5 });
    else {
      await container.start();
      undo = new StoppedOnAbort(options.signal, runtime.endpoint, container);
    }
    run += 1;
  }
  try {
    await waitReady(runtime, container, run, host, remotePath, options);
  } finally {
    await undo?.settled();
  }
  // It became ready while the abort was on its way: it has been stopped again all the same.
  if (undo?.fired) throw cancelled();
}

/** The entrypoint was told to stop before it served: the engine shutting down, or a `docker stop`. */
async function stoppedMidMount(runtime: Runtime, alias: string): Promise<SshmountError> {
  if (!(await engineAcceptsConnections(runtime.endpoint, runtime.dockerClient))) {
    return new SshmountError("docker-unavailable", `The Docker engine shut down while ${alias} was being mounted`, {
      alias,
      tried: [runtime.endpoint.host],
    });
  }
  return new SshmountError("mount-failed", `The mount container of ${alias} was stopped before it connected`, {
    alias,
    detail: "stopped from outside sshmount (docker stop?)",
  });
}

/** How ssh -G is asked about a mount's hosts: the mount's own config file ("" means OpenSSH's default). */
function resolveOptionsFor(runtime: Runtime, sshConfig: string): ResolveOptions {
  return { configFile: sshConfig || undefined, run: runtime.run, env: runtime.env, home: runtime.home };
}

/** Checks what the user typed before anything starts, so bad input never costs a Docker round trip. */
export function validateMountRequest(alias: string, remotePath: string, name: string | undefined): void {
  validateAlias(alias);
  normalizeRemotePath(remotePath);
  if (name !== undefined) validateMountName(name);
}

/**
 * Mounts ALIAS:REMOTE_PATH: one container per mount, so a hung server freezes only its own share.
 * Mounting the same target again returns the existing mount (started again if it was stopped). On any
 * failure the container is removed before the typed error is thrown. An abort (options.signal) at any
 * stage before the mount is complete undoes what this call did and rejects with `cancelled`.
 */
export async function mount(
  runtime: Runtime,
  alias: string,
  remotePath: string,
  options: MountOptions = {},
): Promise<MountInfo> {
  return cancellable(options.signal, () => mountTarget(runtime, alias, remotePath, options));
}

/**
 * Once the caller has aborted, whatever the work then fails with (a 404 from the container the abort
 * removed meanwhile…) is the cancellation.
 */
async function cancellable<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw signal?.aborted ? cancelled() : error;
  }
}

async function mountTarget(
  runtime: Runtime,
  alias: string,
  remotePathInput: string,
  options: MountOptions,
): Promise<MountInfo> {
  const progress = (step: MountStep, message: string, build?: BuildStep) =>
    options.onProgress?.({ step, message, ...(build ? { build } : {}) });
  validateMountRequest(alias, remotePathInput, options.name);
  const remotePath = normalizeRemotePath(remotePathInput);
  const sshConfig = options.sshConfig ? path.resolve(options.sshConfig) : "";
  const resolveOptions = resolveOptionsFor(runtime, sshConfig);
  const host = await resolveHost(alias, resolveOptions);
  checkAborted(options.signal);
  const connection: Connection = { target: host, chain: await resolveJumpChain(host, resolveOptions) };
  checkAborted(options.signal);

  const existing = await managedContainers(runtime.docker);
  const same = existing.find(
    (summary) =>
      sameTarget(summary.Labels, alias, remotePath, sshConfig) &&
      (options.name === undefined || summary.Labels[LABEL.name] === options.name),
  );
  if (same) {
    await bringUp(runtime, runtime.docker.getContainer(same.Id), same.State, false, host, remotePath, options);
    progress("ready", "Mounted");
    return describe(runtime, same.Id, { password: true });
  }
  const taken = new Set(existing.map((summary) => summary.Labels[LABEL.name]));
  if (options.name !== undefined && taken.has(options.name)) {
    throw new SshmountError("name-taken", `A mount named "${options.name}" already exists for another host or path`, {
      name: options.name,
    });
  }
  const name = options.name ?? freeName(defaultMountName(alias, remotePath), taken);

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
  const kind = await runtimeKind(runtime);
  const smbPassword = newSmbPassword();
  const labels = {
    [LABEL.role]: "mount",
    [LABEL.name]: name,
    [LABEL.alias]: alias,
    [LABEL.remotePath]: remotePath,
    [LABEL.sshConfig]: sshConfig,
    [LABEL.destination]: `${host.user}@${host.hostName}:${host.port}`,
    [LABEL.smbUser]: SMB_USER,
    [LABEL.created]: new Date().toISOString(),
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
        { image: image.tag, name, labels, remotePath, agent: inputs.agent ? agent : undefined, inputs, host, kind },
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
  kind: EngineProduct;
}

async function runtimeKind(runtime: Runtime): Promise<EngineProduct> {
  const info = await runtime.docker.info();
  return detectEngineProduct({
    platform: runtime.platform,
    operatingSystem: info.OperatingSystem,
    name: info.Name,
    endpoint: runtime.endpoint,
  });
}

function createMountContainer(runtime: Runtime, plan: ContainerPlan, port: number): Promise<Docker.Container> {
  const { agent, name } = plan;
  return runtime.docker.createContainer({
    name: containerName(name),
    Image: plan.image,
    Labels: plan.labels,
    Env: [
      `SSHMOUNT_SHARE=${name}`,
      `SSHMOUNT_REMOTE_PATH=${plan.remotePath}`,
      ...(agent ? [`SSH_AUTH_SOCK=${CONTAINER_AGENT_SOCKET}`] : []),
      // The entrypoint lets OrbStack's address for the Mac into smbd's hosts allow only there.
      `SSHMOUNT_RUNTIME=${plan.kind}`,
    ],
    ExposedPorts: { "445/tcp": {} },
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
      PortBindings: { "445/tcp": [{ HostIp: "127.0.0.1", HostPort: String(port) }] },
      NetworkMode: runtime.network,
      RestartPolicy: { Name: "no" },
      Binds: agent ? [`${agent}:${CONTAINER_AGENT_SOCKET}`] : [],
      // A server that stays down makes the entrypoint log every retry; keep that bounded.
      LogConfig: { Type: "json-file", Config: { "max-size": "1m", "max-file": "2" } },
    },
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
    // Another program may take the chosen port before Docker binds it: pick again, a few times.
    for (let attempt = 1; ; attempt++) {
      checkAborted(signal);
      container = await createMountContainer(runtime, plan, await freeLoopbackPort());
      guard = new RemovedOnAbort(signal, runtime.endpoint, container);
      await container.putArchive(createTar(plan.inputs.entries), { path: "/etc" });
      checkAborted(signal);
      options.onProgress?.({ step: "connecting", message: `Connecting to ${plan.host.alias}` });
      // The progress callback may itself abort: a user who leaves as the toast says "Connecting".
      checkAborted(signal);
      lifeline = await holdStdin(container);
      try {
        await container.start();
        break;
      } catch (error) {
        if (!isPortConflict(error) || attempt === 3) throw error;
        lifeline.close();
        await guard.remove();
        container = undefined;
        guard = undefined;
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
    return await describe(runtime, container.id, { password: true });
  } catch (error) {
    lifeline?.close();
    // An engine that went away cannot remove anything: the next list or mount sweeps it (abandoned()).
    await guard?.remove().catch(() => undefined);
    if (error instanceof SshmountError) throw error;
    if ((error as { statusCode?: number })?.statusCode === 409) {
      throw new SshmountError(
        "name-taken",
        `The container name ${containerName(name)} is taken (a mount being created right now, or another container)`,
        { name },
      );
    }
    throw error;
  }
}

export async function list(runtime: Runtime): Promise<MountInfo[]> {
  const containers = await managedContainers(runtime.docker);
  const mounts = await Promise.all(
    containers.map((summary) =>
      describe(runtime, summary.Id).catch((error) => {
        // Removed while we looked: it is simply not a mount any more.
        if (isNotFound(error) || (error instanceof SshmountError && error.kind === "not-found")) return undefined;
        throw error;
      }),
    ),
  );
  return mounts.filter((mount): mount is MountInfo => mount !== undefined).sort((a, b) => a.name.localeCompare(b.name));
}

async function findMount(runtime: Runtime, name: string): Promise<ContainerSummary> {
  const match = (await managedContainers(runtime.docker)).find((summary) => summary.Labels[LABEL.name] === name);
  if (!match) throw new SshmountError("not-found", `There is no mount named "${name}"`, { name });
  return match;
}

export async function get(runtime: Runtime, name: string, options: { password?: boolean } = {}): Promise<MountInfo> {
  return describe(runtime, (await findMount(runtime, name)).Id, options);
}

/** The mount created most recently: what "Open Last Mount" means without keeping any state of our own. */
export async function last(runtime: Runtime): Promise<MountInfo | undefined> {
  const containers = await managedContainers(runtime.docker);
  const newest = containers.sort((a, b) =>
    (b.Labels[LABEL.created] ?? "").localeCompare(a.Labels[LABEL.created] ?? ""),
  )[0];
  return newest ? describe(runtime, newest.Id, { password: true }) : undefined;
}

/** Starts a stopped mount again and waits until it serves. */
export async function start(runtime: Runtime, name: string, options: MountOptions = {}): Promise<MountInfo> {
  const summary = await findMount(runtime, name);
  const labels = summary.Labels;
  return mount(runtime, labels[LABEL.alias], labels[LABEL.remotePath], {
    ...options,
    name,
    sshConfig: labels[LABEL.sshConfig] || undefined,
  });
}

/**
 * Ejects the share from Finder first (macOS), so Finder never shows "server disconnected", then stops
 * the container (the entrypoint unmounts cleanly on SIGTERM) and removes it. A mount that does not
 * stop in time is removed by force, so unmount never hangs.
 */
async function removeMount(runtime: Runtime, id: string): Promise<void> {
  const container = runtime.docker.getContainer(id);
  const info = await container.inspect().catch(() => undefined);
  if (info && !isMountContainer(info.Config.Labels)) return;
  if (info?.State.Running) {
    const labels = info.Config.Labels ?? {};
    const { ip, port } = servedAt(info, runtime.network);
    await ejectInFinder(
      {
        share: labels[LABEL.name],
        user: labels[LABEL.smbUser] ?? SMB_USER,
        endpoints: [...(ip ? [{ host: ip, port: 445 }] : []), ...(port ? [{ host: "127.0.0.1", port }] : [])],
      },
      runtime.platform,
      runtime.run,
    );
  }
  await withTimeout(
    container.stop({ t: 5 }).catch(() => undefined),
    15_000,
  );
  await removeContainer(container);
}

/**
 * Restarts a mount's container with the same share and password: a fresh ssh connection and sshfs,
 * for a mount stuck in "reconnecting" or after the network changed. A stopped mount simply starts.
 */
export async function remount(runtime: Runtime, name: string, options: MountOptions = {}): Promise<MountInfo> {
  const summary = await findMount(runtime, name);
  const labels = summary.Labels;
  const container = runtime.docker.getContainer(summary.Id);
  const host = await resolveHost(labels[LABEL.alias], resolveOptionsFor(runtime, labels[LABEL.sshConfig] ?? ""));
  await cancellable(options.signal, () =>
    bringUp(runtime, container, summary.State, true, host, labels[LABEL.remotePath] ?? "", options),
  );
  options.onProgress?.({ step: "ready", message: "Mounted" });
  return describe(runtime, summary.Id, { password: true });
}

export async function unmount(runtime: Runtime, name: string): Promise<string[]> {
  const summary = await findMount(runtime, name);
  await removeMount(runtime, summary.Id);
  return [name];
}

export async function unmountAll(runtime: Runtime): Promise<string[]> {
  const containers = await managedContainers(runtime.docker);
  await Promise.all(containers.map((summary) => removeMount(runtime, summary.Id)));
  return containers.map((summary) => summary.Labels[LABEL.name]).sort();
}

export async function logs(runtime: Runtime, name: string): Promise<string> {
  const summary = await findMount(runtime, name);
  return containerLogs(runtime.docker.getContainer(summary.Id));
}
