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
 * the engine takes that option and without it where it does not; an existing network is reused as it is.
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
    try {
      await docker.createNetwork({
        Name: name,
        Driver: "bridge",
        CheckDuplicate: true,
        Labels: { "sshmount.managed": "true" },
        Options: driverOptions,
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
