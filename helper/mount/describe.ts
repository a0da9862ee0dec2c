/**
 * What a mount is, as Docker says it: its labels and addresses pass a check before anything uses them,
 * then `inspect` and the log become a MountInfo.
 */
import net from "node:net";
import path from "node:path";
import type Docker from "dockerode";
import {
  INPUT,
  inputPath,
  isMetadataStore,
  LABEL,
  ROLE,
  SMB_PORT,
  SMB_PORT_KEY,
  type MetadataStore,
} from "../container/contract";
import { containerLogs, readContainerFile } from "../docker/containers";
import { SshmountError } from "../errors";
import { reachShare, smbUrl, type RouteLookup } from "../network/reach";
import type { Runtime } from "../runtime";
import { hasControlCharacters } from "../text";
import { SMB_USER } from "./inputs";
import { displayRemotePath, normalizeRemotePath, validateMountRequest } from "./naming";
import { parseLog, statusFrom, type ContainerState, type EntrypointEvent } from "./status";
import type { MountInfo, SmbInfo } from "./types";

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
  if (labels?.[LABEL.role] !== ROLE.mount) return false;
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
    (created === undefined || !Number.isNaN(Date.parse(created))) &&
    (labels[LABEL.address] === undefined || net.isIPv4(labels[LABEL.address])) &&
    (labels[LABEL.metadata] === undefined || isMetadataStore(labels[LABEL.metadata]))
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
export function servedAt(info: Docker.ContainerInspectInfo, network: string): { ip?: string; port?: number } {
  const published = info.NetworkSettings.Ports?.[SMB_PORT_KEY]?.find((binding) => binding.HostIp === "127.0.0.1");
  return {
    ip: containerIp(info.NetworkSettings.Networks?.[network]?.IPAddress),
    port: publishedPort(published?.HostPort),
  };
}

/** A mount's metadata store from its validated labels; mounts made before the label existed keep theirs here. */
export function metadataOf(labels: Record<string, string>): MetadataStore {
  const stored = labels[LABEL.metadata];
  return isMetadataStore(stored) ? stored : "mac";
}

/** What describing a mount needs of the engine, from `inspect` or from a running container's list entry. */
interface Facts {
  labels: Record<string, string>;
  state: ContainerState;
  name: string;
  created: string;
  ip?: string;
  port?: number;
}

function inspected(info: Docker.ContainerInspectInfo, network: string): Facts {
  const labels = info.Config.Labels ?? {};
  return { labels, state: info.State, name: info.Name, created: info.Created, ...servedAt(info, network) };
}

/**
 * A health status from a list entry: its Health (Engine API 1.52 and later), else the words Docker
 * appends to its Status, as `docker ps` shows them ("Up 2 minutes (unhealthy)"; docker/cli#6913).
 */
function listedHealth(summary: Docker.ContainerInfo & { Health?: { Status?: string } }): string | undefined {
  if (typeof summary.Health?.Status === "string") return summary.Health.Status;
  const words = /\((healthy|unhealthy|health: starting)\)$/.exec(summary.Status ?? "")?.[1];
  return words === "health: starting" ? "starting" : words;
}

/**
 * A running container's list entry has all `inspect` would give a list (the state of one that is not
 * running needs inspect's exit code), so a list of twenty mounts asks the engine twenty times less.
 */
function listed(summary: Docker.ContainerInfo, network: string): Facts | undefined {
  if (summary.State !== "running") return undefined;
  const published = summary.Ports?.find(
    (port) => port.PrivatePort === SMB_PORT && port.Type === "tcp" && port.IP === "127.0.0.1",
  );
  const health = listedHealth(summary);
  return {
    labels: summary.Labels ?? {},
    state: { Running: true, ...(health ? { Health: { Status: health } } : {}) },
    name: summary.Names?.[0] ?? "",
    created: new Date(summary.Created * 1000).toISOString(),
    ip: containerIp(summary.NetworkSettings?.Networks?.[network]?.IPAddress),
    port: publishedPort(published?.PublicPort),
  };
}

/**
 * The entrypoint's recent events: the log's last 200 lines hold them, unless smbd logged a burst
 * since, which pushes them out; then the whole log, so a ready mount never reads as starting.
 */
async function recentEvents(container: Docker.Container): Promise<EntrypointEvent[]> {
  const recent = parseLog(await containerLogs(container, 200));
  if (recent.some((event) => event.type !== "ssh")) return recent;
  return parseLog(await containerLogs(container));
}

/**
 * The mount container `id` as its user sees it; `password` reads the SMB password out of it, `routes`
 * answers the route lookup (a list shares one for all its mounts), `summary` is its list entry.
 */
export async function describeMount(
  runtime: Runtime,
  id: string,
  options: { password?: boolean; routes?: RouteLookup; summary?: Docker.ContainerInfo } = {},
): Promise<MountInfo> {
  const container = runtime.docker.getContainer(id);
  const known = options.summary && listed(options.summary, runtime.network);
  // Both at once: a list waits for the slowest mount, and the log is only read, never trusted, before
  // the labels pass.
  const [facts, events] = await Promise.all([
    known ?? container.inspect().then((info) => inspected(info, runtime.network)),
    recentEvents(container),
  ]);
  const { labels, ip, port } = facts;
  if (!isMountContainer(labels)) throw new SshmountError("not-found", "The container is not a mount", {});
  const status = statusFrom(facts.state, events);
  const share = labels[LABEL.name];
  const user = labels[LABEL.smbUser] ?? SMB_USER;
  const reach = facts.state.Running
    ? await reachShare(ip, port, {
        platform: runtime.platform,
        run: runtime.run,
        mode: runtime.connection,
        lookUp: options.routes,
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
  if (options.password) smb.password = (await readContainerFile(container, inputPath(INPUT.smbPassword))).toString();
  const lastError = [...events].reverse().find((event) => event.type === "error");
  return {
    name: share,
    alias: labels[LABEL.alias],
    remotePath: displayRemotePath(labels[LABEL.remotePath] ?? ""),
    status,
    container: facts.name.replace(/^\//, ""),
    destination: labels[LABEL.destination] ?? "",
    createdAt: labels[LABEL.created] ?? facts.created,
    metadata: metadataOf(labels),
    smb,
    ...(reach ? { connection: reach.connection } : {}),
    ...(status === "error" && lastError?.type === "error" ? { error: lastError.text } : {}),
  };
}
