import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { osascriptFailures } from "../fixtures/osascript-failures";
import { osascriptError } from "../raycast/fake-applescript";
import { LaunchType } from "../raycast/api";
import { render, type Node, type Ui } from "../raycast/render";
import { createUiWorld, removeUiWorld, type UiWorld } from "../raycast/world";
import { replaceBoundaries } from "../raycast/boundaries";

replaceBoundaries(() => world);
const { default: SshMounts } = await import("../../src/ssh-mounts");
const helper = await import("../../helper/index");
const { helperOptions } = await import("../../src/lib/helper-options");

let world: UiWorld;
let ui: Ui | undefined;
beforeEach(() => {
  world = createUiWorld();
  // How Raycast runs a menu-bar command: in the menu bar, with its own window closed.
  world.store.environment.commandMode = "menu-bar";
  world.store.mainWindow = "closed";
});
afterEach(() => {
  ui?.unmount();
  ui = undefined;
  removeUiWorld(world);
});

const mountAs = (alias: string, name: string) => helper.mount(alias, "", { ...helperOptions(), name });
const record = (name: string) =>
  [...world.engine.containers.values()].find((container) => container.labels["sshmount.name"] === name);

const titles = (nodes: Node[]) => nodes.map((node) => String(node.props.title));
/** The items directly in a section or submenu, as the menu shows them. */
const itemsOf = (scope: Node) => scope.children.filter((node) => node.type === "MenuBarExtra.Item");

async function openMenu(): Promise<Ui> {
  ui = await render(<SshMounts />);
  const view = ui;
  // Raycast keeps the command loaded until isLoading is false; only then is the menu what it shows.
  await view.waitFor(() => expect(view.view().props.isLoading).toBe(false));
  return view;
}

function submenu(view: Ui, name: string): Node {
  const [match] = view.findAll("MenuBarExtra.Submenu", (node) => node.props.title === name);
  if (!match) throw new Error(`no submenu "${name}"`);
  return match;
}

function within(scope: Node, node: Node): boolean {
  return scope === node || scope.children.some((child) => within(child, node));
}

/** Clicks an item as the user does; what it does shows once its work is done (the tests wait for it). */
async function click(view: Ui, title: string, scope: Node = view.view()): Promise<void> {
  const found = view.findAll("MenuBarExtra.Item", (node) => node.props.title === title && within(scope, node))[0];
  if (!found) throw new Error(`no item "${title}"`);
  (found.props.onAction as (event: { type: string }) => void)({ type: "left-click" });
}

