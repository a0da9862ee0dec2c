import os from "node:os";
import path from "node:path";
import { SshmountError } from "../errors";
import { hasControlCharacters, quoted } from "../text";
import type { CommandRunner } from "../process";

/** What OpenSSH itself resolved for one alias (`ssh -G`), with paths expanded for this machine. */
export interface SshHostOptions {
  alias: string;
  hostName: string;
  user: string;
  port: number;
  identityFiles: string[];
  identitiesOnly: boolean;
  /** IdentityAgent as ssh -G prints it: "none", "SSH_AUTH_SOCK", a socket path; undefined when unset (SSH_AUTH_SOCK). */
  identityAgent?: string;
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  /** New known_hosts lines are written hashed (HashKnownHosts yes). */
  hashKnownHosts: boolean;
  hostKeyAlias?: string;
  proxyJump?: string;
  proxyCommand?: string;
  connectTimeout?: number;
  /** "file:line" of every Host block OpenSSH applied; only with ResolveOptions.trace. */
  appliedBlocks?: string[];
}

export interface ResolveOptions {
  configFile?: string;
  run: CommandRunner;
  env?: NodeJS.ProcessEnv;
  home?: string;
  localUser?: string;
  /** `ssh -l`/`-p`: a jump host given as user@host:port. */
  login?: string;
  port?: number;
  /** Also report which Host blocks applied (`ssh -G -v`). */
  trace?: boolean;
}

/** `ssh -G` prints every option as `key value`, keys lower-cased; repeatable keys appear once per value. */
export function parseSshG(stdout: string): Map<string, string[]> {
  const options = new Map<string, string[]>();
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^(\S+)\s+(.*)$/.exec(line.trim());
    if (!match) continue;
    const [, key, value] = match;
    const values = options.get(key) ?? [];
    values.push(value);
    options.set(key, values);
  }
  return options;
}

interface TokenContext {
  home: string;
  localUser: string;
  hostName: string;
  user: string;
  port: number;
  alias: string;
}

/**
 * ssh -G prints IdentityFile and UserKnownHostsFile before `~` and %-tokens are expanded (ssh does that
 * when it uses them), so we expand the tokens ssh_config(5) defines for these keywords. A file naming a
 * token we cannot know here (%C, %l, %k…) is returned as undefined and skipped rather than guessed.
 */
export function expandSshPath(value: string, context: TokenContext): string | undefined {
  let unknownToken = false;
  const tokens: Record<string, string> = {
    "%": "%",
    d: context.home,
    u: context.localUser,
    h: context.hostName,
    r: context.user,
    p: String(context.port),
    n: context.alias,
  };
  let expanded = value.replace(/%(.)/g, (_, token: string) => {
    if (token in tokens) return tokens[token];
    unknownToken = true;
    return "";
  });
  if (unknownToken) return undefined;
  if (expanded === "~") expanded = context.home;
  else if (expanded.startsWith("~/")) expanded = path.join(context.home, expanded.slice(2));
  return expanded;
}

/**
 * What OpenSSH refuses in a host name on its command line ("hostname contains invalid characters",
 * ssh.c valid_hostname since 9.6, backported to Debian's 9.2): `ssh ALIAS` cannot use such a Host either.
 */
