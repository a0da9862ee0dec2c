import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { ArmedRequest } from "../../../helper/docker/armed-request";
import {
  connectEngine,
  currentContextHost,
  defaultSockets,
  dockerOptions,
  engineLost,
  findEngine,
} from "../../../helper/docker/engine";
import { SshmountError } from "../../../helper/errors";

let home: string;
beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), "sshmount-engine-"));
});
afterAll(() => fs.rm(home, { recursive: true, force: true }));

const none = async () => false;

async function writeContext(name: string, host: string, current = true): Promise<void> {
  const meta = path.join(home, ".docker/contexts/meta", createHash("sha256").update(name).digest("hex"));
  await fs.mkdir(meta, { recursive: true });
  await fs.writeFile(
    path.join(meta, "meta.json"),
    JSON.stringify({ Name: name, Endpoints: { docker: { Host: host } } }),
  );
  if (current) await fs.writeFile(path.join(home, ".docker/config.json"), JSON.stringify({ currentContext: name }));
}

describe("findEngine", () => {
  it("prefers the explicit option, then DOCKER_HOST", async () => {
    const env = { DOCKER_HOST: "tcp://127.0.0.1:2375" };
    await expect(findEngine({ socket: "/tmp/x.sock", env, home, exists: none })).resolves.toEqual({
      source: "option",
      host: "unix:///tmp/x.sock",
    });
    await expect(findEngine({ env, home, exists: none })).resolves.toEqual({
      source: "DOCKER_HOST",
      host: env.DOCKER_HOST,
    });
  });

  it("follows the Docker CLI's current context", async () => {
    await writeContext("orbstack", `unix://${home}/.orbstack/run/docker.sock`);
    await expect(findEngine({ env: {}, home, exists: none })).resolves.toEqual({
      source: "context",
      host: `unix://${home}/.orbstack/run/docker.sock`,
      context: "orbstack",
    });
    await writeContext("colima", "unix:///colima.sock", false);
    await expect(currentContextHost({ DOCKER_CONTEXT: "colima" }, home)).resolves.toEqual({
      name: "colima",
      host: "unix:///colima.sock",
    });
    await expect(currentContextHost({ DOCKER_CONTEXT: "default" }, home)).resolves.toBeUndefined();
  });

  it("falls back to the first well-known socket that exists, OrbStack first", async () => {
    await fs.rm(path.join(home, ".docker"), { recursive: true, force: true });
    const present = new Set([path.join(home, ".docker/run/docker.sock"), "/var/run/docker.sock"]);
    await expect(findEngine({ env: {}, home, exists: async (file) => present.has(file) })).resolves.toEqual({
      source: "socket",
      host: `unix://${home}/.docker/run/docker.sock`,
    });
  });

  it("says which sockets it tried when there is no engine", async () => {
    const error = await findEngine({ env: {}, home, exists: none }).catch((e) => e);
    expect(error).toMatchObject({ kind: "docker-unavailable" });
    expect(error.facts.tried).toEqual(defaultSockets(home));
    expect(error.message).toContain(".orbstack/run/docker.sock");
  });
});

describe("dockerOptions", () => {
  it("maps unix and tcp endpoints and refuses remote ssh engines", () => {
    expect(dockerOptions({ source: "option", host: "unix:///var/run/docker.sock" })).toEqual({
      socketPath: "/var/run/docker.sock",
    });
    expect(dockerOptions({ source: "option", host: "tcp://127.0.0.1:2375" })).toEqual({
      host: "127.0.0.1",
      port: 2375,
      protocol: "http",
    });
    expect(() => dockerOptions({ source: "context", host: "ssh://me@build" })).toThrow(
      expect.objectContaining({ kind: "unsupported" }),
    );
  });
});

