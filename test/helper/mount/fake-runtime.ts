/**
 * A Runtime over the in-memory engine of the UI tests (test/raycast/fake-engine.ts): the mount modules
 * run as they do against Docker, with the real ssh -G on an ssh config of this test's own.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { EngineEndpoint } from "../../../helper/docker/engine";
import { runCommand } from "../../../helper/process";
import type { Runtime } from "../../../helper/runtime";
import { FakeEngine } from "../../raycast/fake-engine";
import { SERVER_KEY } from "../../raycast/world";

export interface FakeRuntime {
  runtime: Runtime;
  engine: FakeEngine;
  sshConfig: string;
  remove(): void;
}

export function createFakeRuntime(): FakeRuntime {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sshmount-mount-"));
  const knownHosts = path.join(dir, "known_hosts");
  fs.writeFileSync(knownHosts, `web.example ssh-ed25519 ${SERVER_KEY}\n`);
  const sshConfig = path.join(dir, "config");
  fs.writeFileSync(
    sshConfig,
    ["Host web", "  HostName web.example", "  User ann", `  UserKnownHostsFile "${knownHosts}"`, ""].join("\n"),
  );
  const engine = new FakeEngine();
  const runtime: Runtime = {
    docker: engine.client({}),
    dockerClient: engine.client,
    endpoint: { source: "socket", host: `unix://${path.join(dir, "docker.sock")}` } as EngineEndpoint,
    env: { PATH: process.env.PATH },
    home: dir,
    platform: "linux",
    run: runCommand,
    appleScript: async () => "",
    network: "sshmount",
    packageRoot: dir,
    mountImageDir: path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../../assets/container"),
    // Never the container's own address: no probe leaves this machine.
    connection: "localhost",
  };
  return { runtime, engine, sshConfig, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
