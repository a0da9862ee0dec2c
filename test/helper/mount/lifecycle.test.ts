import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { bringUp, cancellable, waitReady } from "../../../helper/mount/lifecycle";
import { refusedLogin } from "../../raycast/fake-engine";
import { createFakeRuntime, type FakeRuntime } from "./fake-runtime";
import type { SshHostOptions } from "../../../helper/ssh/options";

let world: FakeRuntime;
beforeEach(() => {
  world = createFakeRuntime();
});
afterEach(() => world.remove());

const host = { alias: "web", hostName: "web.example", user: "ann", port: 22 } as SshHostOptions;

async function stoppedMount() {
  const container = await world.runtime.docker.createContainer({
    name: "sshmount-web",
    Labels: { "sshmount.alias": "web" },
  });
  const record = [...world.engine.containers.values()][0];
  record.started = true;
  record.log = "sshmount: connecting\nsshmount: ready\nsshmount: stopped\n";
  return { container, record };
}

describe("bringing an existing mount up", () => {
  it("starts a stopped container and waits for the ready of this start, not the last one", async () => {
    const { container, record } = await stoppedMount();
    const steps: string[] = [];
    await bringUp(world.runtime, container, "exited", false, host, "", { onProgress: ({ step }) => steps.push(step) });
    expect(record.running).toBe(true);
    expect(record.log.match(/^sshmount: connecting$/gm)).toHaveLength(2);
    expect(steps).toEqual(["connecting"]);
  });

  it("leaves a running one alone unless asked to restart it", async () => {
    const { container, record } = await stoppedMount();
    await container.start();
    await bringUp(world.runtime, container, "running", false, host, "", {});
    expect(record.log.match(/^sshmount: connecting$/gm)).toHaveLength(2);
    await bringUp(world.runtime, container, "running", true, host, "", {});
    expect(record.log.match(/^sshmount: connecting$/gm)).toHaveLength(3);
  });

  it("turns what ssh said into the typed error when the start fails", async () => {
    const { container } = await stoppedMount();
    world.engine.behaviours.set("web", refusedLogin("ann@web.example"));
    await expect(bringUp(world.runtime, container, "exited", false, host, "", {})).rejects.toMatchObject({
      kind: "auth-failed",
      facts: { alias: "web" },
    });
  });

  it("gives up after the timeout while the server does not answer", async () => {
    const { container } = await stoppedMount();
    world.engine.behaviours.set("web", () => ({ lines: ["sshmount: connecting"] }));
    await container.start();
    await expect(waitReady(world.runtime, container, 2, host, "", { timeoutMs: 300 })).rejects.toMatchObject({
      kind: "timeout",
      facts: { alias: "web", remotePath: "~" },
    });
  });
});

describe("cancellable", () => {
  it("reports whatever fails after an abort as the cancellation, and other failures as they are", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(cancellable(controller.signal, async () => Promise.reject(new Error("404")))).rejects.toMatchObject({
      kind: "cancelled",
    });
    await expect(cancellable(undefined, async () => Promise.reject(new Error("404")))).rejects.toThrow("404");
    expect(await cancellable(undefined, async () => 1)).toBe(1);
  });
});
