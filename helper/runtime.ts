import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type Docker from "dockerode";
import { connectEngine, type EngineEndpoint } from "./docker/engine";
import { networkName } from "./docker/network";
import { osascriptRunner, runCommand, type AppleScriptRunner, type CommandRunner } from "./process";
import type { ConnectionMode } from "./reach";

/** Everything the verbs touch outside themselves, injectable so tests never patch globals. */
export interface HelperOptions {
  /** Docker socket or host URL; otherwise DOCKER_HOST, the CLI context, then well-known sockets. */
  dockerSocket?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
  platform?: NodeJS.Platform;
  run?: CommandRunner;
  /** Runs the AppleScript that mounts a share (the script on stdin); `osascript -` through `run` when not given. */
  appleScript?: AppleScriptRunner;
  /** Folder holding container/ and demo/ (the package root); found from this file when not given. */
  packageRoot?: string;
  /** How SMB URLs address a share; "auto" probes the container IP and falls back to 127.0.0.1. */
  connection?: ConnectionMode;
}

export interface Runtime {
  docker: Docker;
  endpoint: EngineEndpoint;
  env: NodeJS.ProcessEnv;
  home: string;
  platform: NodeJS.Platform;
  run: CommandRunner;
  appleScript: AppleScriptRunner;
  network: string;
  packageRoot: string;
  connection: ConnectionMode;
}

/** Walks up from this module to the folder with container/Dockerfile: the same code runs from helper/ and bin/. */
export function findPackageRoot(start: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, "container", "Dockerfile"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`container/Dockerfile not found above ${start}`);
    dir = parent;
  }
}

/** sshmount's own cache folder (demo keys, the host list); never the user's ~/.ssh. */
export function cacheDir(runtime: { env: NodeJS.ProcessEnv; home: string }): string {
  return path.join(runtime.env.XDG_CACHE_HOME || path.join(runtime.home, ".cache"), "sshmount");
}

export function baseRuntime(options: HelperOptions = {}) {
  const env = options.env ?? process.env;
  const run = options.run ?? runCommand;
  return {
    env,
    home: options.home ?? env.HOME ?? os.homedir(),
    platform: options.platform ?? process.platform,
    run,
    appleScript: options.appleScript ?? osascriptRunner(run),
  };
}

export async function createRuntime(options: HelperOptions = {}): Promise<Runtime> {
  const base = baseRuntime(options);
  const { docker, endpoint } = await connectEngine({ socket: options.dockerSocket, env: base.env, home: base.home });
  let packageRoot = options.packageRoot;
  return {
    ...base,
    docker,
    endpoint,
    network: networkName(base.env),
    connection: options.connection ?? "auto",
    // Looked up only when an image must be built: a bundle without container/ can still list and open.
    get packageRoot() {
      packageRoot ??= findPackageRoot();
      return packageRoot;
    },
  };
}
