import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import type Docker from "dockerode";
import { unmount } from "../../helper/index";
import { DEMO_IMAGE, startDemoServer, type DemoServer } from "../../helper/demo";
import { ensureImage } from "../../helper/docker/image";
import { MOUNT_IMAGE, type MountInfo } from "../../helper/mount/types";
import { removeContainer } from "../../helper/docker/containers";
import { createRuntime, type HelperOptions, type Runtime } from "../../helper/runtime";
import { serverVariant, type TestServerOptions } from "./servers";

const execFileAsync = promisify(execFile);

/**
 * One isolated world per test file: its own Docker network, its own OpenSSH server container (the
 * demo image, key auth, pinned host key) and a prefix for every mount name, so parallel runs and a
 * developer's own mounts on the same engine never meet.
 */
export interface World {
  id: string;
  dir: string;
  options: HelperOptions;
  runtime: Runtime;
  server: DemoServer;
  prefix: string;
  /** Starts another OpenSSH server (a jump host, a password-only host…), removed with the world. */
  addServer(label: string, options?: TestServerOptions): Promise<DemoServer>;
  /** A network of the world's own besides the mount network, for hosts only a jump host reaches. */
  privateNetwork: string;
  /** Appends a Host block to the world's ssh config. */
  addHost(lines: string[]): Promise<void>;
  /** Runs a command in the server container as the demo user; returns stdout. */
  onServer(args: string[]): Promise<string>;
  mountContainers(): Promise<Docker.ContainerInfo[]>;
  /** Unmounts this world's mounts only: sshmount.unmountAll would take a developer's own mounts too. */
  unmountAll(): Promise<void>;
  /** Names of this world's mount containers and of host-key scans on its network: what a failure may leave. */
  leftovers(): Promise<string[]>;
  close(): Promise<void>;
}

