import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeSshClient } from "../fixtures/ssh-client";
import { resetStore, type Store } from "./api";
import { FakeAppleScript } from "./fake-applescript";
import { FakeEngine } from "./fake-engine";
import { FakeProcesses } from "./fake-processes";

export interface UiWorld {
  dir: string;
  sshConfig: string;
  knownHosts: string;
  store: Store;
  engine: FakeEngine;
  processes: FakeProcesses;
  appleScripts: FakeAppleScript;
}

export { SERVER_KEY } from "../fixtures/ssh-client";

/**
 * A fresh Raycast install for one test: an ssh config with a few hosts, a client key, known_hosts,
 * the user's preferences, and an engine, process table, AppleScript log and Raycast store with nothing in them.
 */
export function createUiWorld(preferences: Record<string, unknown> = {}): UiWorld {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sshmount-ui-"));
  const { sshConfig, knownHosts } = writeSshClient(
    dir,
    {
      web: ["HostName web.example", "User ann"],
      inner: ["HostName inner.example", "User ann", "ProxyJump web"],
      pw: ["HostName pw.example", "User ann"],
      newhost: ["HostName new.example", "User ann"],
    },
    ["web.example", "pw.example"],
  );
  // Where the helper keeps its host cache; SSH_AUTH_SOCK would make it forward an agent.
  process.env.XDG_CACHE_HOME = path.join(dir, "cache");
  delete process.env.SSH_AUTH_SOCK;
  const store = resetStore({
    preferences: {
      sshConfig,
      dockerSocket: path.join(dir, "docker.sock"),
      connectionMode: "localhost",
      defaultRemotePath: "",
      openFinder: true,
      ...preferences,
    },
  });
  store.environment.supportPath = path.join(dir, "support");
  return {
    dir,
    sshConfig,
    knownHosts,
    store,
    engine: new FakeEngine(),
    processes: new FakeProcesses(),
    appleScripts: new FakeAppleScript(),
  };
}

export function removeUiWorld(world: UiWorld | undefined): void {
  if (world) fs.rmSync(world.dir, { recursive: true, force: true });
}
