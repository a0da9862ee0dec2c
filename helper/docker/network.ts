import { randomBytes, randomInt } from "node:crypto";
import net from "node:net";
import type Docker from "dockerode";
import { statusCode } from "./status-code";

const DEFAULT_NETWORK = "sshmount";

export function networkName(env: NodeJS.ProcessEnv): string {
  return env.SSHMOUNT_NETWORK || DEFAULT_NETWORK;
}

/**
 * Docker Engine 28 and later drop traffic from the host to a container's own ports unless the network
 * allows direct routing (docker/docs engine/network/port-publishing.md, "Direct routing"). Engines
 * before 28 do not know the value; 27 refuses it, older ones ignore it.
 */
export const DIRECT_ROUTING_OPTIONS: Record<string, string> = {
  "com.docker.network.bridge.gateway_mode_ipv4": "nat-unprotected",
};

/** The engine refused one of these options (by name or value), as opposed to failing for another reason. */
function refusedOption(error: unknown, options: Record<string, string>): boolean {
  const message = String((error as { json?: { message?: string } })?.json?.message ?? (error as Error)?.message ?? "");
  return Object.entries(options).some(([key, value]) => message.includes(key) || message.includes(value));
}

interface NetworkResult {
  created: boolean;
  /** The driver options the network has (an existing network keeps its own). */
  options: Record<string, string>;
}

/**
 * A user-defined bridge, because only those give containers DNS by name: a server container on the same
 * network is reachable by its name from the mount container. Created with direct routing allowed where
 * the engine takes that option and without it where it does not, and with a subnet of its own
 * (freeSubnet) so that mounts keep their address; an existing network is reused as it is.
 */
export async function ensureNetwork(
  docker: Docker,
  name: string,
  options: Record<string, string> = DIRECT_ROUTING_OPTIONS,
): Promise<NetworkResult> {
  try {
    const existing = await docker.getNetwork(name).inspect();
    return { created: false, options: existing.Options ?? {} };
  } catch (error) {
    if (statusCode(error) !== 404) throw error;
  }
  const create = async (driverOptions: Record<string, string>): Promise<NetworkResult> => {
    const request = (subnet?: Subnet) =>
      docker.createNetwork({
        Name: name,
        Driver: "bridge",
        CheckDuplicate: true,
        Labels: { "sshmount.managed": "true" },
        Options: driverOptions,
        ...(subnet ? { IPAM: { Driver: "default", Config: [subnet] } } : {}),
      });
    try {
      const subnet = await freeSubnet(docker, name);
      // Another network took the subnet since the probe gave it back: the engine picks one then.
      await request(subnet).catch((error: unknown) => {
        if (!subnet || !/overlap/i.test(String((error as Error)?.message))) throw error;
        return request();
      });
      return { created: true, options: driverOptions };
    } catch (error) {
      // Another mount created it between our inspect and create.
      if (statusCode(error) === 409) return { created: false, options: {} };
      throw error;
    }
  };
  try {
    return await create(options);
  } catch (error) {
    if (Object.keys(options).length === 0 || !refusedOption(error, options)) throw error;
    return create({});
  }
}

/** "a.b.c.d/n" as a number and a prefix length, for IPv4 only; undefined for anything else. */
function parseSubnet(value: unknown): { base: number; bits: number } | undefined {
  const match = typeof value === "string" ? /^([0-9.]+)\/(\d{1,2})$/.exec(value) : null;
  if (!match || !net.isIPv4(match[1])) return undefined;
  const bits = Number(match[2]);
  if (bits < 8 || bits > 30) return undefined;
  const address = match[1].split(".").reduce((sum, octet) => sum * 256 + Number(octet), 0);
  return { base: address - (address % 2 ** (32 - bits)), bits };
}

const ipv4 = (value: number) => [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");

interface Subnet {
  Subnet: string;
  Gateway?: string;
}

/**
 * A subnet the engine itself considers free, and its gateway, to create the network with: a network
 * whose subnet is the user's (not left to the engine) is the only kind a container may have a fixed
 * address on. The engine chooses for a probe network as it would for ours, so it avoids its other
 * networks (and on Linux the host's routes); the probe is removed at once. Undefined when the engine
 * gives none.
 */
async function freeSubnet(docker: Docker, name: string): Promise<Subnet | undefined> {
  const probe = await docker
    .createNetwork({ Name: `${name}-probe-${randomBytes(4).toString("hex")}`, Driver: "bridge" })
    .catch(() => undefined);
  if (!probe) return undefined;
  try {
    const config: { Subnet?: string; Gateway?: string }[] = (await probe.inspect()).IPAM?.Config ?? [];
    const found = config.find((each) => parseSubnet(each.Subnet));
    if (!found?.Subnet) return undefined;
    const gateway = found.Gateway && net.isIPv4(found.Gateway) ? { Gateway: found.Gateway } : {};
    return { Subnet: found.Subnet, ...gateway };
  } finally {
    await probe.remove().catch(() => undefined);
  }
}

/**
 * The address a new mount keeps for good on the network `subnet`: the highest one no container holds,
 * since the engine hands out addresses from the bottom (to the demo server, a host-key scan), so the
 * two do not meet. `taken` holds every address in use or kept by a stopped mount, and the gateway.
 * Never the last usable address: OrbStack gives it to the Mac (see the entrypoint's allowed_hosts).
 * `spread` > 1 picks at random among that many highest free ones: mounts made at the same moment all
 * see the same free address, and after a conflict they must not all retry the same next one.
 */
export function pickAddress(subnet: string, taken: ReadonlySet<string>, spread = 1): string | undefined {
  const parsed = parseSubnet(subnet);
  if (!parsed) return undefined;
  const size = 2 ** (32 - parsed.bits);
  const free: string[] = [];
  // Down from the one before the last usable address; never the network address or the first (the gateway's).
  for (let offset = size - 3; offset >= 2 && free.length < spread; offset--) {
    const address = ipv4(parsed.base + offset);
    if (!taken.has(address)) free.push(address);
  }
  return free.length > 0 ? free[randomInt(free.length)] : undefined;
}

/** The network's IPv4 subnet and the addresses its gateway and running containers have, as the engine says. */
export async function networkAddresses(
  docker: Docker,
  name: string,
): Promise<{ subnet: string; inUse: string[] } | undefined> {
  const info = await docker.getNetwork(name).inspect();
  const config: { Subnet?: string; Gateway?: string }[] = info.IPAM?.Config ?? [];
  const v4 = config.find((each) => parseSubnet(each.Subnet));
  if (!v4?.Subnet) return undefined;
  const containers = Object.values((info.Containers ?? {}) as Record<string, { IPv4Address?: string }>);
  const inUse = [v4.Gateway, ...containers.map((each) => each.IPv4Address?.split("/")[0])].filter(
    (address): address is string => typeof address === "string" && net.isIPv4(address),
  );
  return { subnet: v4.Subnet, inUse };
}
