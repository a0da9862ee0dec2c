import { createHash } from "node:crypto";
import http from "node:http";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { SshmountError } from "../errors";
import { pathExists } from "../files";
import { statusCode } from "./status-code";

type EngineSource = "option" | "DOCKER_HOST" | "context" | "socket";

export interface EngineEndpoint {
  source: EngineSource;
  /** `unix:///path` or `tcp://host:port`. */
  host: string;
  /** Docker CLI context name, when the endpoint came from one. */
  context?: string;
  /** TLS was asked for (DOCKER_TLS_VERIFY, DOCKER_TLS, a context's TLS files): refused, see engineTarget. */
  tls?: boolean;
}

interface EngineLookup {
  socket?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
  exists?: (file: string) => Promise<boolean>;
}

/** Sockets of the engines a Mac developer runs, in the order we prefer them. */
export function defaultSockets(home: string): string[] {
  return [
    path.join(home, ".orbstack/run/docker.sock"),
    path.join(home, ".docker/run/docker.sock"),
    "/var/run/docker.sock",
    path.join(home, ".colima/default/docker.sock"),
  ];
}

function asHostUrl(value: string): string {
  return value.includes("://") ? value : `unix://${value}`;
}

/**
 * The Docker CLI keeps the current context in config.json (or DOCKER_CONTEXT) and its endpoint in
 * contexts/meta/<sha256 of the name>/meta.json. "default" means "no context": fall through to sockets.
 */
export async function currentContextHost(
  env: NodeJS.ProcessEnv,
  home: string,
): Promise<{ name: string; host: string; tls?: boolean } | undefined> {
  const configDir = env.DOCKER_CONFIG ?? path.join(home, ".docker");
  let name = env.DOCKER_CONTEXT;
  if (!name) {
    try {
      name = JSON.parse(await fs.readFile(path.join(configDir, "config.json"), "utf8")).currentContext;
    } catch {
      return undefined;
    }
  }
  if (!name || name === "default") return undefined;
  const digest = createHash("sha256").update(name).digest("hex");
  try {
    const meta = JSON.parse(await fs.readFile(path.join(configDir, "contexts/meta", digest, "meta.json"), "utf8"));
    const host = meta?.Endpoints?.docker?.Host;
    if (typeof host !== "string") return undefined;
    // The CLI keeps a context's CA and client certificate beside its meta, in contexts/tls/<digest>/docker.
    const tls = await pathExists(path.join(configDir, "contexts/tls", digest, "docker"));
    return tls ? { name, host, tls } : { name, host };
  } catch {
    return undefined;
  }
}

/** The endpoint, once engineTarget has found it local; nothing has connected to it yet. */
function checked(endpoint: EngineEndpoint): EngineEndpoint {
  engineTarget(endpoint);
  return endpoint;
}

/**
 * Mirrors the Docker CLI: explicit option, DOCKER_HOST, the current context, then well-known sockets.
 * An endpoint that is not on this machine is refused here, before anything connects to it.
 */
export async function findEngine(lookup: EngineLookup = {}): Promise<EngineEndpoint> {
  const env = lookup.env ?? process.env;
  const home = lookup.home ?? env.HOME ?? os.homedir();
  const exists = lookup.exists ?? pathExists;
  // The CLI applies DOCKER_TLS_VERIFY / DOCKER_TLS to -H and DOCKER_HOST alike; a context has its own.
  const tls = Boolean(env.DOCKER_TLS_VERIFY || env.DOCKER_TLS) || undefined;
  if (lookup.socket) return checked({ source: "option", host: asHostUrl(lookup.socket), ...(tls && { tls }) });
  if (env.DOCKER_HOST) return checked({ source: "DOCKER_HOST", host: env.DOCKER_HOST, ...(tls && { tls }) });
  const context = await currentContextHost(env, home);
  if (context) {
    const { name, host, tls: contextTls } = context;
    return checked({ source: "context", host, context: name, ...(contextTls && { tls: contextTls }) });
  }
  const sockets = defaultSockets(home);
  for (const socket of sockets) {
    if (await exists(socket)) return { source: "socket", host: `unix://${socket}` };
  }
  throw new SshmountError("docker-unavailable", `No Docker engine found (tried ${sockets.join(", ")})`, {
    tried: sockets,
  });
}

