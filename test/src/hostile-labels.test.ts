import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import type { FakeContainerRecord } from "../raycast/fake-engine";
import { createUiWorld, removeUiWorld, type UiWorld } from "../raycast/world";
import { replaceBoundaries } from "../raycast/boundaries";

replaceBoundaries(() => world);
const helper = await import("../../helper/index");
const { helperOptions } = await import("../../src/lib/helper-options");

let world: UiWorld;
beforeEach(() => {
  world = createUiWorld();
});
afterEach(() => removeUiWorld(world));

/** A mount's labels as sshmount writes them, for another program to spoil one by one. */
const good = {
  "sshmount.role": "mount",
  "sshmount.name": "evil",
  "sshmount.alias": "web",
  "sshmount.remote-path": "",
  "sshmount.ssh-config": "",
  "sshmount.destination": "ann@web.example:22",
  "sshmount.smb-user": "sshmount",
  // Newer than any real mount: "the mount created last" would be this one.
  "sshmount.created": "2999-01-01T00:00:00.000Z",
};

const hostile: Record<string, Record<string, string>> = {
  paren: { ...good, "sshmount.name": "(" },
  alternation: { ...good, "sshmount.name": "x|.*" },
  newlineUser: { ...good, "sshmount.smb-user": "sshmount\nx" },
  optionAlias: { ...good, "sshmount.alias": "-oProxyCommand=touch /tmp/pwned" },
  newlinePath: { ...good, "sshmount.remote-path": "a\nb" },
  relativeConfig: { ...good, "sshmount.ssh-config": "relative/config" },
  escapeCreated: { ...good, "sshmount.created": "\u001b[2J" },
  escapeDestination: { ...good, "sshmount.destination": "ann@web\u001b[2J:22" },
  noAlias: Object.fromEntries(Object.entries(good).filter(([key]) => key !== "sshmount.alias")),
};

/** Containers someone else made with sshmount's labels: running ones, and one the sweep would take as abandoned. */
function addHostile(): string[] {
  const ids = Object.entries(hostile).map(([key, labels], index) => {
    const record: FakeContainerRecord = {
      id: `hostile${index}`,
      request: {
        HostConfig: {
          PortBindings: { "445/tcp": [{ HostIp: "127.0.0.1", HostPort: String(40000 + index) }] },
          RestartPolicy: { Name: "no" },
        },
      },
      name: `other-${key}`,
      labels,
      env: [],
      files: new Map([["/etc/sshmount/smb_password", Buffer.from("secret")]]),
      modes: new Map([["/etc/sshmount/smb_password", 0o600]]),
      running: index > 0,
      started: true,
      exitCode: 0,
      // Never served and stopped by a signal, long ago: what abandoned() removes when it is ours.
      log: index > 0 ? "sshmount: connecting\nsshmount: ready\n" : "sshmount: connecting\nsshmount: stopped\n",
      healthy: true,
      restartPolicy: "no",
      created: 1,
      openStdin: false,
    };
    world.engine.containers.set(record.id, record);
    return record.id;
  });
  return ids;
}

describe("containers whose sshmount labels fail validation", () => {
  it("are skipped by list, never opened, started or removed, and unmount by name says there is no such mount", async () => {
    await helper.mount("web", "", { ...helperOptions(), name: "alpha" });
    const ids = addHostile();
    const present = () => ids.filter((id) => world.engine.containers.has(id));
    const states = () => ids.map((id) => world.engine.containers.get(id)?.running);
    const before = states();

    expect((await helper.list(helperOptions())).map((mount) => mount.name)).toEqual(["alpha"]);
    expect(present()).toEqual(ids);

    // The newest by its label is hostile: "open the last mount" must still open alpha.
    const opened = await helper.open(undefined, helperOptions());
    expect(opened.mount.name).toBe("alpha");
    expect(world.appleScripts.calls.map((call) => call.script)).toEqual([expect.stringContaining("/alpha")]);
    for (const name of ["evil", "(", "x|.*"]) {
      await expect(helper.open(name, helperOptions())).rejects.toMatchObject({
        kind: expect.stringMatching(/^(not-found|invalid-input)$/),
      });
      await expect(helper.unmount(name, helperOptions())).rejects.toMatchObject({
        kind: expect.stringMatching(/^(not-found|invalid-input)$/),
      });
    }
    expect(world.appleScripts.calls).toHaveLength(1);

    expect(await helper.unmountAll(helperOptions())).toEqual(["alpha"]);
    expect(present()).toEqual(ids);
    expect(states()).toEqual(before);
  });
});

describe("a host-key scan's answer", () => {
  const unknownKey = () => ({
    lines: [
      "sshmount: connecting",
      "sshmount: ssh: No ED25519 host key is known for new.example and you have requested strict checking.",
    ],
    exitCode: 1,
  });

  it("is offered for trust only when its name, key type and key are what OpenSSH prints", async () => {
    world.engine.behaviours.set("newhost", unknownKey);
    const key = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
    for (const line of [
      `target new\u001b[2J.example ssh-ed25519 ${key}`,
      `target new.example ssh-ed25519,@cert-authority ${key}`,
      `target new.example ssh-ed25519 ${key}\u0007`,
      `target new.example ssh-ed25519 not*base64`,
    ]) {
      world.engine.hostKeyScan = `hostkey ${line}`;
      const error = await helper.mount("newhost", "", helperOptions()).catch((e) => e);
      expect(error).toMatchObject({ kind: "host-key-unknown" });
      expect(error.facts.hostKey).toBeUndefined();
    }
    world.engine.hostKeyScan = `hostkey target new.example ssh-ed25519 ${key}`;
    const error = await helper.mount("newhost", "", helperOptions()).catch((e) => e);
    expect(error.facts.hostKey).toMatchObject({ host: "new.example", type: "ssh-ed25519" });
  });
});

describe("the demo server's container name", () => {
  it("is not removed when another program's container holds it", async () => {
    await world.engine
      .client({})
      .createContainer({ name: "sshmount-demo-server", Labels: { "com.example": "theirs" } });
    await expect(helper.stopDemo(helperOptions())).rejects.toMatchObject({ kind: "name-taken" });
    expect([...world.engine.containers.values()].map((record) => record.name)).toEqual(["sshmount-demo-server"]);
  });
});
