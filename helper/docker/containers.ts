import type { Socket } from "node:net";
import type Docker from "dockerode";
import { readTar } from "./archive";
import { statusCode } from "./status-code";

/** Docker multiplexes stdout and stderr of a non-TTY container into 8-byte-headed frames. */
function demuxLogs(buffer: Buffer): string {
  const chunks: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    chunks.push(buffer.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function containerLogs(container: Docker.Container, tail?: number): Promise<string> {
  const raw = (await container.logs({
    stdout: true,
    stderr: true,
    follow: false,
    ...(tail ? { tail } : {}),
  })) as unknown;
  return demuxLogs(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)));
}

/** Reads one file out of a container, running or not, through the archive API. */
export async function readContainerFile(container: Docker.Container, file: string): Promise<Buffer> {
  const stream = await container.getArchive({ path: file });
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  const entries = readTar(Buffer.concat(chunks));
  const content = entries.get(file.split("/").pop() ?? file);
  if (!content) throw new Error(`${file} is not in the container`);
  return content;
}

export function isNotFound(error: unknown): boolean {
  return statusCode(error) === 404;
}

/**
 * Whether a request failed because the container is going away: gone already (404), or being removed
 * by another client, which Docker answers with a 409 until it is gone (moby's daemon/logs.go).
 */
export async function isGoingAway(container: Docker.Container, error: unknown): Promise<boolean> {
  if (isNotFound(error)) return true;
  if (statusCode(error) !== 409) return false;
  try {
    const { State } = await container.inspect();
    return State.Status === "removing" || State.Dead;
  } catch (again) {
    return isNotFound(again);
  }
}

/** Removes a container and its anonymous volumes; a container that is already gone is not an error. */
export async function removeContainer(container: Docker.Container): Promise<void> {
  try {
    await container.remove({ force: true, v: true });
  } catch (error) {
    const status = statusCode(error);
    // 409: removal already in progress, started by someone else.
    if (status !== 404 && status !== 409) throw error;
  }
}

/**
 * Holds the stdin of a container created with OpenStdin and StdinOnce, attached before it starts. The
 * engine closes the container's stdin once this connection closes: by close(), or with this process
 * whatever kills it. Unref'd: it alone never keeps a finished process alive.
 */
export async function holdStdin(container: Docker.Container): Promise<{ close(): void }> {
  const socket = (await container.attach({ stream: true, stdin: true, hijack: true })) as unknown as Socket;
  socket.unref();
  socket.on("error", () => undefined);
  return { close: () => socket.destroy() };
}
