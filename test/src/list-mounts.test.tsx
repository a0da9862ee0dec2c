import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { osascriptFailures } from "../fixtures/osascript-failures";
import { osascriptError } from "../raycast/fake-applescript";
import { render, waitFor, type Ui } from "../raycast/render";
import { Keyboard } from "../raycast/api";
import { createUiWorld, removeUiWorld, type UiWorld } from "../raycast/world";
import { replaceBoundaries } from "../raycast/boundaries";

replaceBoundaries(() => world);
const { default: ListMounts } = await import("../../src/list-mounts");
const helper = await import("../../helper/index");
const { helperOptions } = await import("../../src/lib/helper-options");

let world: UiWorld;
let ui: Ui | undefined;
beforeEach(() => {
  world = createUiWorld();
});
afterEach(() => {
  ui?.unmount();
  ui = undefined;
  removeUiWorld(world);
});

const mountAs = (alias: string, name: string) => helper.mount(alias, "", { ...helperOptions(), name });
const record = (name: string) =>
  [...world.engine.containers.values()].find((container) => container.labels["sshmount.name"] === name);
const lastToast = () => world.store.toasts.at(-1);

async function openList(expected: string[]): Promise<Ui> {
  ui = await render(<ListMounts />);
  await ui.waitFor(() => expect(ui?.itemTitles()).toEqual(expected));
  return ui;
}

