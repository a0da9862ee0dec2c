import fs from "node:fs/promises";
import path from "node:path";
import { SshmountError } from "../errors";
import { ensurePrivateDir, writeFileAtomically } from "../files";
import type { CommandRunner } from "../process";
import { readConfigTree, type ConfigSource } from "./config-tree";
import { resolveHost, validateAlias } from "./options";

export interface HostEntry {
  alias: string;
  hostName: string;
  user: string;
  port: number;
  /** The ProxyJump chain as OpenSSH resolved it, e.g. "bastion" or "a,b". */
  proxyJump: string | null;
  source: ConfigSource;
}

async function mapBounded<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export interface HostsOptions {
  /** An explicit config (`ssh -F`); otherwise ~/.ssh/config and the system config, as ssh reads them. */
  configFile?: string;
  /** The system-wide config read after the user's when no configFile is given. */
  systemConfig?: string;
  run: CommandRunner;
  env: NodeJS.ProcessEnv;
  home: string;
  /** Where the resolved list is kept between runs; no caching when undefined. */
  cacheFile?: string;
}

interface CacheRecord {
  key: string;
  /** Modification time (ms) of every file and folder the list was read from; -1 when absent. */
  stamps: [string, number][];
  hosts: HostEntry[];
}

async function stamp(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).mtimeMs;
  } catch {
    return -1;
  }
}

async function readCache(cacheFile: string, key: string): Promise<HostEntry[] | undefined> {
  let record: CacheRecord;
  try {
    record = JSON.parse(await fs.readFile(cacheFile, "utf8")) as CacheRecord;
  } catch {
    return undefined;
  }
  if (record.key !== key || !Array.isArray(record.stamps)) return undefined;
  const current = await Promise.all(record.stamps.map(([file]) => stamp(file)));
  return current.every((mtime, index) => mtime === record.stamps[index][1]) ? record.hosts : undefined;
}

/**
 * Whether the cache's folder is there for us (made, or checked and made private: ensurePrivateDir).
 * One that cannot be made (a read-only home) only costs speed; one that is not ours is refused, as
 * its list could be anyone's.
 */
async function cacheUsable(cacheFile: string): Promise<boolean> {
  try {
    await ensurePrivateDir(path.dirname(cacheFile));
    return true;
  } catch (error) {
    if (error instanceof SshmountError) throw error;
    return false;
  }
}

function isUsableAlias(alias: string): boolean {
  try {
    validateAlias(alias);
    return true;
  } catch {
    return false;
  }
}

/** ssh -G runs this many at a time: enough to hide process start-up, few enough for a laptop. */
const PARALLEL_RESOLVES = 8;

/**
 * The hosts of the ssh config in file order (Include followed), each with what `ssh -G` says it
 * connects to. Cached against the modification times of every file and folder involved, so the Raycast
 * list opens without running ssh when nothing changed.
 */
export async function listHosts(options: HostsOptions): Promise<HostEntry[]> {
  const userConfig = options.configFile ? path.resolve(options.configFile) : path.join(options.home, ".ssh", "config");
  const systemConfig = options.configFile ? undefined : (options.systemConfig ?? "/etc/ssh/ssh_config");
  const key = JSON.stringify([userConfig, systemConfig ?? null]);
  const cacheFile = options.cacheFile && (await cacheUsable(options.cacheFile)) ? options.cacheFile : undefined;
  if (cacheFile) {
    const cached = await readCache(cacheFile, key);
    if (cached) return cached;
  }

  const trees = [await readConfigTree(userConfig, { home: options.home })];
  if (systemConfig) trees.push(await readConfigTree(systemConfig, { home: options.home, system: true }));
  const seen = new Set<string>();
  const aliases = trees.flatMap((tree) => tree.aliases).filter(({ alias }) => !seen.has(alias) && seen.add(alias));
  const watched = [...new Set(trees.flatMap((tree) => tree.watched))];
  const stampsBefore = await Promise.all(
    watched.map(async (file): Promise<[string, number]> => [file, await stamp(file)]),
  );

  const resolved = await mapBounded(aliases, PARALLEL_RESOLVES, async ({ alias, source }) => {
    // A Host OpenSSH refuses by name (`Host a;b`) is no host `ssh ALIAS` reaches, not a broken config.
    if (!isUsableAlias(alias)) return undefined;
    const host = await resolveHost(alias, { ...options, configFile: options.configFile, trace: true });
    // An alias whose Host line OpenSSH never applies (in a file included from a block that does not
    // match it) is not a host `ssh ALIAS` would reach.
    if (!host.appliedBlocks?.includes(`${source.file}:${source.line}`)) return undefined;
    const entry: HostEntry = {
      alias,
      hostName: host.hostName,
      user: host.user,
      port: host.port,
      proxyJump: host.proxyJump ?? null,
      source,
    };
    return entry;
  });
  const hosts = resolved.filter((host): host is HostEntry => host !== undefined);
  // A cache that cannot be written (read-only home) only costs speed.
  if (cacheFile) {
    const record: CacheRecord = { key, stamps: stampsBefore, hosts };
    await writeFileAtomically(cacheFile, JSON.stringify(record), 0o600).catch(() => undefined);
  }
  return hosts;
}
