import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
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

/** A host key the scripted servers present (ed25519, made once by ssh-keygen for these tests). */
export const SERVER_KEY = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

/**
 * A fresh Raycast install for one test: an ssh config with a few hosts, a client key, known_hosts,
 * the user's preferences, and an engine, process table, AppleScript log and Raycast store with nothing in them.
 */
export function createUiWorld(preferences: Record<string, unknown> = {}): UiWorld {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sshmount-ui-"));
  const key = path.join(dir, "id_ed25519");
  spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]);
  const knownHosts = path.join(dir, "known_hosts");
  fs.writeFileSync(knownHosts, `web.example ssh-ed25519 ${SERVER_KEY}\npw.example ssh-ed25519 ${SERVER_KEY}\n`);
  const common = [`  IdentityFile "${key}"`, "  IdentitiesOnly yes", `  UserKnownHostsFile "${knownHosts}"`];
  const sshConfig = path.join(dir, "config");
  fs.writeFileSync(
    sshConfig,
    [
      "Host web",
      "  HostName web.example",
      "  User ann",
      ...common,
      "Host inner",
      "  HostName inner.example",
      "  User ann",
      "  ProxyJump web",
      ...common,
      "Host pw",
      "  HostName pw.example",
      "  User ann",
      ...common,
      "Host newhost",
      "  HostName new.example",
      "  User ann",
      ...common,
      "",
    ].join("\n"),
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