describe("List Mounts", () => {
  it("offers Mount SSH Host when there is nothing mounted", async () => {
    const view = await openList([]);
    expect(view.findAll("List.EmptyView")[0].props.title).toBe("No Mounts");
    await view.action("Mount SSH Host");
    expect(world.store.launched).toEqual([{ name: "mount-ssh-host", type: "userInitiated" }]);
  });

  it("never shows a mount whose creator died before it was ready, and removes it", async () => {
    await mountAs("web", "alpha");
    await mountAs("pw", "beta");
    // What the engine holds once the worker of beta's mount died with no abort: its entrypoint saw
    // EOF on stdin while connecting and stopped, and the restart policy was never changed.
    const orphan = record("beta") as NonNullable<ReturnType<typeof record>>;
    Object.assign(orphan, {
      running: false,
      exitCode: 0,
      restartPolicy: "no",
      log: "sshmount: connecting\nsshmount: stopped: the process that created this mount went away before it was ready\n",
    });
    await openList(["alpha"]);
    expect(record("beta")).toBeUndefined();
  });

  it("shows each mount with its host, path, URL and a status icon and colour", async () => {
    await mountAs("web", "alpha");
    await mountAs("pw", "beta");
    world.engine.behaviours.set("inner", () => ({
      lines: ["sshmount: connecting", "sshmount: error: mount failed: Connection refused"],
      exitCode: 1,
    }));
    await mountAs("inner", "gamma").catch(() => undefined);
    const stopped = record("beta");
    if (stopped) stopped.running = false;
    const view = await openList(["alpha", "beta"]);
    expect(view.item("alpha").props).toMatchObject({
      subtitle: "web:~",
      icon: { source: "CheckCircle", tintColor: "Green" },
      accessories: [
        { text: `smb://sshmount@127.0.0.1:${world.engine.publishedPort("alpha")}/alpha` },
        { tag: { value: "Ready", color: "Green" } },
      ],
    });
    expect(view.item("beta").props).toMatchObject({
      icon: { source: "Stop", tintColor: "SecondaryText" },
      accessories: [{ tag: { value: "Stopped", color: "SecondaryText" } }],
    });
    expect(view.actionTitles(view.item("alpha"))).toEqual([
      "Open in Finder",
      "Copy SMB URL",
      "Show Logs",
      "Remount",
      "Reconnect All",
      "Mount SSH Host",
      "Refresh",
      "Open in Terminal",
      "Open in Editor",
      "Show in Finder",
      "Copy Local Path",
      "Pin Place",
      "Unmount",
      "Unmount All",
    ]);
    expect(view.actionTitles(view.item("beta"))).not.toContain("Copy SMB URL");
  });

  it("opens a mount in Finder: the password only inside the AppleScript, no Keychain; remembers it as the last mount", async () => {
    const mount = await mountAs("web", "alpha");
    const view = await openList(["alpha"]);
    await view.action("Open in Finder", view.item("alpha"));
    await view.waitFor(() => expect(lastToast()?.title).toBe("Opened alpha in Finder"));
    const [call] = world.appleScripts.calls;
    expect(world.appleScripts.calls).toHaveLength(1);
    expect(call.script).toContain(`mount volume "${mount.smb.url}" as user name "sshmount"`);
    expect(call.script).toContain(`with password "${mount.smb.password}"`);
    expect(world.processes.calls.find((call) => call.file === "/usr/bin/open")?.args).toEqual(["/Volumes/alpha"]);
    const argv = world.processes.calls.flatMap((call) => [call.file, ...call.args]);
    expect(argv.filter((word) => word.includes(mount.smb.password ?? "?"))).toEqual([]);
    expect(argv.map((word) => path.basename(word))).not.toContain("security");
    expect(world.store.localStorage.get("last-mount")).toBe("alpha");

    await view.action("Copy SMB URL", view.item("alpha"));
    expect(world.store.clipboard).toEqual([mount.smb.url]);
  });

  it("starts a stopped mount before it opens it, the toast following each step and at ready moving on to Finder", async () => {
    await mountAs("web", "alpha");
    const stopped = record("alpha");
    if (stopped) stopped.running = false;
    const view = await openList(["alpha"]);
    await view.action("Open in Finder", view.item("alpha"));
    await view.waitFor(() => expect(lastToast()?.title).toBe("Opened alpha in Finder"));
    const titles = lastToast()?.history.map((state) => state.title);
    // Each change of the toast is kept; a title stands until the next one.
    expect(titles?.filter((title, index) => title !== titles[index - 1])).toEqual([
      "Opening alpha",
      "Connecting to web",
      "Opening Finder",
      "Opened alpha in Finder",
    ]);
    expect(stopped?.running).toBe(true);
  });

  it("says which permission macOS refused and where to grant it, and opens no folder", async () => {
    await mountAs("web", "alpha");
    const view = await openList(["alpha"]);
    world.appleScripts.answer = () => osascriptError(osascriptFailures["Automation refused"].stderr);
    await view.action("Open in Finder", view.item("alpha"));
    await view.waitFor(() => expect(lastToast()?.style).toBe("FAILURE"));
    expect(lastToast()?.title).toMatch(/^Finder could not mount smb:\/\/.*: macOS did not allow Apple events/);
    expect(lastToast()?.message).toContain("System Settings → Privacy & Security → Automation");
    expect(world.processes.calls.find((call) => call.file === "/usr/bin/open")).toBeUndefined();
    // The toast carries the fix its words name.
    const button = lastToast()?.primaryAction;
    expect(button?.title).toBe("Open System Settings");
    await button?.onAction?.(lastToast() as never);
    expect(world.store.opened).toEqual([
      { target: "x-apple.systempreferences:com.apple.preference.security?Privacy_Automation" },
    ]);
  });

  it("a search that matches no mount shows Raycast's own No Results, not No Mounts", async () => {
    await mountAs("web", "alpha");
    const view = await openList(["alpha"]);
    await view.search("zzz");
    expect(view.emptyView()).toEqual({ title: "No Results" });
  });

  it("shows a mount's log", async () => {
    await mountAs("web", "alpha");
    const view = await openList(["alpha"]);
    await view.action("Show Logs", view.item("alpha"));
    await view.waitFor(() => expect(String(view.view().props.markdown)).toContain("sshmount: ready"));
    expect(view.depth()).toBe(2);
    expect(view.actionTitles()).toEqual(["Refresh", "Copy Logs"]);
  });

  it("remounts with a fresh connection and the same container", async () => {
    await mountAs("web", "alpha");
    const view = await openList(["alpha"]);
    await view.action("Remount", view.item("alpha"));
    await view.waitFor(() => expect(lastToast()?.title).toBe("Remounted alpha"));
    expect(record("alpha")?.log.match(/sshmount: connecting/g)).toHaveLength(2);
    expect(world.engine.containers.size).toBe(1);
  });

  it("unmounts only after the user confirms, and forgets it as the last mount", async () => {
    await mountAs("web", "alpha");
    await mountAs("pw", "beta");
    world.store.localStorage.set("last-mount", "alpha");
    const view = await openList(["alpha", "beta"]);

    await view.action("Unmount", view.item("alpha"));
    expect(world.store.alerts.at(-1)).toMatchObject({
      title: "Unmount alpha?",
      primaryAction: { title: "Unmount", style: "DESTRUCTIVE" },
    });
    expect(record("alpha")).toBeDefined();

    // Finder has the share open: it is ejected before the container stops.
    let containerAtEject: boolean | undefined;
    world.processes.scripted.set("/sbin/mount", () => ({
      exitCode: 0,
      stdout: `//sshmount@127.0.0.1:${world.engine.publishedPort("alpha")}/alpha on /Volumes/alpha (smbfs, nodev, nosuid, mounted by ann)\n`,
    }));
    world.processes.scripted.set("/usr/sbin/diskutil", () => {
      containerAtEject = record("alpha")?.running;
      return { exitCode: 0 };
    });
    world.store.alertAnswers.push(true);
    await view.action("Unmount", view.item("alpha"));
    await view.waitFor(() => expect(view.itemTitles()).toEqual(["beta"]));
    expect(record("alpha")).toBeUndefined();
    expect(world.processes.calls.find((call) => call.file === "/usr/sbin/diskutil")?.args).toEqual([
      "unmount",
      "/Volumes/alpha",
    ]);
    expect(containerAtEject).toBe(true);
    expect(world.store.localStorage.has("last-mount")).toBe(false);
  });

  it("asks to unmount the mount the menu bar sent, once, and unmounts it only when confirmed", async () => {
    await mountAs("web", "alpha");
    await mountAs("pw", "beta");
    world.store.alertAnswers.push(true);
    ui = await render(<ListMounts launchContext={{ confirmUnmount: "alpha" }} />);
    const view = ui;
    await view.waitFor(() => expect(view.itemTitles()).toEqual(["beta"]));
    expect(world.store.alerts.map((alert) => alert.title)).toEqual(["Unmount alpha?"]);
    expect(record("alpha")).toBeUndefined();
    expect(lastToast()?.title).toBe("Unmounted alpha");
  });

  it("asks nothing when the mount the menu bar sent is gone, and keeps a declined one", async () => {
    await mountAs("web", "alpha");
    const declined = await render(<ListMounts launchContext={{ confirmUnmount: "alpha" }} />);
    await declined.waitFor(() => expect(world.store.alerts).toHaveLength(1));
    await declined.waitFor(() => expect(declined.itemTitles()).toEqual(["alpha"]));
    expect(record("alpha")).toBeDefined();
    declined.unmount();
    ui = await render(<ListMounts launchContext={{ confirmUnmount: "gone" }} />);
    await ui.waitFor(() => expect(ui?.itemTitles()).toEqual(["alpha"]));
    expect(world.store.alerts).toHaveLength(1);
  });

  it("Reconnect All opens each ready mount Finder lost and says which", async () => {
    await mountAs("web", "alpha");
    await mountAs("pw", "beta");
    // What macOS's mount prints for the share Finder still has (Apple diskdev_cmds mount.c prmount).
    world.processes.scripted.set("/sbin/mount", () => ({
      exitCode: 0,
      stdout: `//sshmount@127.0.0.1:${world.engine.publishedPort("beta")}/beta on /Volumes/beta (smbfs, nodev, nosuid, mounted by ann)\n`,
    }));
    const view = await openList(["alpha", "beta"]);
    await view.action("Reconnect All", view.item("beta"));
    await view.waitFor(() => expect(lastToast()?.title).toBe("Opened alpha in Finder"));
    expect(lastToast()?.style).toBe("SUCCESS");
    expect(world.appleScripts.calls.map((call) => call.script)).toEqual([expect.stringContaining('/alpha" as user')]);
    expect(world.processes.calls.filter((call) => call.file === "/usr/bin/open").map((call) => call.args)).toEqual([
      ["/Volumes/alpha"],
    ]);
  });

  it("unmounts everything after one confirmation", async () => {
    await mountAs("web", "alpha");
    await mountAs("pw", "beta");
    const view = await openList(["alpha", "beta"]);
    world.store.alertAnswers.push(true);
    await view.action("Unmount All", view.item("beta"));
    expect(world.store.alerts.at(-1)?.title).toBe("Unmount All 2 Mounts?");
    await view.waitFor(() => expect(view.itemTitles()).toEqual([]));
    expect(world.engine.containers.size).toBe(0);
  });

  it("does nothing when Unmount All is declined", async () => {
    await mountAs("web", "alpha");
    await mountAs("pw", "beta");
    const view = await openList(["alpha", "beta"]);
    world.store.alertAnswers.push(false);
    await view.action("Unmount All", view.item("beta"));
    expect(world.store.alerts.at(-1)?.title).toBe("Unmount All 2 Mounts?");
    await view.action("Refresh", view.item("beta"));
    await view.waitFor(() => expect(view.itemTitles()).toEqual(["alpha", "beta"]));
    expect([record("alpha")?.running, record("beta")?.running]).toEqual([true, true]);
    expect(world.processes.calls.filter((call) => call.file === "/usr/sbin/diskutil")).toEqual([]);
  });

  it("binds the main actions to the shortcuts the README gives: Open in Finder on Enter, Copy SMB URL ⌘⇧C…", async () => {
    await mountAs("web", "alpha");
    const view = await openList(["alpha"]);
    const shortcuts = view.actionShortcuts(view.item("alpha"));
    expect(shortcuts[0]).toEqual({ title: "Open in Finder" });
    expect(Object.fromEntries(shortcuts.map(({ title, shortcut }) => [title, shortcut]))).toMatchObject({
      "Copy SMB URL": Keyboard.Shortcut.Common.Copy,
      "Show Logs": { modifiers: ["cmd"], key: "l" },
      Remount: { modifiers: ["cmd", "shift"], key: "r" },
      Unmount: Keyboard.Shortcut.Common.Remove,
      "Unmount All": Keyboard.Shortcut.Common.RemoveAll,
    });
    const bound = shortcuts.flatMap(({ shortcut }) => (shortcut ? [JSON.stringify(shortcut)] : []));
    expect(new Set(bound).size).toBe(bound.length);
  });

  it("refreshes by itself while a mount is starting, until it is ready", async () => {
    // A mount still connecting when the list opens (started by the CLI, say); its server answers later.
    world.engine.behaviours.set("web", () => ({ lines: ["sshmount: connecting"] }));
    const pending = helper.mount("web", "", { ...helperOptions(), name: "slow", timeoutMs: 20_000 });
    await waitFor(() => expect(record("slow")?.running).toBe(true));
    const view = await openList(["slow"]);
    expect(view.item("slow").props.icon).toEqual({ source: "CircleProgress", tintColor: "Blue" });
    const slow = record("slow");
    if (slow) slow.log += "sshmount: ready\n";
    await view.waitFor(
      () => expect(view.item("slow").props.icon).toEqual({ source: "CheckCircle", tintColor: "Green" }),
      6000,
    );
    await pending;
  }, 15_000);

  it("shows a missing engine with the app to open", async () => {
    world.engine.down = "connect ENOENT docker.sock";
    world.store.applications = [{ name: "Docker", path: "/Applications/Docker.app", bundleId: "com.docker.docker" }];
    ui = await render(<ListMounts />);
    const view = ui;
    await view.waitFor(() => expect(view.findAll("List.EmptyView")[0]?.props.title).toMatch(/does not answer/));
    await view.waitFor(() =>
      expect(view.actionTitles()).toEqual(["Open Docker Desktop", "Retry", "Check Setup", "Copy Error"]),
    );
  });
});
