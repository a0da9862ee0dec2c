/**
 * The public surface of the helper: the verbs the Raycast commands and the `sshmount` CLI use. Neither
 * client knows about Docker or processes; each verb takes HelperOptions so tests inject their own.
 */
import path from "node:path";
import * as demoServer from "./demo";
import { SshmountError } from "./errors";
import { openInFinder } from "./finder";
import * as mounts from "./mount/mounts";
import { baseRuntime, cacheDir, createRuntime, type HelperOptions } from "./runtime";
import { listHosts, type HostEntry } from "./ssh/hosts";

export { describeError, isSshmountError, SshmountError, type ErrorDescription, type ErrorKind } from "./errors";
export { doctor, type DoctorReport } from "./doctor";
export { parseTarget, validateMountName } from "./mount/naming";
export type { MountInfo, MountProgress, MountStep, SmbInfo } from "./mount/mounts";
export type { MountStatus } from "./mount/status";
export type { HostEntry } from "./ssh/hosts";
export type { HelperOptions } from "./runtime";
export type { ConnectionChoice, ConnectionMode } from "./reach";
export { classifyRoute, INSTALL_CONNECTOR, type RouteVerdict, type RouteVia } from "./route";

export type MountOptions = mounts.MountOptions & HelperOptions;

export async function hosts(options: HelperOptions & { sshConfig?: string } = {}): Promise<HostEntry[]> {
  const base = baseRuntime(options);
  return listHosts({ ...base, configFile: options.sshConfig, cacheFile: path.join(cacheDir(base), "hosts.json") });
}

export async function mount(alias: string, remotePath = "", options: MountOptions = {}): Promise<mounts.MountInfo> {
  mounts.validateMountRequest(alias, remotePath, options.name);
  options.onProgress?.({ step: "docker", message: "Checking Docker" });
  return mounts.mount(await createRuntime(options), alias, remotePath, options);
}

export async function list(options: HelperOptions = {}): Promise<mounts.MountInfo[]> {
  return mounts.list(await createRuntime(options));
}

/** Unmounts one mount by name; returns the names removed. */
export async function unmount(name: string, options: HelperOptions = {}): Promise<string[]> {
  return mounts.unmount(await createRuntime(options), name);
}

export async function unmountAll(options: HelperOptions = {}): Promise<string[]> {
  return mounts.unmountAll(await createRuntime(options));
}

/** Restarts a mount (new connection, same share and password) and waits until it serves again. */
export async function remount(name: string, options: MountOptions = {}): Promise<mounts.MountInfo> {
  return mounts.remount(await createRuntime(options), name, options);
}

export async function logs(name: string, options: HelperOptions = {}): Promise<string> {
  return mounts.logs(await createRuntime(options), name);
}

export interface OpenResult {
  mount: mounts.MountInfo;
  /** False where there is no Finder (Linux): the caller shows the URL instead. */
  opened: boolean;
}

/**
 * Opens a mount in Finder, starting it first when it is stopped. `name` undefined means the mount
 * created last.
 */
export async function open(name: string | undefined, options: MountOptions = {}): Promise<OpenResult> {
  const runtime = await createRuntime(options);
  let target = name === undefined ? await mounts.last(runtime) : await mounts.get(runtime, name, { password: true });
  if (!target) throw new SshmountError("not-found", "There is no mount yet: mount a host first", {});
  if (target.status === "stopped" || target.status === "error") {
    target = await mounts.start(runtime, target.name, options);
  }
  const opened = await openInFinder(
    {
      url: target.smb.url,
      host: target.smb.host,
      port: target.smb.port,
      share: target.smb.share,
      user: target.smb.user,
      password: target.smb.password ?? "",
    },
    runtime.platform,
    runtime.run,
  );
  return { mount: target, opened };
}

export async function demo(options: MountOptions = {}): Promise<mounts.MountInfo> {
  options.onProgress?.({ step: "docker", message: "Checking Docker" });
  return demoServer.demo(await createRuntime(options), options);
}

export async function stopDemo(options: HelperOptions = {}): Promise<void> {
  return demoServer.stopDemo(await createRuntime(options));
}
