import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type Docker from "dockerode";
import { connectEngine, dockerode, type DockerClient, type EngineEndpoint } from "./docker/engine";
import { networkName } from "./docker/network";
import { osascriptRunner, runCommand, type AppleScriptRunner, type CommandRunner } from "./process";
import type { ConnectionMode } from "./network/reach";

/** Everything the verbs touch outside themselves, injectable so tests never patch globals. */
export interface HelperOptions {
  /** Docker socket or host URL; otherwise DOCKER_HOST, the CLI context, then well-known sockets. */
  dockerSocket?: string;
  /** Makes the engine's client once the endpoint is found and checked; dockerode when not given. */
  dockerClient?: DockerClient;
  env?: NodeJS.ProcessEnv;
  home?: string;
  platform?: NodeJS.Platform;
  run?: CommandRunner;
  /** Folder holding container/, the mount image's build context: Raycast's environment.assetsPath; the package's assets/ when not given. */
  assetsPath?: string;
  /** Runs the AppleScript that mounts a share (the script on stdin); `osascript -` through `run` when not given. */
  appleScript?: AppleScriptRunner;
  /** How SMB URLs address a share; "auto" probes the container IP and falls back to 127.0.0.1. */
  connection?: ConnectionMode;
}

export interface Runtime {
  docker: Docker;
  endpoint: EngineEndpoint;
  /** How `docker` was made: a check that the engine still takes connections needs a fresh client. */
  dockerClient: DockerClient;
  env: NodeJS.ProcessEnv;
  home: string;
  platform: NodeJS.Platform;
  run: CommandRunner;
  appleScript: AppleScriptRunner;
  network: string;
  /** The package root (demo/ is there); the CLI's only, a Raycast bundle has none. */
  packageRoot: string;
  /** The mount image's build context (see mountImageDir). */
  mountImageDir: string;
  connection: ConnectionMode;
}

/** Walks up from this module to the folder with assets/container/Dockerfile: the same code runs from helper/ and bin/. */
function findPackageRoot(): string {
  const start = path.dirname(fileURLToPath(import.meta.url));
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, "assets", "container", "Dockerfile"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`assets/container/Dockerfile not found above ${start}`);
    dir = parent;
  }
}

/**
 * The mount image's build context, the same folder for both clients: a Raycast bundle ships only its
 * assets/, so the files live in assets/container (container/ is a link to it). Raycast passes its
 * assetsPath; the CLI uses its package's assets/.
 */
export function mountImageDir(assetsPath: string = path.join(findPackageRoot(), "assets")): string {
  return path.join(assetsPath, "container");
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
  const dockerClient = options.dockerClient ?? dockerode;
  const lookup = { socket: options.dockerSocket, env: base.env, home: base.home, client: dockerClient };
  const { docker, endpoint } = await connectEngine(lookup);
  let packageRoot: string | undefined;
  let imageDir: string | undefined;
  return {
    ...base,
    docker,
    endpoint,
    dockerClient,
    network: networkName(base.env),
    connection: options.connection ?? "auto",
    // Looked up only when an image must be built: a Raycast bundle has no package root, and listing needs neither.
    get packageRoot() {
      packageRoot ??= findPackageRoot();
      return packageRoot;
    },
    get mountImageDir() {
      imageDir ??= mountImageDir(options.assetsPath);
      return imageDir;
    },
  };
}
