import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { render } from "../raycast/render";
import { refusedLogin } from "../raycast/fake-engine";
import { createUiWorld, removeUiWorld, type UiWorld } from "../raycast/world";
import { replaceBoundaries } from "../raycast/boundaries";

replaceBoundaries(() => world);
const { default: openLastMount } = await import("../../src/open-last-mount");
const { default: MountSshHost } = await import("../../src/mount-ssh-host");
const helper = await import("../../helper/index");
const { helperOptions } = await import("../../src/lib/helper-options");

let world: UiWorld;
beforeEach(() => {
  world = createUiWorld();
  // Its hotkey runs this no-view command with Raycast's window closed.
  world.store.environment.commandMode = "no-view";
  world.store.mainWindow = "closed";
});
afterEach(() => removeUiWorld(world));

const mountAs = (alias: string, name: string) => helper.mount(alias, "", { ...helperOptions(), name });
const opened = () => world.processes.calls.filter((call) => call.file === "/usr/bin/open").map((call) => call.args[0]);

describe("Open Last Mount", () => {
  it("opens the mount recorded last in Finder and shows a HUD", async () => {
    await mountAs("web", "web");
    await mountAs("pw", "pw");
    world.store.localStorage.set("last-mount", "web");
    await openLastMount();
    expect(world.store.huds).toEqual(["Opened web in Finder"]);
    expect(world.appleScripts.calls.map((call) => call.script)).toEqual([
      expect.stringContaining(`mount volume "smb://sshmount@127.0.0.1:${world.engine.publishedPort("web")}/web"`),
    ]);
    expect(opened()).toEqual(["/Volumes/web"]);
    expect(world.store.toasts).toEqual([]);
  });

  it("starts a stopped mount again first, with a toast while it connects", async () => {
    await mountAs("web", "web");
    const container = [...world.engine.containers.values()][0];
    container.running = false;
    world.store.localStorage.set("last-mount", "web");
    await openLastMount();
    expect(container.running).toBe(true);
    // At "ready" the toast moves on from connecting to what the command does next.
    const titles = world.store.toasts[0].history.map((state) => state.title);
    expect(titles.filter((title, index) => title !== titles[index - 1])).toEqual([
      "Connecting to web",
      "Opening Finder",
    ]);
    expect(world.store.toasts[0].hidden).toBe(true);
    // With the window closed, that toast was a HUD too.
    expect(world.store.huds).toEqual(["Connecting to web", "Opened web in Finder"]);
  });

  it("falls back to the newest mount when the recorded one is gone", async () => {
    await mountAs("web", "web");
    await mountAs("pw", "pw");
    world.store.localStorage.set("last-mount", "unmounted-in-a-terminal");
    await openLastMount();
    expect(world.store.huds).toEqual(["Opened pw in Finder"]);
    expect(world.store.localStorage.get("last-mount")).toBe("pw");
  });

  it("with no mount at all, opens Mount SSH Host itself: nothing waits in a toast nobody can click", async () => {
    await openLastMount();
    expect(world.store.launched).toEqual([{ name: "mount-ssh-host", type: "userInitiated" }]);
    expect(world.store.toasts).toEqual([]);
    expect(world.store.huds).toEqual([]);
  });

  it("with no engine, opens Check Setup, whose page has Open OrbStack: a HUD would show the title only", async () => {
    world.engine.down = "connect ENOENT docker.sock";
    await openLastMount();
    expect(world.store.launched).toEqual([{ name: "check-setup", type: "userInitiated" }]);
    expect(world.store.toasts).toEqual([]);
  });

  /** The recorded mount is stopped and its server now refuses the key: a failure Check Setup cannot fix. */
  const refusedRestart = async () => {
    await mountAs("web", "web");
    [...world.engine.containers.values()][0].running = false;
    world.store.localStorage.set("last-mount", "web");
    world.engine.behaviours.set("web", refusedLogin("ann@web.example"));
  };

  it("says what went wrong in the HUD a toast becomes when the window is closed", async () => {
    await refusedRestart();
    await openLastMount();
    const toast = world.store.toasts.at(-1);
    expect(toast).toMatchObject({
      asHud: true,
      style: "FAILURE",
      title: expect.stringMatching(/^web refused the login/),
      message: expect.stringContaining("Retry"),
    });
    expect(world.store.huds.at(-1)).toBe(toast?.title);
    // showFailureToast's own Copy Logs cannot be reached there: nothing the user needs may depend on it.
    expect(toast?.unreachableActions).toEqual(["Copy Logs"]);
    expect(toast?.primaryAction).toBeUndefined();
    expect(world.store.launched).toEqual([]);
  });

  it("keeps a toast with its actions when Raycast's window is open", async () => {
    world.store.mainWindow = "open";
    await refusedRestart();
    await openLastMount();
    expect(world.store.toasts.at(-1)).toMatchObject({ asHud: false, primaryAction: { title: "Copy Logs" } });
    expect(world.store.huds).toEqual([]);
  });

  it("opens what Mount SSH Host mounted last: the record is shared by the commands", async () => {
    await mountAs("web", "web");
    world.store.preferences.openFinder = false;
    world.store.mainWindow = "open";
    const ui = await render(<MountSshHost />);
    await ui.waitFor(() => expect(ui.itemTitles()).toContain("inner"));
    await ui.action("Mount Default Folder", ui.item("inner"));
    await ui.waitFor(() => expect(world.store.toasts.at(-1)?.title).toBe("Mounted inner"));
    ui.unmount();
    world.store.mainWindow = "closed";
    await openLastMount();
    expect(world.store.huds).toEqual(["Opened inner in Finder"]);
  });
});
