import net from "node:net";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { SMB_PORT } from "../container/contract";
import type { CommandRunner } from "../process";
import { adviceWhenProbeFails, classifyRoute, type Interfaces, type RouteVerdict, type RouteVia } from "./route";

export type ProbeResult = "open" | "refused" | "timeout" | "error";

/**
 * One TCP connect under a hard timer. "refused" still proves the path works (the server is not up
 * yet); "timeout" is what an unrouted container IP looks like from a Mac.
 */
export function probeTcp(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (result: ProbeResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish("timeout"), timeoutMs);
    socket.once("connect", () => finish("open"));
    socket.once("error", (error: NodeJS.ErrnoException) => finish(error.code === "ECONNREFUSED" ? "refused" : "error"));
  });
}

interface SmbEndpoint {
  host: string;
  port: number;
}

/** How the Mac reaches a share: decided per mount ("auto"), or fixed by the user's preference. */
export type ConnectionMode = "auto" | "bridge" | "localhost";

export interface ConnectionChoice {
  /** What the URL uses: the container's IP on 445, or the port published on 127.0.0.1. */
  mode: "bridge" | "localhost";
  /** The route the container IP has, when it was looked up (auto mode). */
  via?: RouteVia;
  /** Why this way, in plain words; the fix when the container IP could not be used. */
  reason: string;
}

interface Reachability {
  endpoint?: SmbEndpoint;
  connection: ConnectionChoice;
}

/** What the routing table says about a container IP (lookUpRoute, or one shared by a list's mounts). */
export type RouteLookup = (ip: string, interfaces: Interfaces) => Promise<RouteVerdict | undefined>;

interface ReachOptions {
  platform: NodeJS.Platform;
  run: CommandRunner;
  mode: ConnectionMode;
  probe?: (host: string, port: number) => Promise<ProbeResult>;
  interfaces?: () => Interfaces;
  lookUp?: RouteLookup;
}

/** Asks the routing table about `ip` (macOS `route -n get`, Linux `ip route get`); undefined elsewhere. */
export async function lookUpRoute(
  ip: string,
  platform: NodeJS.Platform,
  run: CommandRunner,
  interfaces: Interfaces,
): Promise<RouteVerdict | undefined> {
  const command =
    platform === "darwin"
      ? { file: "/sbin/route", args: ["-n", "get", ip] }
      : platform === "linux"
        ? { file: "ip", args: ["route", "get", ip] }
        : undefined;
  if (!command) return undefined;
  try {
    const output = await run(command.file, command.args, { timeoutMs: 2_000 });
    return classifyRoute(platform, output, interfaces);
  } catch {
    // No route tool (a minimal Linux): the probe alone decides.
    return undefined;
  }
}

/**
 * One route lookup for every container IP of one Docker network: the routing table routes the
 * network's subnet as a whole, so the first IP's verdict holds for the others (each IP's TCP probe
 * still confirms it). A list of twenty mounts then spawns `route` once, not twenty times (measured
 * here: 20 spawns of `ip route get` in parallel 140-320 ms, one 8-15 ms).
 */
export function sharedRouteLookup(platform: NodeJS.Platform, run: CommandRunner, early?: string): RouteLookup {
  let verdict: Promise<RouteVerdict | undefined> | undefined;
  const lookUp: RouteLookup = (ip, interfaces) => (verdict ??= lookUpRoute(ip, platform, run, interfaces));
  // An IP known before the mounts are inspected (a list's summaries have one) starts the lookup now.
  if (early) void lookUp(early, os.networkInterfaces());
  return lookUp;
}

/** "refused" means the path works and smbd is still starting: worth a few more tries. */
async function probeWithRetry(probe: NonNullable<ReachOptions["probe"]>, ip: string): Promise<ProbeResult> {
  let result: ProbeResult = "error";
  for (let attempt = 0; attempt < 4; attempt++) {
    result = await probe(ip, SMB_PORT);
    if (result !== "refused") return result;
    await sleep(250);
  }
  return result;
}

const routeWords: Record<RouteVia, string> = {
  orbstack: "OrbStack routes container IPs",
  "docker-mac-net-connect": "docker-mac-net-connect routes the container network",
  direct: "this machine routes the container network",
  vpn: "a VPN owns the route",
  none: "there is no route",
};

/**
 * Picks the address Finder should use. Auto: the container IP on 445 when the routing table has a
 * route that can deliver it and a TCP connect confirms; else the port published on 127.0.0.1, with
 * the reason (and the fix) for the user. A preference can fix either way.
 */
export async function reachShare(
  containerIp: string | undefined,
  publishedPort: number | undefined,
  options: ReachOptions,
): Promise<Reachability> {
  const localhost = publishedPort ? { host: "127.0.0.1", port: publishedPort } : undefined;
  if (options.mode === "localhost") {
    return {
      endpoint: localhost,
      connection: { mode: "localhost", reason: "the connection mode is set to localhost" },
    };
  }
  if (options.mode === "bridge") {
    return {
      endpoint: containerIp ? { host: containerIp, port: SMB_PORT } : undefined,
      connection: { mode: "bridge", reason: "the connection mode is set to bridge" },
    };
  }
  if (!containerIp) {
    return {
      endpoint: localhost,
      connection: { mode: "localhost", reason: "the container has no IP on the mount network" },
    };
  }
  const interfaces = (options.interfaces ?? os.networkInterfaces)();
  const lookUp = options.lookUp ?? ((ip, found) => lookUpRoute(ip, options.platform, options.run, found));
  const verdict = await lookUp(containerIp, interfaces);
  if (verdict && !verdict.reachable) {
    return { endpoint: localhost, connection: { mode: "localhost", via: verdict.via, reason: verdict.advice } };
  }
  const probe = options.probe ?? ((host: string, port: number) => probeTcp(host, port, 1_500));
  if ((await probeWithRetry(probe, containerIp)) === "open") {
    return {
      endpoint: { host: containerIp, port: SMB_PORT },
      connection: { mode: "bridge", via: verdict?.via, reason: verdict ? routeWords[verdict.via] : "port 445 answers" },
    };
  }
  const reason = verdict
    ? adviceWhenProbeFails(verdict, containerIp)
    : `Nothing answered on ${containerIp}:445; sshmount serves the share on a localhost port.`;
  return { endpoint: localhost, connection: { mode: "localhost", via: verdict?.via, reason } };
}

/** Finder wants `smb://user@host[:port]/share`; the password never goes into the URL. */
export function smbUrl(endpoint: SmbEndpoint, user: string, share: string): string {
  const host = endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host;
  const port = endpoint.port === 445 ? "" : `:${endpoint.port}`;
  return `smb://${encodeURIComponent(user)}@${host}${port}/${encodeURIComponent(share)}`;
}
