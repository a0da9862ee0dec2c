import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { createMount, type NewMount } from "../../../helper/mount/create";
import { refusedLogin } from "../../raycast/fake-engine";
import { createFakeRuntime, type FakeRuntime } from "./fake-runtime";
import { resolveHost } from "../../../helper/ssh/options";

let world: FakeRuntime;
let target: NewMount;
beforeEach(async () => {
  world = createFakeRuntime();
  const { run, env, home } = world.runtime;
  const host = await resolveHost("web", { configFile: world.sshConfig, run, env, home });
  target = {
    name: "site",
    alias: "web",
    remotePath: "/srv",
    sshConfig: world.sshConfig,
    connection: { target: host, chain: [] },
  };
});
afterEach(() => world.remove());

const records = () => [...world.engine.containers.values()];

describe("creating a mount", () => {
  it("labels the container with its target, copies its inputs in and lets it restart once it served", async () => {
    const steps: string[] = [];
    const info = await createMount(world.runtime, target, { onProgress: ({ step }) => steps.push(step) });
    expect(steps).toEqual(["network", "connecting", "ready"]);
    const [record] = records();
    expect(record.name).toBe("sshmount-site");
    expect(record.labels).toMatchObject({
      "sshmount.role": "mount",
      "sshmount.name": "site",
      "sshmount.alias": "web",
      "sshmount.remote-path": "/srv",
      "sshmount.ssh-config": world.sshConfig,
      "sshmount.destination": "ann@web.example:22",
      "sshmount.smb-user": "sshmount",
      "sshmount.metadata": "mac",
    });
    expect(record.env).toEqual(
      expect.arrayContaining(["SSHMOUNT_SHARE=site", "SSHMOUNT_REMOTE_PATH=/srv", "SSHMOUNT_METADATA=mac"]),
    );
    expect(record.modes.get("/etc/sshmount/smb_password")).toBe(0o600);
    expect(record.files.get("/etc/sshmount/ssh_config")?.toString()).toContain("Host target\n  HostName web.example");
    expect(record.restartPolicy).toBe("unless-stopped");
    expect(info).toMatchObject({ name: "site", status: "ready" });
    expect(info.smb.password).toBe(record.files.get("/etc/sshmount/smb_password")?.toString());
  });

  it("keeps Finder metadata where the user chose, in its label and its environment", async () => {
    await createMount(world.runtime, target, { metadata: "server" });
    const [record] = records();
    expect(record.labels["sshmount.metadata"]).toBe("server");
    expect(record.env).toContain("SSHMOUNT_METADATA=server");
  });

  it("picks another port when another program took the chosen one before Docker bound it", async () => {
    world.engine.portConflicts = 1;
    await createMount(world.runtime, target, {});
    expect(world.engine.created).toBe(2);
    expect(records()).toHaveLength(1);
  });

  it("removes the container and throws the typed error when the server refuses", async () => {
    world.engine.behaviours.set("web", refusedLogin("ann@web.example"));
    await expect(createMount(world.runtime, target, {})).rejects.toMatchObject({ kind: "auth-failed" });
    expect(records()).toEqual([]);
  });

  it("says the container name is taken when another container holds it", async () => {
    await world.runtime.docker.createContainer({ name: "sshmount-site", Labels: {} });
    await expect(createMount(world.runtime, target, {})).rejects.toMatchObject({
      kind: "name-taken",
      facts: { name: "site" },
    });
    expect(records()).toHaveLength(1);
  });
});
