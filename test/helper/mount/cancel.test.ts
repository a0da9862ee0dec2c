import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import type Docker from "dockerode";
import type { EngineEndpoint } from "../../../helper/docker/engine";
import { ArmedRequest } from "../../../helper/docker/armed-request";
import { RemovedOnAbort, StoppedOnAbort, untilAborted } from "../../../helper/mount/cancel";

/**
 * An engine on a unix socket that records what each connection sent and answers a complete request
 * as dockerd answers a forced removal (204, then closes: the request said Connection: close).
 */
let dir: string;
let server: net.Server;
let received: string[];
let endpoint: EngineEndpoint;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "sshmount-cancel-"));
  received = [];
  server = net.createServer((socket) => {
    const index = received.push("") - 1;
    socket.on("data", (chunk) => {
      received[index] += chunk.toString();
      if (received[index].endsWith("\r\n\r\n")) socket.end("HTTP/1.1 204 No Content\r\n\r\n");
    });
  });
  const socket = path.join(dir, "docker.sock");
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  endpoint = { source: "option", host: `unix://${socket}` };
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  await fs.rm(dir, { recursive: true, force: true });
});

/** A container whose dockerode calls (the fallback) are counted. */
function container(id = "c0ffee") {
  const calls: string[] = [];
  const stub = {
    id,
    remove: async () => void calls.push("remove"),
    stop: async () => void calls.push("stop"),
  };
  return { calls, container: stub as unknown as Docker.Container };
}

/** Until the armed connection has been accepted and its head has arrived. */
async function armed(): Promise<void> {
  while (!received.some((text) => text.includes("Connection: close"))) await sleep(2);
}

describe("RemovedOnAbort", () => {
  it("has the engine hold an unfinished DELETE until the abort, which completes it in one write", async () => {
    const controller = new AbortController();
    const { calls, container: stub } = container();
    const guard = new RemovedOnAbort(controller.signal, endpoint, stub);
    await armed();
    expect(received).toEqual([
      "DELETE /containers/c0ffee?force=1&v=1 HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n",
    ]);
    controller.abort();
    expect(guard.fired).toBe(true);
    await guard.remove();
    expect(received[0].endsWith("\r\n\r\n")).toBe(true);
    expect(calls).toEqual([]);
  });

  it("sends nothing for an abort after release (the mount is complete), and closes the armed connection", async () => {
    const controller = new AbortController();
    const { calls, container: stub } = container();
    const guard = new RemovedOnAbort(controller.signal, endpoint, stub);
    await armed();
    guard.release();
    controller.abort();
    await sleep(20);
    expect(guard.fired).toBe(false);
    expect(received[0].endsWith("\r\n\r\n")).toBe(false);
    expect(calls).toEqual([]);
  });

  it("remove() without an abort removes through dockerode, once", async () => {
    const { calls, container: stub } = container();
    await new RemovedOnAbort(new AbortController().signal, endpoint, stub).remove();
    expect(calls).toEqual(["remove"]);
  });

  it("falls back to dockerode for an already aborted signal (nothing armed yet)", async () => {
    const first = container();
    await new RemovedOnAbort(AbortSignal.abort(), endpoint, first.container).remove();
    expect(first.calls).toEqual(["remove"]);
  });
});

describe("StoppedOnAbort", () => {
  it("stops the container again, never removes it", async () => {
    const controller = new AbortController();
    const { calls, container: stub } = container("beef");
    const undo = new StoppedOnAbort(controller.signal, endpoint, stub);
    await armed();
    controller.abort();
    await undo.settled();
    expect(received).toEqual(["POST /containers/beef/stop?t=5 HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n"]);
    expect(calls).toEqual([]);
  });
});

describe("untilAborted", () => {
  it("rejects as cancelled on abort although the work goes on", async () => {
    const controller = new AbortController();
    const waiting = untilAborted(new Promise(() => undefined), controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ kind: "cancelled" });
  });

  it("passes the work's own result through", async () => {
    await expect(untilAborted(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
  });
});

describe("ArmedRequest", () => {
  it("gives up on an engine that takes the request and never answers, so a cancel cannot hang", async () => {
    const peers: net.Socket[] = [];
    const silent = net.createServer((peer) => void peers.push(peer));
    const socket = path.join(dir, "silent.sock");
    await new Promise<void>((resolve) => silent.listen(socket, resolve));
    try {
      const request = new ArmedRequest({ source: "option", host: `unix://${socket}` }, "DELETE", "/containers/x", 200);
      await sleep(50);
      const started = Date.now();
      await expect(request.fire()).rejects.toThrow("without an answer");
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      peers.forEach((peer) => peer.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("is not opened for a call nothing can abort", async () => {
    const { calls, container: stub } = container();
    const guard = new RemovedOnAbort(undefined, endpoint, stub);
    await sleep(50);
    expect(received).toEqual([]);
    await guard.remove();
    expect(calls).toEqual(["remove"]);
  });
});