describe("SSH Mounts (menu bar)", () => {
  it("shows each mount with its status and List Mounts' actions, then the commands", async () => {
    await mountAs("web", "alpha");
    await mountAs("pw", "beta");
    const stopped = record("beta");
    if (stopped) stopped.running = false;
    const view = await openMenu();
    expect(view.view().props).toMatchObject({ icon: "HardDrive", tooltip: "SSH Mounts: 1 of 2 ready" });
    const [mounts, commands] = view.findAll("MenuBarExtra.Section");
    expect(mounts.props.title).toBe("Mounts");
    expect(titles(view.findAll("MenuBarExtra.Submenu"))).toEqual(["alpha", "beta"]);
    expect(submenu(view, "alpha").props.icon).toEqual({ source: "CheckCircle", tintColor: "Green" });
    expect(titles(itemsOf(submenu(view, "alpha")))).toEqual([
      "Ready: web:~",
      "Open in Finder",
      "Copy SMB URL",
      "Remount",
      "Unmount…",
    ]);
    expect(submenu(view, "beta").props.icon).toEqual({ source: "Stop", tintColor: "SecondaryText" });
    expect(titles(itemsOf(submenu(view, "beta")))).toEqual(["Stopped: pw:~", "Open in Finder", "Remount", "Unmount…"]);
    expect(titles(itemsOf(commands))).toEqual(["Reconnect All", "Open List Mounts", "Mount SSH Host"]);
  });

  it("reads the mounts and starts nothing itself: a stopped mount stays stopped, Finder is not asked", async () => {
    await mountAs("web", "alpha");
    const stopped = record("alpha");
    if (stopped) stopped.running = false;
    const starts = stopped?.log.match(/^sshmount: connecting$/gm)?.length;
    world.store.environment.launchType = LaunchType.Background;
    await openMenu();
    expect(record("alpha")?.running).toBe(false);
    expect(record("alpha")?.log.match(/^sshmount: connecting$/gm)?.length).toBe(starts);
    expect(world.appleScripts.calls).toEqual([]);
    expect(world.processes.calls.map((call) => call.file)).not.toContain("/usr/bin/open");
  });

  it("with nothing mounted says so and offers Mount SSH Host", async () => {
    const view = await openMenu();
    expect(titles(view.findAll("MenuBarExtra.Item"))).toEqual(["No Mounts", "Open List Mounts", "Mount SSH Host"]);
    await click(view, "Mount SSH Host");
    await view.waitFor(() => expect(world.store.launched).toEqual([{ name: "mount-ssh-host", type: "userInitiated" }]));
  });

  it("lists pinned places between mounts and commands, marks the mounted one, and mounts a place by its target", async () => {
    world.store.localStorage.set(
      "pinned-places",
      JSON.stringify([
        { alias: "web", remotePath: "~" },
        { alias: "pw", remotePath: "/srv/site" },
      ]),
    );
    await mountAs("web", "alpha");
    const view = await openMenu();
    const [, pinned] = view.findAll("MenuBarExtra.Section");
    expect(pinned.props.title).toBe("Pinned");
    expect(itemsOf(pinned).map((item) => [item.props.title, item.props.subtitle])).toEqual([
      ["web", "Mounted"],
      ["pw:/srv/site", undefined],
    ]);
    await click(view, "pw:/srv/site", pinned);
    await view.waitFor(() =>
      expect(world.store.launched).toEqual([
        { name: "mount-ssh-host", type: "userInitiated", arguments: { host: "pw:/srv/site", remotePath: "" } },
      ]),
    );
  });

  it("shows no Pinned section without pins, and ignores a damaged store", async () => {
    world.store.localStorage.set("pinned-places", "{not json");
    const view = await openMenu();
    expect(view.findAll("MenuBarExtra.Section").map((section) => section.props.title)).toEqual(["Mounts", undefined]);
  });

  it("tints its icon orange while a mount reconnects, and shows a red warning once one failed", async () => {
    await mountAs("web", "alpha");
    await mountAs("pw", "beta");
    const alpha = record("alpha");
    if (alpha) alpha.log += "sshmount: reconnecting\n";
    const view = await openMenu();
    expect(view.view().props).toMatchObject({
      icon: { source: "ArrowClockwise", tintColor: "Orange" },
      tooltip: "SSH Mounts: alpha reconnecting",
    });
    view.unmount();
    Object.assign(record("beta") ?? {}, { running: false, exitCode: 1 });
    const again = await openMenu();
    expect(again.view().props).toMatchObject({
      icon: { source: "Warning", tintColor: "Red" },
      tooltip: "SSH Mounts: beta failed",
    });
    expect(submenu(again, "beta").props.icon).toEqual({ source: "XMarkCircle", tintColor: "Red" });
  });

  it("with the engine away shows why, a red warning and Check Setup, and no toast on the refresh", async () => {
    world.engine.down = "connect ENOENT docker.sock";
    const view = await openMenu();
    const [failure] = view.findAll("MenuBarExtra.Item");
    expect(String(failure.props.title)).toMatch(/does not answer/);
    expect(view.view().props).toMatchObject({ icon: { source: "Warning", tintColor: "Red" } });
    expect(String(view.view().props.tooltip)).toMatch(/^SSH Mounts: .*does not answer/);
    expect(world.store.toasts).toEqual([]);
    expect(world.store.huds).toEqual([]);
    await click(view, "Check Setup");
    await view.waitFor(() => expect(world.store.launched).toEqual([{ name: "check-setup", type: "userInitiated" }]));
  });

  it("opens a mount in Finder and says so in a HUD, the window being closed", async () => {
    const mount = await mountAs("web", "alpha");
    const view = await openMenu();
    await click(view, "Open in Finder", submenu(view, "alpha"));
    await view.waitFor(() => expect(world.store.huds).toEqual(["Opened alpha in Finder"]));
    expect(world.appleScripts.calls.map((call) => call.script)).toEqual([
      expect.stringContaining(`mount volume "${mount.smb.url}"`),
    ]);
    expect(world.store.huds).toEqual(["Opened alpha in Finder"]);
    expect(world.store.localStorage.get("last-mount")).toBe("alpha");
  });

  it("a Finder refusal ends in a HUD with its words", async () => {
    await mountAs("web", "alpha");
    world.appleScripts.answer = () => osascriptError(osascriptFailures["Automation refused"].stderr);
    const view = await openMenu();
    await click(view, "Open in Finder", submenu(view, "alpha"));
    await view.waitFor(() => expect(world.store.toasts.at(-1)?.style).toBe("FAILURE"));
    expect(world.store.huds.at(-1)).toMatch(/^Finder could not mount smb:\/\/.*: macOS did not allow Apple events/);
  });

  it("copies the SMB URL", async () => {
    const mount = await mountAs("web", "alpha");
    const view = await openMenu();
    await click(view, "Copy SMB URL", submenu(view, "alpha"));
    await view.waitFor(() => expect(world.store.huds).toEqual(["Copied SMB URL"]));
    expect(world.store.clipboard).toEqual([mount.smb.url]);
    expect(world.store.huds).toEqual(["Copied SMB URL"]);
  });

  it("stays loaded while a remount runs, until the mount serves again", async () => {
    await mountAs("web", "alpha");
    const view = await openMenu();
    world.engine.behaviours.set("web", () => ({ lines: ["sshmount: connecting"] }));
    const item = view.findAll("MenuBarExtra.Item", (node) => node.props.title === "Remount")[0];
    (item.props.onAction as (event: { type: string }) => void)({ type: "left-click" });
    await view.waitFor(() => expect(record("alpha")?.log.match(/^sshmount: connecting$/gm)).toHaveLength(2));
    expect(view.view().props.isLoading).toBe(true);
    const alpha = record("alpha");
    if (alpha) alpha.log += "sshmount: ready\n";
    await view.waitFor(() => expect(world.store.huds).toEqual(["Remounted alpha"]), 10_000);
    await view.waitFor(() => expect(view.view().props.isLoading).toBe(false));
  }, 20_000);

  it("Unmount asks in List Mounts, which it opens for that mount: a menu has no window for an alert", async () => {
    await mountAs("web", "alpha");
    const view = await openMenu();
    await click(view, "Unmount…", submenu(view, "alpha"));
    await view.waitFor(() => expect(world.store.launched).toHaveLength(1));
    expect(world.store.launched).toEqual([
      { name: "list-mounts", type: "userInitiated", context: { confirmUnmount: "alpha" } },
    ]);
    expect(world.store.alerts).toEqual([]);
    expect(record("alpha")).toBeDefined();
  });

  it("Reconnect All opens what Finder lost, and Open List Mounts opens the list", async () => {
    await mountAs("web", "alpha");
    await mountAs("pw", "beta");
    // macOS's mount output for the share Finder still has (Apple diskdev_cmds mount.c prmount).
    world.processes.scripted.set("/sbin/mount", () => ({
      exitCode: 0,
      stdout: `//sshmount@127.0.0.1:${world.engine.publishedPort("alpha")}/alpha on /Volumes/alpha (smbfs, nodev, nosuid, mounted by ann)\n`,
    }));
    const view = await openMenu();
    await click(view, "Reconnect All");
    await view.waitFor(() => expect(world.store.huds).toEqual(["Opened beta in Finder"]));
    expect(world.appleScripts.calls).toHaveLength(1);
    await click(view, "Open List Mounts");
    await view.waitFor(() => expect(world.store.launched).toEqual([{ name: "list-mounts", type: "userInitiated" }]));
    await view.waitFor(() => expect(view.view().props.isLoading).toBe(false));
  });
});
