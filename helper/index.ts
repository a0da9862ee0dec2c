/**
 * The public surface of the helper: the verbs the Raycast commands and the `sshmount` CLI use. Neither
 * client knows about Docker or processes; each verb takes HelperOptions so tests inject their own.
 */
import path from "node:path";
import * as demoServer from "./demo";
import { isSshmountError, SshmountError } from "./errors";
import { openEditor as openEditorApp, type Editor } from "./macos/editor";
import { finderVolume, openInFinder } from "./macos/finder";
import { openTerminal as openTerminalApp, type ShellTarget, type TerminalApp } from "./macos/terminal";
import * as mounts from "./mount/mounts";
import { validateMountRequest } from "./mount/naming";
import type { MountInfo, MountOptions as MountCallOptions } from "./mount/types";
import { engineLost } from "./docker/engine";
import { baseRuntime, cacheDir, createRuntime, type HelperOptions, type Runtime } from "./runtime";
import { listHosts, type HostEntry } from "./ssh/hosts";

export { isSshmountError, SshmountError, type ErrorKind, type PresentedHostKey } from "./errors";
export { describeError, type ErrorDescription } from "./words/describe";
export type { ErrorAction } from "./words/raycast";
export { doctor, type DoctorReport } from "./doctor";
export { formatTarget, parseTarget, readableRemotePath, targetFromArguments, validateMountName } from "./mount/naming";
export type { MountInfo, MountProgress } from "./mount/types";
export type { MetadataStore } from "./container/contract";
export { METADATA_STORES } from "./container/contract";
export type { MountStatus } from "./mount/status";
export type { HostEntry } from "./ssh/hosts";
export type { HelperOptions } from "./runtime";
export { APPLESCRIPT_TIMEOUT_MS, type AppleScriptRunner } from "./process";
export type { ConnectionMode } from "./network/reach";
export { INSTALL_CONNECTOR } from "./network/route";
export { EDITORS, type Editor } from "./macos/editor";
export { TERMINAL_APPS, type ShellTarget, type TerminalApp } from "./macos/terminal";

export type MountOptions = MountCallOptions & HelperOptions;

export async function hosts(options: HelperOptions & { sshConfig?: string } = {}): Promise<HostEntry[]> {
  const base = baseRuntime(options);
  return listHosts({ ...base, configFile: options.sshConfig, cacheFile: path.join(cacheDir(base), "hosts.json") });
}

/** Runs a verb against the engine; the engine vanishing mid-way is docker-unavailable, not a socket error. */
async function withEngine<T>(options: HelperOptions, work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await createRuntime(options);
  try {
    return await work(runtime);
  } catch (error) {
    throw (await engineLost(error, runtime.endpoint, runtime.dockerClient)) ?? error;
  }
}

export async function mount(alias: string, remotePath = "", options: MountOptions = {}): Promise<MountInfo> {
  validateMountRequest(alias, remotePath, options.name);
  options.onProgress?.({ step: "docker", message: "Checking Docker" });
  try {
    return await withEngine(options, (runtime) => mounts.mount(runtime, alias, remotePath, options));
  } catch (error) {
    throw await explainUnknownAlias(error, alias, options);
  }
}

/**
 * ssh takes an alias it has no Host for as a host name, so a typo reads "Could not resolve hostname".
 * Only then is the host list (cached) asked, to say which of the two the user got wrong.
 */
async function explainUnknownAlias(error: unknown, alias: string, options: MountOptions): Promise<unknown> {
  if (!isSshmountError(error) || error.kind !== "host-unreachable") return error;
  if (!/Could not resolve hostname/.test(error.facts.detail ?? "")) return error;
  const listed = await hosts(options).catch(() => undefined);
  if (!listed || listed.some((host) => host.alias === alias)) return error;
  return new SshmountError(
    "host-unreachable",
    `${alias} is not a Host in your ssh config, and it does not resolve as a host name`,
    { ...error.facts, inConfig: false },
    { cause: error },
  );
}

export async function list(options: HelperOptions = {}): Promise<MountInfo[]> {
  return withEngine(options, (runtime) => mounts.list(runtime));
}

/** Unmounts one mount by name; returns the names removed. */
export async function unmount(name: string, options: HelperOptions = {}): Promise<string[]> {
  return withEngine(options, (runtime) => mounts.unmount(runtime, name));
}

export async function unmountAll(options: HelperOptions = {}): Promise<string[]> {
  return withEngine(options, (runtime) => mounts.unmountAll(runtime));
}

/** Restarts a mount (new connection, same share and password) and waits until it serves again. */
export async function remount(name: string, options: MountOptions = {}): Promise<MountInfo> {
  return withEngine(options, (runtime) => mounts.remount(runtime, name, options));
}

