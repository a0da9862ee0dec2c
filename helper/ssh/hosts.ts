import fs from "node:fs/promises";
import path from "node:path";
import SSHConfig from "ssh-config";
import { SshmountError } from "../errors";
import type { CommandRunner } from "../process";
import { resolveHost } from "./options";

export interface HostEntry {
  alias: string;
  hostName: string;
  user: string;
  port: number;
  proxyJump: string | null;
}

type Value = string | { val: string }[];

function words(value: Value): string[] {
  return typeof value === "string" ? value.split(/\s+/).filter(Boolean) : value.map((part) => part.val);
}

/** Concrete aliases of `Host` lines in file order, once each; patterns and negations are not hosts. */
export function aliasesFromConfig(text: string): string[] {
  const aliases: string[] = [];
  for (const line of SSHConfig.parse(text)) {
    if (!("param" in line) || line.param.toLowerCase() !== "host") continue;
    for (const alias of words(line.value as Value)) {
      if (/[*?!]/.test(alias) || aliases.includes(alias)) continue;
      aliases.push(alias);
    }
  }
  return aliases;
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
  configFile?: string;
  run: CommandRunner;
  env: NodeJS.ProcessEnv;
  home: string;
}

/** The hosts of an ssh config, each with what `ssh -G` says it connects to. A missing config has none. */
export async function listHosts(options: HostsOptions): Promise<HostEntry[]> {
  const file = options.configFile ?? path.join(options.home, ".ssh", "config");
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !options.configFile) return [];
    throw new SshmountError("ssh-config-invalid", `Cannot read the ssh config ${file}`, { file, detail: code });
  }
  return mapBounded(aliasesFromConfig(text), 8, async (alias) => {
    const host = await resolveHost(alias, { ...options, configFile: options.configFile });
    return { alias, hostName: host.hostName, user: host.user, port: host.port, proxyJump: host.proxyJump ?? null };
  });
}