type EngineTarget = { socketPath: string } | { host: string; port: number };

/** Loopback addresses; an IPv4-mapped IPv6 address (::ffff:127.0.0.1) counts as its IPv4 one. */
const loopback = new net.BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

/** What the user changes to point sshmount at a local engine, by where the endpoint came from. */
function whereToChange(endpoint: EngineEndpoint): string {
  switch (endpoint.source) {
    case "option":
      return "set the Docker Socket preference to the engine's socket on this machine, or leave it empty";
    case "DOCKER_HOST":
      return "unset DOCKER_HOST, or set it to the engine's socket on this machine (unix:///…)";
    case "context":
      return `switch the Docker context (\`docker context use default\`, or the local engine's context) instead of ${endpoint.context ?? "the current one"}`;
    case "socket":
      return "start a Docker engine on this machine";
  }
}

function refuse(endpoint: EngineEndpoint, why: string): never {
  throw new SshmountError(
    "unsupported",
    `The Docker engine ${endpoint.host} (from ${endpoint.context ? `context ${endpoint.context}` : endpoint.source}) ${why}; ${whereToChange(endpoint)}`,
    { tried: [endpoint.host] },
  );
}

/**
 * Where the engine is, refused unless it is on this machine: a mount hands its engine the SMB
 * password, ssh keys and passwords, so a remote engine (or one whose name DNS decides) would send them
 * over the network in clear text. Accepted: a unix socket, a loopback IP, and `localhost`, which is
 * connected to as 127.0.0.1 and never looked up (hosts files and resolvers can map it elsewhere). A
 * loopback name written any other way (127.1, 2130706433) is refused rather than guessed at. TLS is
 * refused too: on loopback it protects nothing the socket does not, and sshmount does not load the
 * engine's certificates, so it would half work with verification ignored.
 */
export function engineTarget(endpoint: EngineEndpoint): EngineTarget {
  let url: URL;
  try {
    url = new URL(endpoint.host);
  } catch {
    return refuse(endpoint, "is not an address sshmount can read");
  }
  if (url.protocol === "unix:") return { socketPath: decodeURIComponent(url.pathname) };
  if (url.protocol !== "tcp:" && url.protocol !== "http:" && url.protocol !== "https:") {
    return refuse(endpoint, `is remote (${url.protocol}); sshmount needs an engine on this machine`);
  }
  const name = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const family = net.isIPv4(name) ? "ipv4" : net.isIPv6(name) ? "ipv6" : undefined;
  const local = name.toLowerCase() === "localhost" || (family !== undefined && loopback.check(name, family));
  if (!local) {
    return refuse(
      endpoint,
      "is not on this machine: sshmount gives its engine SSH keys and passwords, and only a local socket or a loopback address (127.0.0.1, ::1, localhost) keeps them here",
    );
  }
  const port = Number(url.port || 2375);
  if (endpoint.tls || url.protocol === "https:" || port === 2376) {
    return refuse(
      endpoint,
      "uses TLS (DOCKER_TLS_VERIFY, https or port 2376), whose certificates sshmount does not load: on this machine its unix socket serves as well",
    );
  }
  return { host: name.toLowerCase() === "localhost" ? "127.0.0.1" : name, port };
}

/** dockerode options for an endpoint; engineTarget refuses any that is not on this machine. */
export function dockerOptions(endpoint: EngineEndpoint): Docker.DockerOptions {
  const target = engineTarget(endpoint);
  return "socketPath" in target ? target : { ...target, protocol: "http" };
}

/**
 * Makes a client for the engine from dockerode's options, which engineTarget has checked; the helper
 * opens several (a short-timeout ping, a fresh connection to see whether the engine still takes one),
 * so tests inject how a client is made rather than one client.
 */
export type DockerClient = (options: Docker.DockerOptions) => Docker;

