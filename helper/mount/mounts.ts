/**
 * The verbs over mount containers. Each looks the engine's containers up once, at its start; what the
 * user typed was checked before (validateMountRequest), and what Docker says is checked as it is read.
 */
import path from "node:path";
import type Docker from "dockerode";
import { LABEL, SMB_PORT } from "../container/contract";
import { containerLogs, isGoingAway, removeContainer } from "../docker/containers";
import { SshmountError } from "../errors";
import { ejectInFinder, finderMounts, volumeOf, type FinderVolumeTarget } from "../macos/finder";
import { sharedRouteLookup } from "../network/reach";
import type { Runtime } from "../runtime";
import { resolveJumpChain } from "../ssh/jump";
import { resolveHost, type ResolveOptions } from "../ssh/options";
import { withTimeout } from "../timeout";
import { checkAborted } from "./cancel";
import { createMount } from "./create";
import { containerIp, describeMount, isMountContainer, servedAt } from "./describe";
import { SMB_USER } from "./inputs";
import { byName, findMount, managedContainers, newest, sameTarget, type ContainerSummary } from "./inventory";
import { bringUp, cancellable } from "./lifecycle";
import { defaultMountName, freeName, normalizeRemotePath } from "./naming";
import type { MountInfo, MountOptions } from "./types";

/** How ssh -G is asked about a mount's hosts: the mount's own config file ("" means OpenSSH's default). */
function resolveOptionsFor(runtime: Runtime, sshConfig: string): ResolveOptions {
  return { configFile: sshConfig || undefined, run: runtime.run, env: runtime.env, home: runtime.home };
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
  remotePathInput: string,
  options: MountOptions = {},
): Promise<MountInfo> {
  return cancellable(options.signal, async () => {
    const remotePath = normalizeRemotePath(remotePathInput);
    const sshConfig = options.sshConfig ? path.resolve(options.sshConfig) : "";
    const resolveOptions = resolveOptionsFor(runtime, sshConfig);
    const host = await resolveHost(alias, resolveOptions);
    checkAborted(options.signal);
    const connection = { target: host, chain: await resolveJumpChain(host, resolveOptions) };
    checkAborted(options.signal);

    const existing = await managedContainers(runtime.docker);
    const same = sameTarget(existing, { alias, remotePath, sshConfig, name: options.name });
    if (same) return startExisting(runtime, same, false, options);
    const taken = new Set(existing.map((summary) => summary.Labels[LABEL.name]));
    if (options.name !== undefined && taken.has(options.name)) {
      throw new SshmountError("name-taken", `A mount named "${options.name}" already exists for another host or path`, {
        name: options.name,
      });
    }
    const name = options.name ?? freeName(defaultMountName(alias, remotePath), taken);
    return createMount(runtime, { name, alias, remotePath, sshConfig, connection }, options);
  });
}

/**
 * Brings up a mount that exists (restarts it when `restart`) with the host its labels name, and
 * describes it with its SMB password.
 */
async function startExisting(
  runtime: Runtime,
  summary: ContainerSummary,
  restart: boolean,
  options: MountOptions,
): Promise<MountInfo> {
  const labels = summary.Labels;
  const host = await resolveHost(labels[LABEL.alias], resolveOptionsFor(runtime, labels[LABEL.sshConfig]));
  const container = runtime.docker.getContainer(summary.Id);
  await bringUp(runtime, container, summary.State, restart, host, labels[LABEL.remotePath], options);
  options.onProgress?.({ step: "ready", message: "Mounted" });
  return describeMount(runtime, summary.Id, { password: true });
}

/** Every mount with its container's id, sorted by name. */
async function described(runtime: Runtime): Promise<{ id: string; mount: MountInfo }[]> {
  const containers = await managedContainers(runtime.docker);
  const ips = containers.map((summary) => containerIp(summary.NetworkSettings?.Networks?.[runtime.network]?.IPAddress));
  const early = runtime.connection === "auto" ? ips.find((ip) => ip !== undefined) : undefined;
  const routes = sharedRouteLookup(runtime.platform, runtime.run, early);
  const mounts = await Promise.all(
    containers.map((summary) =>
      describeMount(runtime, summary.Id, { routes, summary }).then(
        (mount) => ({ id: summary.Id, mount }),
        async (error) => {
          // Removed while we looked (another client's unmount): it is simply not a mount any more.
          if (error instanceof SshmountError && error.kind === "not-found") return undefined;
          if (await isGoingAway(runtime.docker.getContainer(summary.Id), error)) return undefined;
          throw error;
        },
      ),
    ),
  );
  return mounts
    .filter((each): each is { id: string; mount: MountInfo } => each !== undefined)
    .sort((a, b) => a.mount.name.localeCompare(b.mount.name));
}

