import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { describeMount, servedAt } from "../../../helper/mount/describe";
import { mount } from "../../../helper/mount/mounts";
import { createFakeRuntime, type FakeRuntime } from "./fake-runtime";

let world: FakeRuntime;
beforeEach(() => {
  world = createFakeRuntime();
});
afterEach(() => world.remove());

const record = () => [...world.engine.containers.values()][0];

describe("a mount as inspect describes it", () => {
  it("reads its labels, its status, its 127.0.0.1 port and, when asked, its SMB password", async () => {
    await mount(world.runtime, "web", "~/site", { sshConfig: world.sshConfig, name: "site" });
    const port = Number(record().request.HostConfig?.PortBindings?.["445/tcp"]?.[0]?.HostPort);
    const info = await describeMount(world.runtime, record().id);
    expect(info).toMatchObject({
      name: "site",
      alias: "web",
      remotePath: "~/site",
      status: "ready",
      container: "sshmount-site",
      destination: "ann@web.example:22",
      smb: { host: "127.0.0.1", port, share: "site", user: "sshmount", url: `smb://sshmount@127.0.0.1:${port}/site` },
    });
    expect(info.smb.password).toBeUndefined();
    const withPassword = await describeMount(world.runtime, record().id, { password: true });
    expect(withPassword.smb.password).toBe(record().files.get("/etc/sshmount/smb_password")?.toString());
    expect(servedAt(await world.runtime.docker.getContainer(record().id).inspect(), "sshmount")).toEqual({
      ip: world.engine.containerIp,
      port,
    });
  });

  it("gives a stopped mount no URL, and a failed one its last error", async () => {
    await mount(world.runtime, "web", "", { sshConfig: world.sshConfig });
    record().running = false;
    expect((await describeMount(world.runtime, record().id)).smb).toMatchObject({ url: "", host: "", port: 0 });
    record().log += "sshmount: connecting\nsshmount: error: mount failed: gone\n";
    record().exitCode = 1;
    expect(await describeMount(world.runtime, record().id)).toMatchObject({
      status: "error",
      error: "mount failed: gone",
    });
  });

  it("reads a ready mount as ready even after smbd logged more lines than the tail it reads first", async () => {
    await mount(world.runtime, "web", "", { sshConfig: world.sshConfig, name: "busy" });
    record().log += "smbd_calculate_access_mask_fsp: Access denied\n".repeat(500);
    expect((await describeMount(world.runtime, record().id)).status).toBe("ready");
    record().log += "sshmount: reconnecting\n" + "smbd: noise\n".repeat(10);
    expect((await describeMount(world.runtime, record().id)).status).toBe("reconnecting");
  });

  it("is not-found for a container whose labels do not pass", async () => {
    await world.runtime.docker.createContainer({
      name: "x",
      Labels: { "sshmount.role": "mount", "sshmount.name": "(" },
    });
    await expect(describeMount(world.runtime, "x")).rejects.toMatchObject({ kind: "not-found" });
  });
});