export async function logs(name: string, options: HelperOptions = {}): Promise<string> {
  return withEngine(options, (runtime) => mounts.logs(runtime, name));
}

export interface OpenResult {
  mount: MountInfo;
  /** False where there is no Finder (Linux): the caller shows the URL instead. */
  opened: boolean;
  /** The Finder volume the share was mounted on, e.g. /Volumes/web (macOS). */
  volume?: string;
}

/**
 * Opens a mount in Finder, starting it first when it is stopped. `name` undefined means the mount
 * created last.
 */
export async function open(name: string | undefined, options: MountOptions = {}): Promise<OpenResult> {
  return withEngine(options, (runtime) => openWith(runtime, name, options));
}

export interface ReconnectResult {
  /** Opened now, in name order. */
  opened: OpenResult[];
  /** Finder had these already: left as they are. */
  inFinder: { mount: MountInfo; volume: string }[];
  /** Still starting or reconnecting: Reconnect All again once they are ready. */
  notReady: MountInfo[];
}

/**
 * Reconnect All: opens in Finder every ready mount that Finder has no volume for, as after a Mac
 * restart, when the containers came back with the engine and Finder's volumes did not. One at a time,
 * since each may bring up a macOS dialog; the first failure stops it, and running it again skips what
 * it opened.
 */
export async function openAll(options: HelperOptions = {}): Promise<ReconnectResult> {
  return withEngine(options, async (runtime) => {
    const plan = await mounts.reconnectPlan(runtime);
    const opened: OpenResult[] = [];
    for (const mount of plan.toOpen) opened.push(await openWith(runtime, mount.name, options));
    return { opened, inFinder: plan.inFinder, notReady: plan.notReady };
  });
}

async function openWith(runtime: Runtime, name: string | undefined, options: MountOptions): Promise<OpenResult> {
  const target = await mounts.openable(runtime, name, options);
  if (!target) throw new SshmountError("not-found", "There is no mount yet: mount a host first", {});
  const volume = await openInFinder(
    {
      host: target.smb.host,
      port: target.smb.port,
      share: target.smb.share,
      user: target.smb.user,
      password: target.smb.password ?? "",
    },
    runtime.platform,
    runtime,
  );
  return { mount: target, opened: volume !== undefined, ...(volume ? { volume } : {}) };
}

export async function demo(options: MountOptions = {}): Promise<MountInfo> {
  options.onProgress?.({ step: "docker", message: "Checking Docker" });
  return withEngine(options, (runtime) => demoServer.demo(runtime, options));
}

export async function stopDemo(options: HelperOptions = {}): Promise<void> {
  return withEngine(options, (runtime) => demoServer.stopDemo(runtime));
}

/** A shell on the mount's host in its folder, in the terminal the user chose (macOS). */
export async function openTerminal(
  mount: ShellTarget & { name: string },
  app: TerminalApp,
  options: HelperOptions = {},
): Promise<void> {
  const base = baseRuntime(options);
  unlessMac(base.platform, "Opening a terminal");
  await openTerminalApp(app, mount, mount.name, base);
}

/** The mount's folder in VS Code or Cursor over Remote-SSH (macOS); returns the URL opened. */
export async function openEditor(mount: ShellTarget, editor: Editor, options: HelperOptions = {}): Promise<string> {
  const base = baseRuntime(options);
  unlessMac(base.platform, "Opening an editor");
  return openEditorApp(editor, mount, base);
}

function unlessMac(platform: NodeJS.Platform, what: string): void {
  if (platform !== "darwin") throw new SshmountError("unsupported", `${what} needs macOS`, {});
}

/**
 * Where Finder has the mount, e.g. /Volumes/web (macOS): the volume in the mount table, else the share is
 * mounted (and opened, as Open in Finder does) to have one.
 */
export async function localPath(name: string, options: MountOptions = {}): Promise<string> {
  return withEngine(options, async (runtime) => {
    unlessMac(runtime.platform, "A Finder volume");
    const target = await mounts.openable(runtime, name, options);
    if (!target) throw new SshmountError("not-found", `There is no mount named ${name}`, { name });
    const endpoint = { host: target.smb.host, port: target.smb.port };
    const found = await finderVolume(
      { share: target.smb.share, user: target.smb.user, endpoints: [endpoint] },
      runtime.run,
    );
    if (found) return found;
    const { volume } = await openWith(runtime, name, options);
    if (!volume) throw new SshmountError("finder-failed", `Finder named no volume for ${name}`, { finder: "other" });
    return volume;
  });
}