export async function list(runtime: Runtime): Promise<MountInfo[]> {
  return (await described(runtime)).map((each) => each.mount);
}

/**
 * The mount to open, with its SMB password: the one named, or the one created last when `name` is
 * undefined (none yet: undefined). A stopped mount, or one that failed, is started first and waited for.
 */
export async function openable(
  runtime: Runtime,
  name: string | undefined,
  options: MountOptions = {},
): Promise<MountInfo | undefined> {
  const containers = await managedContainers(runtime.docker);
  const summary = name === undefined ? newest(containers) : byName(containers, name);
  if (!summary) return undefined;
  const found = await describeMount(runtime, summary.Id, { password: true });
  if (found.status !== "stopped" && found.status !== "error") return found;
  return cancellable(options.signal, () => startExisting(runtime, summary, false, options));
}

/**
 * Restarts a mount's container with the same share and password: a fresh ssh connection and sshfs,
 * for a mount stuck in "reconnecting" or after the network changed. A stopped mount simply starts.
 */
export async function remount(runtime: Runtime, name: string, options: MountOptions = {}): Promise<MountInfo> {
  const summary = await findMount(runtime.docker, name);
  return cancellable(options.signal, () => startExisting(runtime, summary, true, options));
}

/** The share of a running mount as Finder may hold it: at the container IP or at the port on 127.0.0.1. */
function finderTarget(info: Docker.ContainerInspectInfo, network: string): FinderVolumeTarget {
  const labels = info.Config.Labels ?? {};
  const { ip, port } = servedAt(info, network);
  return {
    share: labels[LABEL.name],
    user: labels[LABEL.smbUser] ?? SMB_USER,
    endpoints: [...(ip ? [{ host: ip, port: SMB_PORT }] : []), ...(port ? [{ host: "127.0.0.1", port }] : [])],
  };
}

export interface ReconnectPlan {
  /** Ready mounts Finder has no volume for: what Reconnect All opens. */
  toOpen: MountInfo[];
  /** Ready mounts Finder has already, with their volume. */
  inFinder: { mount: MountInfo; volume: string }[];
  /** Running mounts that do not serve yet (starting, reconnecting): opening them now would fail. */
  notReady: MountInfo[];
}

/**
 * What Reconnect All has to do after a restart, when the containers are back and Finder's volumes are
 * not: one list of the mounts and one read of what macOS has mounted. Stopped and failed mounts are
 * left alone; opening one of those starts it, which is the user's choice, one mount at a time.
 */
export async function reconnectPlan(runtime: Runtime): Promise<ReconnectPlan> {
  // Elsewhere there is no Finder, and so nothing it has mounted.
  const mounted = runtime.platform === "darwin" ? finderMounts(runtime.run) : Promise.resolve([]);
  const [all, entries] = await Promise.all([described(runtime), mounted]);
  const plan: ReconnectPlan = { toOpen: [], inFinder: [], notReady: [] };
  for (const { id, mount } of all) {
    if (mount.status === "starting" || mount.status === "reconnecting") plan.notReady.push(mount);
    if (mount.status !== "ready") continue;
    const info = await runtime.docker.getContainer(id).inspect();
    const volume = volumeOf(entries, finderTarget(info, runtime.network));
    if (volume) plan.inFinder.push({ mount, volume });
    else plan.toOpen.push(mount);
  }
  return plan;
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
  if (info?.State.Running) await ejectInFinder(finderTarget(info, runtime.network), runtime.platform, runtime.run);
  await withTimeout(
    container.stop({ t: 5 }).catch(() => undefined),
    15_000,
  );
  await removeContainer(container);
}

export async function unmount(runtime: Runtime, name: string): Promise<string[]> {
  const summary = await findMount(runtime.docker, name);
  await removeMount(runtime, summary.Id);
  return [name];
}

export async function unmountAll(runtime: Runtime): Promise<string[]> {
  const containers = await managedContainers(runtime.docker);
  await Promise.all(containers.map((summary) => removeMount(runtime, summary.Id)));
  return containers.map((summary) => summary.Labels[LABEL.name]).sort();
}

export async function logs(runtime: Runtime, name: string): Promise<string> {
  const summary = await findMount(runtime.docker, name);
  return containerLogs(runtime.docker.getContainer(summary.Id));
}