async function timeImageBuild(runtime: Runtime, dir: string, repository: string): Promise<void> {
  const started = Date.now();
  const image = await ensureImage(runtime.docker, { dir, repository });
  if (image.built) process.stderr.write(`e2e: built ${image.tag} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

/** `dockerHost`: an engine of the test's own (see own-engine.ts) instead of the machine's. */
export async function createWorld(label: string, { dockerHost }: { dockerHost?: string } = {}): Promise<World> {
  const id = `${label}-${randomBytes(3).toString("hex")}`;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `sshmount-e2e-${id}-`));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    USER: "tester",
    SSHMOUNT_NETWORK: `sshmount-e2e-${id}`,
    ...(dockerHost ? { DOCKER_HOST: dockerHost } : {}),
  };
  const options: HelperOptions = { env, home: dir };
  const runtime = await createRuntime(options);
  // Idempotent: the first world of a run pays for a cold build, every later one finds the images.
  await timeImageBuild(runtime, runtime.mountImageDir, MOUNT_IMAGE);
  await timeImageBuild(runtime, path.join(runtime.packageRoot, "demo/sshd"), DEMO_IMAGE);
  const server = await startDemoServer(runtime, {
    serverName: `sshmount-e2e-${id}-sshd`,
    alias: "server",
    stateDir: path.join(dir, "state"),
  });
  const prefix = `e2e-${id}`;
  const extraServers: string[] = [];
  const world: World = {
    id,
    dir,
    options,
    runtime,
    server,
    prefix,
    privateNetwork: `sshmount-e2e-${id}-private`,
    async addServer(serverLabel, serverOptions = {}) {
      // Not "sshmount-<prefix>-…": that is how mount containers are named.
      const serverName = `sshmount-e2e-server-${id}-${serverLabel}`;
      extraServers.push(serverName);
      const state = { serverName, alias: serverLabel, stateDir: path.join(dir, serverLabel) };
      return startDemoServer(runtime, state, serverVariant(serverOptions));
    },
    async addHost(lines) {
      await fs.appendFile(server.sshConfig, `${lines.join("\n")}\n`);
    },
    async onServer(args) {
      const { stdout } = await execFileAsync(
        "docker",
        ["exec", "-u", "demo", "-w", "/home/demo", server.serverName, ...args],
        {
          encoding: "buffer",
          maxBuffer: 512 * 1024 * 1024,
          env: { ...process.env, ...(dockerHost ? { DOCKER_HOST: dockerHost } : {}) },
        },
      );
      return stdout.toString("utf8");
    },
    async mountContainers() {
      const all = await runtime.docker.listContainers({ all: true, filters: { label: ["sshmount.role=mount"] } });
      return all.filter((info) => info.Labels["sshmount.name"]?.startsWith(prefix));
    },
    async unmountAll() {
      const names = (await world.mountContainers()).map((info) => info.Labels["sshmount.name"]);
      await Promise.all(names.map((name) => unmount(name, options)));
    },
    async leftovers() {
      const scans = await runtime.docker.listContainers({
        all: true,
        filters: { label: ["sshmount.role=host-key-scan"], network: [runtime.network] },
      });
      return [...(await world.mountContainers()), ...scans].map((info) => info.Names[0]);
    },
    async close() {
      for (const info of await world.mountContainers()) await removeContainer(runtime.docker.getContainer(info.Id));
      for (const name of [server.serverName, ...extraServers]) await removeContainer(runtime.docker.getContainer(name));
      for (const network of [runtime.network, world.privateNetwork]) {
        await runtime.docker
          .getNetwork(network)
          .remove()
          .catch(() => undefined);
      }
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
  return world;
}

export interface SmbTarget {
  host: string;
  port: number;
  share: string;
  user: string;
  password: string;
}

export function smbTargetOf(mount: MountInfo): SmbTarget {
  const { host, port, share, user, password = "" } = mount.smb;
  return { host, port, share, user, password };
}

/**
 * smbclient is the SMB client here (no CIFS module). The password goes in an auth file, not argv;
 * commands go through -c, with names quoted as smbclient's own parser expects.
 */
export async function smb(target: SmbTarget, commands: string[], cwd?: string): Promise<string> {
  return withAuthFile(target, async (auth, dir) => {
    try {
      const { stdout } = await execFileAsync(
        "smbclient",
        [
          `//${target.host}/${target.share}`,
          "-p",
          String(target.port),
          "-A",
          auth,
          "-m",
          "SMB3",
          "-c",
          commands.join("; "),
        ],
        { cwd: cwd ?? dir, encoding: "utf8", timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      );
      if (/NT_STATUS_/.test(stdout)) throw new Error(`smbclient reported an error:\n${stdout}`);
      return stdout;
    } catch (error) {
      const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
      throw new Error(`smbclient ${commands.join("; ")} failed: ${(error as Error).message}\n${stdout}\n${stderr}`);
    }
  });
}

/**
 * Samba's clients read the password from an authentication file (smbclient -A, smbtorture
 * --authentication-file), never argv. `work` gets it and its private folder, both gone afterwards.
 */
export async function withAuthFile<T>(target: SmbTarget, work: (auth: string, dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "sshmount-smb-"));
  const auth = path.join(dir, "auth");
  await fs.writeFile(auth, `username = ${target.user}\npassword = ${target.password}\n`, { mode: 0o600 });
  try {
    return await work(auth, dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

export function q(name: string): string {
  return `"${name}"`;
}

export async function sha256(file: string): Promise<string> {
  const { stdout } = await execFileAsync("sha256sum", [file], { encoding: "utf8" });
  return stdout.split(" ")[0];
}

/** Polls `check` until it returns true; false when `ms` passed first. */
export async function within(ms: number, check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return true;
    await sleep(250);
  }
  return false;
}

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Runs the built CLI as a user would, with the world's environment. */
export async function sshmountCli(world: World, args: string[], input?: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      [path.join(repoRoot, "bin", "sshmount.mjs"), ...args],
      { env: world.options.env, encoding: "utf8", timeout: 240_000 },
      (error, stdout, stderr) => {
        const code = error ? ((error as { code?: number }).code ?? 1) : 0;
        resolve({ code: typeof code === "number" ? code : 1, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}
