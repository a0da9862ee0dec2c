import path from "node:path";
import { SshmountError } from "../errors";
import { resolveHost, type ResolveOptions, type SshHostOptions } from "./options";

/** One ProxyJump hop as written: `[user@]host[:port]` or `ssh://[user@]host[:port]`. */
interface HopSpec {
  host: string;
  user?: string;
  port?: number;
}

function invalidHop(text: string, alias: string): SshmountError {
  return new SshmountError("ssh-config-invalid", `The jump host "${text}" of "${alias}" is not [user@]host[:port]`, {
    alias,
    detail: text,
  });
}

/** Parses a ProxyJump value as OpenSSH does (comma-separated hops; IPv6 literals in brackets). */
export function parseProxyJump(value: string, alias: string): HopSpec[] {
  return value.split(",").map((raw) => {
    const text = raw.trim().replace(/^ssh:\/\//, "");
    const match = /^(?:([^@]+)@)?(\[[^\]\s]+\]|[^:@[\]\s]+)(?::(\d{1,5}))?$/.exec(text);
    if (!match) throw invalidHop(raw, alias);
    const [, user, host, port] = match;
    return { host: host.replace(/^\[|\]$/g, ""), ...(user ? { user } : {}), ...(port ? { port: Number(port) } : {}) };
  });
}

/** The program a ProxyCommand runs, for the error that says the container lacks it. */
export function proxyCommandProgram(command: string): string {
  const words = command.trim().split(/\s+/);
  const first = words[0] === "exec" ? words[1] : words[0];
  return path.basename(first ?? command);
}

const sshFlagsWithoutValue = new Set(["-q", "-x", "-a", "-T", "-4", "-6", "-C", "-N", "-v"]);

/**
 * `ProxyCommand ssh [-q] -W %h:%p [-l user] [-p port] HOST` is what ProxyJump replaced; it means the
 * same hop, so it is mounted as one. Any other command is a program the container does not have.
 */
export function proxyCommandAsJump(command: string): HopSpec[] | undefined {
  const words = command.trim().split(/\s+/);
  if (words[0] === "exec") words.shift();
  if (path.basename(words.shift() ?? "") !== "ssh") return undefined;
  let forward: string | undefined;
  let user: string | undefined;
  let port: number | undefined;
  const hosts: string[] = [];
  while (words.length) {
    const word = words.shift() as string;
    if (sshFlagsWithoutValue.has(word)) continue;
    if (word === "-W") forward = words.shift();
    else if (word === "-l") user = words.shift();
    else if (word === "-p") port = Number(words.shift());
    else if (word.startsWith("-")) return undefined;
    else hosts.push(word);
  }
  if (!forward || !/^(\[%h\]|%h):%p$/.test(forward) || hosts.length !== 1 || (port !== undefined && !(port > 0))) {
    return undefined;
  }
  const [hop] = parseProxyJump(hosts[0], hosts[0]);
  return [{ ...hop, ...(user ? { user } : {}), ...(port ? { port } : {}) }];
}

/** More hops than any real network has; beyond it a config is looping. */
const MAX_HOPS = 8;

function hopsOf(host: SshHostOptions): HopSpec[] {
  if (host.proxyJump) return parseProxyJump(host.proxyJump, host.alias);
  if (host.proxyCommand) {
    const hops = proxyCommandAsJump(host.proxyCommand);
    if (hops) return hops;
    const program = proxyCommandProgram(host.proxyCommand);
    throw new SshmountError(
      "unsupported",
      `"${host.alias}" connects through a ProxyCommand that runs ${program}, which the mount container does not have`,
      { alias: host.alias, detail: host.proxyCommand },
    );
  }
  return [];
}

/**
 * The hosts ssh connects through to reach `target`, first connection first, each resolved with ssh -G.
 * For `ProxyJump a,b,c` ssh reaches c with `-J a,b` (c's own ProxyJump is overridden) and a through a's
 * own ProxyJump, so only the first hop of a list recurses.
 */
export async function resolveJumpChain(target: SshHostOptions, options: ResolveOptions): Promise<SshHostOptions[]> {
  const chain: SshHostOptions[] = [];
  const visit = async (host: SshHostOptions, depth: number): Promise<void> => {
    const hops = hopsOf(host);
    if (hops.length === 0) return;
    if (depth + hops.length > MAX_HOPS) {
      throw new SshmountError("ssh-config-invalid", `The jump hosts of "${target.alias}" go round in a loop`, {
        alias: target.alias,
        detail: target.proxyJump ?? target.proxyCommand,
      });
    }
    const resolved = await Promise.all(
      hops.map((hop) => resolveHost(hop.host, { ...options, login: hop.user, port: hop.port })),
    );
    await visit(resolved[0], depth + hops.length);
    chain.push(...resolved);
  };
  await visit(target, 0);
  return chain;
}