export const dockerode: DockerClient = (options) => new Docker(options);

export interface Engine {
  docker: Docker;
  endpoint: EngineEndpoint;
}

/** How long the engine has to answer its first ping. */
const PING_TIMEOUT_MS = 5_000;

/** Finds the engine and proves it answers, so every later failure is about the mount, not the engine. */
export async function connectEngine(lookup: EngineLookup & { client?: DockerClient } = {}): Promise<Engine> {
  const endpoint = await findEngine(lookup);
  const client = lookup.client ?? dockerode;
  const docker = client({ ...dockerOptions(endpoint), timeout: PING_TIMEOUT_MS });
  try {
    await docker.ping();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SshmountError(
      "docker-unavailable",
      `The Docker engine at ${endpoint.host} (from ${endpoint.source}) does not answer`,
      { tried: [endpoint.host], detail: reason },
      { cause: error },
    );
  }
  // The ping needed a short timeout; builds and log reads must not inherit it.
  return { docker: client(dockerOptions(endpoint)), endpoint };
}

const CONNECT_CODES = new Set(["ECONNREFUSED", "ENOENT", "EACCES", "ETIMEDOUT"]);

/**
 * Whether Node's error is the engine connection's own: a connect to the endpoint's socket or port that
 * failed, or a reset of the request's socket. A file or a program that is missing fails with the same
 * codes (ENOENT…) but names a `path`; only the socket's error names the endpoint's `address`.
 */
function isEngineSocketError(error: unknown, endpoint: EngineEndpoint): boolean {
  const {
    code,
    syscall,
    address,
    port,
    path: file,
    message,
  } = (error ?? {}) as {
    code?: string;
    syscall?: string;
    address?: string;
    port?: number;
    path?: string;
    message?: string;
  };
  if (file !== undefined) return false;
  if (syscall === "connect") {
    if (code === undefined || !CONNECT_CODES.has(code)) return false;
    const options = dockerOptions(endpoint);
    return options.socketPath !== undefined ? address === options.socketPath : port === options.port;
  }
  const reset = code === "ECONNRESET" || code === "EPIPE" || /socket hang up/.test(message ?? "");
  return reset && (syscall === undefined || syscall === "read" || syscall === "write");
}

/**
 * The engine went away after connectEngine found it (quit, restarted, crashed mid-mount): dockerode
 * then fails with the socket's own error ("connect ENOENT …"), or, while the engine shuts down, with
 * the engine's own 500 for requests already under way ("transport is closing"). Either would reach the
 * user as noise; a 500 counts only when the engine also refuses a new connection. Nothing else does:
 * a missing key file is not a missing engine.
 */
export async function engineLost(
  error: unknown,
  endpoint: EngineEndpoint,
  client: DockerClient = dockerode,
): Promise<SshmountError | undefined> {
  if (error instanceof SshmountError) return undefined;
  const { message } = (error ?? {}) as { message?: string };
  const lost =
    isEngineSocketError(error, endpoint) ||
    ((statusCode(error) ?? 0) >= 500 && !(await engineAcceptsConnections(endpoint, client)));
  if (!lost) return undefined;
  return new SshmountError(
    "docker-unavailable",
    `The Docker engine at ${endpoint.host} stopped answering`,
    { tried: [endpoint.host], detail: message },
    { cause: error },
  );
}

/**
 * Whether the engine takes a new connection right now. A shutting-down engine first closes its socket
 * but keeps serving connections already open (Node keeps them alive), so only a fresh one tells.
 */
export async function engineAcceptsConnections(
  endpoint: EngineEndpoint,
  client: DockerClient = dockerode,
): Promise<boolean> {
  const base = dockerOptions(endpoint);
  const agent = new http.Agent({ keepAlive: false });
  // docker-modem takes an agent; @types/dockerode does not list it.
  const options: Docker.DockerOptions & { agent: http.Agent } = { ...base, agent, timeout: 2_000 };
  try {
    await client(options).ping();
    return true;
  } catch {
    return false;
  } finally {
    agent.destroy();
  }
}
