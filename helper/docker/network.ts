import type Docker from "dockerode";

export const DEFAULT_NETWORK = "sshmount";

export function networkName(env: NodeJS.ProcessEnv = process.env): string {
  return env.SSHMOUNT_NETWORK || DEFAULT_NETWORK;
}

function statusCode(error: unknown): number | undefined {
  return (error as { statusCode?: number })?.statusCode;
}

/**
 * A user-defined bridge, because only those give containers DNS by name: a server container on the same
 * network is reachable by its name from the mount container. An existing network is reused as it is.
 */
export async function ensureNetwork(docker: Docker, name: string): Promise<void> {
  try {
    await docker.getNetwork(name).inspect();
    return;
  } catch (error) {
    if (statusCode(error) !== 404) throw error;
  }
  try {
    await docker.createNetwork({
      Name: name,
      Driver: "bridge",
      CheckDuplicate: true,
      Labels: { "sshmount.managed": "true" },
    });
  } catch (error) {
    // Another mount created it between our inspect and create.
    if (statusCode(error) !== 409) throw error;
  }
}