describe("an engine off this machine", () => {
  const unsupported = expect.objectContaining({ kind: "unsupported" });
  /** Endpoints the network would carry elsewhere, or that only DNS could place: none resolves or is reachable. */
  const remote = [
    "tcp://192.0.2.1:2375",
    "tcp://engine.invalid:2375",
    "http://engine.invalid",
    "tcp://[2001:db8::1]:2375",
    "tcp://[::ffff:192.0.2.1]:2375",
    "tcp://127.0.0.1@engine.invalid:2375",
    "tcp://localhost.invalid:2375",
    "tcp://0.0.0.0:2375",
    "tcp://127.1:2375",
    "tcp://2130706433:2375",
  ];

  it("is refused from the option (the Raycast preference), DOCKER_HOST and the current context", async () => {
    for (const host of remote) {
      await expect(findEngine({ socket: host, env: {}, home, exists: none })).rejects.toEqual(unsupported);
      await expect(findEngine({ env: { DOCKER_HOST: host }, home, exists: none })).rejects.toEqual(unsupported);
      await writeContext("far", host);
      await expect(findEngine({ env: {}, home, exists: none })).rejects.toEqual(unsupported);
    }
    const error = await findEngine({ env: { DOCKER_HOST: "tcp://192.0.2.1:2375" }, home, exists: none }).catch(
      (e) => e,
    );
    expect(error.message).toContain("not on this machine");
    expect(error.message).toContain("unset DOCKER_HOST");
    await writeContext("far", "tcp://engine.invalid:2375");
    expect((await findEngine({ env: {}, home, exists: none }).catch((e) => e)).message).toContain(
      "docker context use default",
    );
    await fs.rm(path.join(home, ".docker"), { recursive: true, force: true });
  });

  it("is refused over TLS too, even on loopback; a unix socket ignores the TLS variables as the CLI does", async () => {
    const tlsEnv = { DOCKER_TLS_VERIFY: "1", DOCKER_HOST: "tcp://127.0.0.1:2375" };
    await expect(findEngine({ env: tlsEnv, home, exists: none })).rejects.toEqual(unsupported);
    await expect(findEngine({ env: { DOCKER_TLS: "1", DOCKER_HOST: "tcp://[::1]:2375" }, home })).rejects.toEqual(
      unsupported,
    );
    await expect(findEngine({ env: { DOCKER_HOST: "tcp://127.0.0.1:2376" }, home })).rejects.toEqual(unsupported);
    await expect(findEngine({ env: { DOCKER_HOST: "https://127.0.0.1:2375" }, home })).rejects.toEqual(unsupported);
    await writeContext("tls", "tcp://127.0.0.1:2375");
    const digest = createHash("sha256").update("tls").digest("hex");
    await fs.mkdir(path.join(home, ".docker/contexts/tls", digest, "docker"), { recursive: true });
    await expect(findEngine({ env: {}, home, exists: none })).rejects.toEqual(unsupported);
    await fs.rm(path.join(home, ".docker"), { recursive: true, force: true });
    await expect(
      findEngine({ env: { DOCKER_TLS_VERIFY: "1", DOCKER_HOST: "unix:///var/run/docker.sock" }, home }),
    ).resolves.toMatchObject({ host: "unix:///var/run/docker.sock" });
  });

  it("is accepted on loopback only: 127.0.0.0/8, ::1, and localhost connected to as 127.0.0.1 without a lookup", () => {
    const target = (host: string) => dockerOptions({ source: "DOCKER_HOST", host });
    expect(target("tcp://127.0.0.1:2375")).toMatchObject({ host: "127.0.0.1", port: 2375 });
    expect(target("tcp://127.5.6.7")).toMatchObject({ host: "127.5.6.7", port: 2375 });
    expect(target("tcp://[::1]:2375")).toMatchObject({ host: "::1" });
    expect(target("tcp://[::ffff:127.0.0.1]:2375")).toMatchObject({ host: "::ffff:7f00:1" });
    expect(target("tcp://LocalHost:2375")).toMatchObject({ host: "127.0.0.1", port: 2375 });
  });

  it("gets no connection: a loopback server reachable by names sshmount refuses sees none from them", async () => {
    let connections = 0;
    const server = http.createServer((_request, response) => response.end("OK"));
    server.on("connection", () => connections++);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      // Each of these reaches the server when connected to (Linux and macOS take 0.0.0.0 as this machine).
      for (const host of ["0.0.0.0", "127.1", "2130706433"]) {
        const env = { DOCKER_HOST: `tcp://${host}:${port}` };
        await expect(connectEngine({ env, home })).rejects.toEqual(unsupported);
        expect(() => new ArmedRequest({ source: "DOCKER_HOST", host: env.DOCKER_HOST }, "POST", "/x")).toThrow(
          unsupported,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(connections).toBe(0);
      // The same server through an accepted name: the count above could have moved.
      await expect(connectEngine({ env: { DOCKER_HOST: `tcp://localhost:${port}` }, home })).resolves.toBeDefined();
      expect(connections).toBeGreaterThan(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("engineLost", () => {
  const shuttingDown = Object.assign(new Error("(HTTP code 500) server error - transport is closing"), {
    statusCode: 500,
  });

  /** The error Node's HTTP client gives for a request to `options`, as dockerode passes it on. */
  function requestError(options: http.RequestOptions): Promise<Error> {
    return new Promise((resolve) => http.get({ ...options, path: "/_ping" }).on("error", resolve));
  }

  it("turns the engine socket's own errors into docker-unavailable, and leaves sshmount's own errors alone", async () => {
    const socket = path.join(home, "gone.sock");
    const endpoint = { source: "option" as const, host: `unix://${socket}` };
    const missing = await requestError({ socketPath: socket });
    expect(missing).toMatchObject({ code: "ENOENT", syscall: "connect" });
    await expect(engineLost(missing, endpoint)).resolves.toMatchObject({ kind: "docker-unavailable" });
    await expect(engineLost(new SshmountError("timeout", "slow", {}), endpoint)).resolves.toBeUndefined();

    // A socket file nobody listens on, as a crashed engine leaves it (any non-listening file refuses alike).
    const stale = path.join(home, "stale.sock");
    await fs.writeFile(stale, "");
    const refused = await requestError({ socketPath: stale });
    expect(refused).toMatchObject({ code: "ECONNREFUSED", syscall: "connect" });
    await expect(engineLost(refused, { source: "option", host: `unix://${stale}` })).resolves.toMatchObject({
      kind: "docker-unavailable",
    });
    const tcpRefused = await requestError({ host: "127.0.0.1", port: 1 });
    await expect(engineLost(tcpRefused, { source: "option", host: "tcp://127.0.0.1:1" })).resolves.toMatchObject({
      kind: "docker-unavailable",
    });
    const hangUp = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    await expect(engineLost(hangUp, endpoint)).resolves.toMatchObject({ kind: "docker-unavailable" });
  });

  it("leaves a missing file or program alone, though its code is ENOENT too", async () => {
    const endpoint = { source: "option" as const, host: `unix://${path.join(home, "gone.sock")}` };
    const file = await fs.readFile(path.join(home, "demo", "id_ed25519.pub")).catch((error) => error);
    expect(file).toMatchObject({ code: "ENOENT", syscall: "open" });
    await expect(engineLost(file, endpoint)).resolves.toBeUndefined();
    const spawned = await new Promise<Error>((resolve) =>
      spawn(path.join(home, "no-such-program")).on("error", resolve),
    );
    expect(spawned).toMatchObject({ code: "ENOENT", syscall: expect.stringMatching(/^spawn/) });
    await expect(engineLost(spawned, endpoint)).resolves.toBeUndefined();
    // Another socket's failure (an ssh agent, a probe) is not the engine's either.
    const other = await requestError({ socketPath: path.join(home, "agent.sock") });
    await expect(engineLost(other, endpoint)).resolves.toBeUndefined();
  });

  it("counts an engine's 500 only when the engine also refuses a new connection", async () => {
    const socket = path.join(home, "engine.sock");
    const endpoint = { source: "option" as const, host: `unix://${socket}` };
    // A stand-in engine that answers Docker's ping, as a running engine answering a failed request does.
    const server = http.createServer((_request, response) => response.end("OK"));
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      await expect(engineLost(shuttingDown, endpoint)).resolves.toBeUndefined();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    await expect(engineLost(shuttingDown, endpoint)).resolves.toMatchObject({
      kind: "docker-unavailable",
      facts: { tried: [endpoint.host] },
    });
    const notFound = Object.assign(new Error("(HTTP code 404) no such container"), { statusCode: 404 });
    await expect(engineLost(notFound, endpoint)).resolves.toBeUndefined();
  });
});
