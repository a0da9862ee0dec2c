import { createHash } from "node:crypto";
import http from "node:http";
import https from "node:https";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { SshmountError } from "../errors";
import { pathExists } from "../files";

export type EngineSource = "option" | "DOCKER_HOST" | "context" | "socket";

export interface EngineEndpoint {
  source: EngineSource;
  /** `unix:///path` or `tcp://host:port`. */
  host: string;
  /** Docker CLI context name, when the endpoint came from one. */
  context?: string;
}

export interface EngineLookup {
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
): Promise<{ name: string; host: string } | undefined> {
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
    return typeof host === "string" ? { name, host } : undefined;
  } catch {
    return undefined;
  }
}

/** Mirrors the Docker CLI: explicit option, DOCKER_HOST, the current context, then well-known sockets. */
export async function findEngine(lookup: EngineLookup = {}): Promise<EngineEndpoint> {
  const env = lookup.env ?? process.env;
  const home = lookup.home ?? env.HOME ?? os.homedir();
  const exists = lookup.exists ?? pathExists;
  if (lookup.socket) return { source: "option", host: asHostUrl(lookup.socket) };
  if (env.DOCKER_HOST) return { source: "DOCKER_HOST", host: env.DOCKER_HOST };
  const context = await currentContextHost(env, home);
  if (context) return { source: "context", host: context.host, context: context.name };
  const sockets = defaultSockets(home);
  for (const socket of sockets) {
    if (await exists(socket)) return { source: "socket", host: `unix://${socket}` };
  }
  throw new SshmountError("docker-unavailable", `No Docker engine found (tried ${sockets.join(", ")})`, {
    tried: sockets,
  });
}

/** dockerode options for an endpoint. An ssh:// engine is refused: the mount container must run on this machine. */
export function dockerOptions(endpoint: EngineEndpoint): Docker.DockerOptions {
  const url = new URL(endpoint.host);
  switch (url.protocol) {
    case "unix:":
      return { socketPath: decodeURIComponent(url.pathname) };
    case "tcp:":
    case "http:":
      return { host: url.hostname, port: Number(url.port || 2375), protocol: "http" };
    case "https:":
      return { host: url.hostname, port: Number(url.port || 2376), protocol: "https" };
    default:
      throw new SshmountError(
        "unsupported",
        `The Docker engine ${endpoint.host} is remote (${url.protocol}); sshmount needs an engine on this machine`,
        { tried: [endpoint.host] },
      );
  }
}

export interface Engine {
  docker: Docker;
  endpoint: EngineEndpoint;
}

/** Finds the engine and proves it answers, so every later failure is about the mount, not the engine. */
export async function connectEngine(lookup: EngineLookup = {}, timeoutMs = 5_000): Promise<Engine> {
  const endpoint = await findEngine(lookup);
  const docker = new Docker({ ...dockerOptions(endpoint), timeout: timeoutMs });
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
  return { docker: new Docker(dockerOptions(endpoint)), endpoint };
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
export async function engineLost(error: unknown, endpoint: EngineEndpoint): Promise<SshmountError | undefined> {
  if (error instanceof SshmountError) return undefined;
  const { message, statusCode } = (error ?? {}) as { message?: string; statusCode?: number };
  const lost =
    isEngineSocketError(error, endpoint) || ((statusCode ?? 0) >= 500 && !(await engineAcceptsConnections(endpoint)));
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
export async function engineAcceptsConnections(endpoint: EngineEndpoint): Promise<boolean> {
  const base = dockerOptions(endpoint);
  const agent =
    base.protocol === "https" ? new https.Agent({ keepAlive: false }) : new http.Agent({ keepAlive: false });
  // docker-modem takes an agent; @types/dockerode does not list it.
  const options: Docker.DockerOptions & { agent: http.Agent } = { ...base, agent, timeout: 2_000 };
  try {
    await new Docker(options).ping();
    return true;
  } catch {
    return false;
  } finally {
    agent.destroy();
  }
}
