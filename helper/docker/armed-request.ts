import net from "node:net";
import { engineTarget, type EngineEndpoint } from "./engine";

/** The engine's socket, through the same check as every other connection: never one off this machine. */
function socketTarget(endpoint: EngineEndpoint): net.NetConnectOpts {
  const target = engineTarget(endpoint);
  return "socketPath" in target ? { path: target.socketPath } : target;
}

/**
 * One request to the engine written in advance but for its last two bytes, so that firing it is a
 * single synchronous socket write: the request is in the kernel before fire() returns, and the engine
 * completes it even when this process dies right after (Raycast ending the command's worker, a
 * SIGKILL). Through dockerode the same request would wait for a connection first. Never fired, the
 * engine drops the unfinished request when the socket closes.
 */
export class ArmedRequest {
  private readonly socket: net.Socket;
  private connected = false;

  constructor(
    endpoint: EngineEndpoint,
    method: string,
    requestPath: string,
    private readonly answerTimeoutMs = 10_000,
  ) {
    this.socket = net.connect(socketTarget(endpoint), () => (this.connected = true));
    // An armed request must never keep a finished CLI alive, and its failures only mean fire() cannot.
    this.socket.unref();
    this.socket.on("error", () => undefined);
    this.socket.write(`${method} ${requestPath} HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n`);
  }

  /** Sends the request; resolves with the engine's status. Undefined when the socket is not (or no longer) open. */
  fire(): Promise<number> | undefined {
    const socket = this.socket;
    if (!this.connected || socket.destroyed) {
      this.disarm();
      return undefined;
    }
    const answer = new Promise<number>((resolve, reject) => {
      let head = "";
      socket.on("data", (chunk: Buffer) => (head += chunk.toString("latin1")));
      socket.on("close", () => {
        const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1];
        if (status) resolve(Number(status));
        else reject(new Error("The engine closed the connection without an answer"));
      });
    });
    socket.ref();
    // An engine (or a proxy in front of it) that never answers must not hold the cancel forever: the
    // timeout closes the socket, the answer is missing, and the caller falls back to dockerode.
    socket.setTimeout(this.answerTimeoutMs, () => socket.destroy());
    socket.write("\r\n");
    return answer;
  }

  disarm(): void {
    this.socket.destroy();
  }
}