const REFUSED_BY_OPENSSH = /['`"$\\;&<>|(){}]/;

/** Rejects what would be read as an ssh option or could never be a host: everything else goes to ssh as one argument. */
export function validateAlias(alias: string): void {
  if (!alias || alias.length > 255 || alias.startsWith("-") || /\s/.test(alias) || hasControlCharacters(alias)) {
    throw new SshmountError(
      "invalid-input",
      `${quoted(alias)} is not a host alias: use a Host name from your ssh config (no spaces, not starting with "-")`,
      { alias },
    );
  }
  if (REFUSED_BY_OPENSSH.test(alias)) {
    throw new SshmountError(
      "invalid-input",
      `${quoted(alias)} cannot be used as a host: OpenSSH refuses host names with any of ' \` " $ \\ ; & < > | ( ) { }`,
      { alias },
    );
  }
}

function splitWords(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((value) => value.split(/\s+/)).filter((word) => word && word !== "none");
}

function single(options: Map<string, string[]>, key: string): string | undefined {
  const value = options.get(key)?.[0];
  return value === undefined || value === "none" ? undefined : value;
}

export function toHostOptions(
  alias: string,
  options: Map<string, string[]>,
  context: Omit<TokenContext, "hostName" | "user" | "port" | "alias">,
): SshHostOptions {
  const hostName = single(options, "hostname") ?? alias;
  const user = single(options, "user") ?? context.localUser;
  const port = Number(single(options, "port") ?? 22);
  const tokenContext: TokenContext = { ...context, hostName, user, port, alias };
  const expandAll = (values: string[]) =>
    values.map((value) => expandSshPath(value, tokenContext)).filter((value): value is string => Boolean(value));
  const timeout = single(options, "connecttimeout");
  return {
    alias,
    hostName,
    user,
    port,
    identityFiles: expandAll(options.get("identityfile") ?? []),
    identitiesOnly: single(options, "identitiesonly") === "yes",
    identityAgent: options.get("identityagent")?.[0],
    userKnownHostsFiles: expandAll(splitWords(options.get("userknownhostsfile"))),
    globalKnownHostsFiles: expandAll(splitWords(options.get("globalknownhostsfile"))),
    hashKnownHosts: single(options, "hashknownhosts") === "yes",
    hostKeyAlias: single(options, "hostkeyalias"),
    proxyJump: single(options, "proxyjump"),
    proxyCommand: single(options, "proxycommand"),
    connectTimeout: timeout ? Number(timeout) : undefined,
  };
}

/** OpenSSH prints "FILE: line N: reason" (or "FILE line N: reason" for quoting errors). */
function parseConfigErrorLocation(message: string): { file?: string; line?: number } {
  const match = /^(.*?):? line (\d+): /.exec(message) ?? /^(.*?): terminating/.exec(message);
  if (!match) return {};
  return { file: match[1], ...(match[2] ? { line: Number(match[2]) } : {}) };
}

/** The first line of ssh's stderr that says what is wrong (not its version banner or -v debug lines). */
function firstComplaint(stderr: string): string {
  return (
    stderr
      .split("\n")
      .map((line) => line.trim())
      .find((line) => line && !/^debug\d:|^OpenSSH_/.test(line)) ?? ""
  );
}

/** "FILE line N: Applying options for PATTERN", which `ssh -G -v` prints for each Host block it applies. */
function appliedBlocks(stderr: string): string[] {
  return [...stderr.matchAll(/^debug1: (.*) line (\d+): Applying options for /gm)].map(
    ([, file, line]) => `${path.resolve(file)}:${line}`,
  );
}

/** Asks OpenSSH how it would connect to ALIAS, so Match, Include and defaults behave exactly as in a terminal. */
export async function resolveHost(alias: string, options: ResolveOptions): Promise<SshHostOptions> {
  validateAlias(alias);
  const env = options.env ?? process.env;
  const args = [
    "-G",
    ...(options.trace ? ["-v"] : []),
    ...(options.configFile ? ["-F", options.configFile] : []),
    ...(options.login ? ["-l", options.login] : []),
    ...(options.port ? ["-p", String(options.port)] : []),
    "--",
    alias,
  ];
  let result;
  try {
    result = await options.run("ssh", args, { env, timeoutMs: 10_000 });
  } catch (error) {
    if (error instanceof SshmountError) throw error;
    throw new SshmountError("unsupported", "OpenSSH (ssh) is not installed or not on PATH", {}, { cause: error });
  }
  if (result.exitCode !== 0) {
    const detail = firstComplaint(result.stderr);
    const located = parseConfigErrorLocation(detail);
    throw new SshmountError("ssh-config-invalid", `OpenSSH cannot read the configuration for "${alias}"`, {
      alias,
      detail,
      file: located.file ?? options.configFile,
      line: located.line,
    });
  }
  const host = toHostOptions(alias, parseSshG(result.stdout), {
    home: options.home ?? env.HOME ?? os.homedir(),
    localUser: options.localUser ?? env.USER ?? os.userInfo().username,
  });
  return options.trace ? { ...host, appliedBlocks: appliedBlocks(result.stderr) } : host;
}
