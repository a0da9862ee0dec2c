import net from "node:net";

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

export interface SmbEndpoint {
  host: string;
  port: number;
}

/** How the Mac reaches a share: decided per mount ("auto"), or fixed by the user's preference. */
export type ConnectionMode = "auto" | "container-ip" | "localhost";

/** The container IP when this machine can reach it, else the port published on 127.0.0.1. */
export async function chooseEndpoint(
  containerIp: string | undefined,
  publishedPort: number | undefined,
  probe: (host: string, port: number) => Promise<ProbeResult> = (host, port) => probeTcp(host, port, 800),
  mode: ConnectionMode = "auto",
): Promise<SmbEndpoint | undefined> {
  if (mode === "container-ip") return containerIp ? { host: containerIp, port: 445 } : undefined;
  if (mode === "auto" && containerIp && (await probe(containerIp, 445)) === "open") {
    return { host: containerIp, port: 445 };
  }
  if (publishedPort) return { host: "127.0.0.1", port: publishedPort };
  return undefined;
}

/** Finder wants `smb://user@host[:port]/share`; the password never goes into the URL. */
export function smbUrl(endpoint: SmbEndpoint, user: string, share: string): string {
  const host = endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host;
  const port = endpoint.port === 445 ? "" : `:${endpoint.port}`;
  return `smb://${encodeURIComponent(user)}@${host}${port}/${encodeURIComponent(share)}`;
}
