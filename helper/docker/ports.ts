import net from "node:net";

/**
 * A loopback port that is free right now, for a mount's published SMB port. Docker would pick one
 * itself, but a new one on every container start: Finder's volume and the URL the
 * user copied would all point at a dead port after a restart. A port chosen once stays the mount's own.
 */
export async function freeLoopbackPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Docker's refusal when another program took the port between our check and its bind. */
export function isPortConflict(error: unknown): boolean {
  return /port is already allocated|address already in use/i.test(String((error as Error)?.message ?? error));
}
