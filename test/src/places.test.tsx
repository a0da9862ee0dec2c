import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { render, type Ui } from "../raycast/render";
import { createUiWorld, removeUiWorld, type UiWorld } from "../raycast/world";
import { replaceBoundaries } from "../raycast/boundaries";

replaceBoundaries(() => world);
const { default: MountSshHost } = await import("../../src/mount-ssh-host");
const { default: ListMounts } = await import("../../src/list-mounts");
const { mountPlace, RECENT_LIMIT } = await import("../../src/lib/places");
const helper = await import("../../helper/index");
const { helperOptions } = await import("../../src/lib/helper-options");

let world: UiWorld;
let ui: Ui | undefined;
beforeEach(() => {
  world = createUiWorld({ defaultRemotePath: "projects" });
});
afterEach(() => {
  ui?.unmount();
  ui = undefined;
  removeUiWorld(world);
});

const lastToast = () => world.store.toasts.at(-1);
const settled = (view: Ui) => view.waitFor(() => expect(lastToast()?.style).not.toBe("ANIMATED"));
const pinsStored = () => JSON.parse(String(world.store.localStorage.get("pinned-places") ?? "[]"));
const mountLabels = () =>
  [...world.engine.containers.values()]
    .filter((record) => record.labels["sshmount.role"] === "mount")
    .map((record) => record.labels);
const sections = (view: Ui) =>
  view.findAll("List.Section").map((section) => ({
    title: section.props.title,
    items: section.children.filter((child) => child.type === "List.Item").map((item) => item.props.title),
  }));

async function openHosts(element = <MountSshHost />): Promise<Ui> {
  ui = await render(element);
  await ui.waitFor(() => expect(ui?.itemTitles()).toContain("web"));
  return ui;
}

describe("pinned places in Mount SSH Host", () => {
  it("pins a host's default folder from the host list; pins come first, in the order pinned, and unpin", async () => {
    const view = await openHosts();
    expect(sections(view)).toEqual([{ title: undefined, items: ["web", "inner", "pw", "newhost"] }]);
    await view.action("Pin Place", view.item("pw"));
    await view.action("Pin Place", view.item("web"));
    await view.waitFor(() => expect(view.itemTitles().slice(0, 2)).toEqual(["pw:~/projects", "web:~/projects"]));
    expect(sections(view)).toEqual([
      { title: "Pinned", items: ["pw:~/projects", "web:~/projects"] },
      { title: "Hosts", items: ["web", "inner", "pw", "newhost"] },
    ]);
    expect(pinsStored()).toEqual([
      { alias: "pw", remotePath: "~/projects" },
      { alias: "web", remotePath: "~/projects" },
    ]);
    // Pinned already: the host's action turns into Unpin, and pinning twice keeps one.
    expect(view.actionTitles(view.item("web"))).toContain("Unpin Place");
    await view.action("Unpin Place", view.item("pw:~/projects"));
    await view.waitFor(() => expect(sections(view)[0].items).toEqual(["web:~/projects"]));
    expect(lastToast()?.title).toBe("Unpinned pw:~/projects");
  });

  it("mounts a pinned place on Enter at its folder", async () => {
    world.store.localStorage.set("pinned-places", JSON.stringify([{ alias: "web", remotePath: "/srv/site" }]));
    const view = await openHosts();
    await view.waitFor(() => expect(view.itemTitles()[0]).toBe("web:/srv/site"));
    expect(view.actionTitles(view.item("web:/srv/site")).slice(0, 4)).toEqual([
      "Mount",
      "Mount…",
      "Unpin Place",
      "Create Quicklink",
    ]);
    const [quicklink] = view.findAll("Action.CreateQuicklink");
    // The documented deeplink form; the arguments are URL-encoded JSON, the place in the CLI's grammar.
    expect(quicklink.props.quicklink).toEqual({
      name: "Mount web:/srv/site",
      link: "raycast://extensions/sshmount/sshmount/mount-ssh-host?arguments=%7B%22host%22%3A%22web%3A%2Fsrv%2Fsite%22%7D",
    });
    await view.action("Mount", view.item("web:/srv/site"));
    await settled(view);
    expect(lastToast()?.title).toBe("Mounted web");
    expect(mountLabels()[0]).toMatchObject({ "sshmount.alias": "web", "sshmount.remote-path": "/srv/site" });
  });

  it("clears every pin only after the user confirms", async () => {
    world.store.localStorage.set(
      "pinned-places",
      JSON.stringify([
        { alias: "web", remotePath: "~" },
        { alias: "pw", remotePath: "/tmp" },
      ]),
    );
    const view = await openHosts();
    await view.waitFor(() => expect(sections(view)[0].items).toEqual(["web", "pw:/tmp"]));
    world.store.alertAnswers.push(false);
    await view.action("Unpin All", view.item("web"));
    expect(world.store.alerts.at(-1)).toMatchObject({
      title: "Unpin All Places?",
      primaryAction: { style: "DESTRUCTIVE" },
    });
    expect(pinsStored()).toHaveLength(2);
    world.store.alertAnswers.push(true);
    await view.action("Unpin All", view.item("web"));
    await view.waitFor(() => expect(sections(view)).toHaveLength(1));
    expect(world.store.localStorage.has("pinned-places")).toBe(false);
  });

  it.each([
    ["not JSON", "{pinned"],
    ["a number", 42],
    ["an older shape", JSON.stringify({ web: "/srv" })],
  ])("lists the hosts as if nothing were pinned when the stored value is %s", async (_, stored) => {
    world.store.localStorage.set("pinned-places", stored);
    const view = await openHosts();
    expect(sections(view)).toEqual([{ title: undefined, items: ["web", "inner", "pw", "newhost"] }]);
  });

  it("drops stored pins no mount would take, and keeps the rest", async () => {
    world.store.localStorage.set(
      "pinned-places",
      JSON.stringify([
        { alias: "-oProxyCommand=touch /tmp/x", remotePath: "~" },
        { alias: "web", remotePath: "a\nb" },
        { alias: "web", remotePath: 7 },
        "web",
        { alias: "web", remotePath: "/srv" },
        { alias: "web", remotePath: "/srv/" },
      ]),
    );
    const view = await openHosts();
    await view.waitFor(() => expect(sections(view)[0]).toEqual({ title: "Pinned", items: ["web:/srv"] }));
  });

  it("marks a pin whose host left the ssh config, offering only to unpin it", async () => {
    world.store.localStorage.set("pinned-places", JSON.stringify([{ alias: "gone", remotePath: "~" }]));
    const view = await openHosts();
    await view.waitFor(() => expect(view.itemTitles()[0]).toBe("gone"));
    expect(view.item("gone").props.accessories).toEqual([
      { tag: { value: "Not in SSH Config", color: "Orange" }, tooltip: "No Host block has this alias now" },
    ]);
    expect(view.actionTitles(view.item("gone"))).toEqual(["Unpin Place", "Unpin All"]);
  });
});

describe("the Mounted accessory", () => {
  it("shows on a host and on a pinned place with a running mount, not on a stopped one", async () => {
    world.store.localStorage.set("pinned-places", JSON.stringify([{ alias: "web", remotePath: "/srv" }]));
    await helper.mount("web", "", { ...helperOptions(), name: "web-home" });
    await helper.mount("pw", "", { ...helperOptions(), name: "pw-home" });
    const stopped = [...world.engine.containers.values()].find(
      (record) => record.labels["sshmount.name"] === "pw-home",
    );
    if (stopped) stopped.running = false;
    const view = await openHosts();
    const mounted = { tag: { value: "Mounted", color: "Green" }, tooltip: "web-home" };
    await view.waitFor(() => expect(view.item("web").props.accessories).toContainEqual(mounted));
    expect(view.item("pw").props.accessories).not.toContainEqual(expect.objectContaining({ tag: expect.anything() }));
    // The pin is /srv; the mount is the home folder: a different place.
    expect(view.item("web:/srv").props.accessories).not.toContainEqual(mounted);
  });
});

describe("recent paths in the mount form", () => {
  it("offers the folders mounted before on that host, the latest first; choosing one fills in Remote Path", async () => {
    const view = await openHosts();
    for (const folder of ["/srv/site", "projects"]) {
      await view.action("Mount…", view.item("web"));
      await view.setField("remotePath", folder);
      await view.action("Mount");
      await settled(view);
      while (view.depth() > 1) await view.back();
    }
    await view.action("Mount…", view.item("web"));
    const dropdown = await view.waitFor(() => {
      const [found] = view.findAll("Form.Dropdown");
      expect(found).toBeDefined();
      return found;
    });
    const items = dropdown.children.filter((child) => child.type === "Form.Dropdown.Item");
    expect(items.map((item) => item.props.value)).toEqual(["", "~/projects", "/srv/site"]);
    await view.setField("recentPath", "/srv/site");
    expect(view.formValues()).toMatchObject({ remotePath: "/srv/site" });
    await view.back();
    // Another host has none of them.
    await view.action("Mount…", view.item("pw"));
    expect(view.findAll("Form.Dropdown")).toEqual([]);
  });

  it("keeps the latest few, each once, and forgets one on request", async () => {
    const paths = Array.from({ length: RECENT_LIMIT + 2 }, (_, index) => `/srv/${index}`);
    world.store.localStorage.set("recent-paths:web", JSON.stringify([...paths, "/srv/0", 5, "bad\u0000"]));
    const view = await openHosts();
    await view.action("Mount…", view.item("web"));
    const values = () =>
      view
        .findAll("Form.Dropdown.Item")
        .map((item) => item.props.value)
        .filter((value) => value !== "");
    await view.waitFor(() => expect(values()).toEqual(paths.slice(0, RECENT_LIMIT)));
    await view.action("/srv/1");
    await view.waitFor(() => expect(values()).not.toContain("/srv/1"));
    expect(JSON.parse(String(world.store.localStorage.get("recent-paths:web")))).not.toContain("/srv/1");
  });
});

describe("mounting by name", () => {
  it("takes `mount web:/srv/site` as the host argument and mounts it at once", async () => {
    ui = await render(<MountSshHost arguments={{ host: "web:/srv/site", remotePath: "" }} />);
    const view = ui;
    await view.waitFor(() => expect(lastToast()?.title).toBe("Mounted web"));
    expect(mountLabels()[0]).toMatchObject({ "sshmount.alias": "web", "sshmount.remote-path": "/srv/site" });
    expect(ui.view().type).toBe("Detail");
  });

  it("takes host and path as two arguments, and the default folder with the host alone", async () => {
    ui = await render(<MountSshHost arguments={{ host: "web", remotePath: "~/site" }} />);
    await ui.waitFor(() => expect(lastToast()?.title).toBe("Mounted web"));
    ui.unmount();
    ui = await render(<MountSshHost arguments={{ host: "pw", remotePath: "" }} />);
    await ui.waitFor(() => expect(lastToast()?.title).toBe("Mounted pw"));
    expect(mountLabels().map((labels) => [labels["sshmount.alias"], labels["sshmount.remote-path"]])).toEqual([
      ["web", "site"],
      ["pw", "projects"],
    ]);
  });

  it("says so in a toast, over the host list, for a name that is no Host or a path given twice", async () => {
    ui = await render(<MountSshHost arguments={{ host: "wbe", remotePath: "" }} />);
    await ui.waitFor(() => expect(lastToast()?.title).toBe("wbe is not a Host in your ssh config"));
    expect(lastToast()).toMatchObject({ style: "FAILURE", message: expect.stringContaining("Check the spelling") });
    expect(ui.itemTitles()).toContain("web");
    ui.unmount();
    ui = await render(<MountSshHost arguments={{ host: "web:/srv", remotePath: "/etc" }} />);
    await ui.waitFor(() => expect(lastToast()?.title).toMatch(/Give the remote path once/));
    expect(mountLabels()).toEqual([]);
  });

  it("mounts a place from another command by launching Mount SSH Host with it as the argument", async () => {
    await mountPlace({ alias: "web", remotePath: "~/site" });
    expect(world.store.launched).toEqual([
      { name: "mount-ssh-host", type: "userInitiated", arguments: { host: "web:~/site", remotePath: "" } },
    ]);
  });
});

describe("pinning from a mount", () => {
  it("pins from List Mounts and from the page a new mount lands on", async () => {
    await helper.mount("web", "/srv/site", { ...helperOptions(), name: "site" });
    ui = await render(<ListMounts />);
    const list = ui;
    await list.waitFor(() => expect(list.itemTitles()).toEqual(["site"]));
    await list.action("Pin Place", list.item("site"));
    await list.waitFor(() => expect(list.actionTitles(list.item("site"))).toContain("Unpin Place"));
    expect(pinsStored()).toEqual([{ alias: "web", remotePath: "/srv/site" }]);
    list.unmount();

    const view = await openHosts();
    await view.action("Mount…", view.item("pw"));
    await view.action("Mount");
    await settled(view);
    expect(view.view().type).toBe("Detail");
    await view.action("Pin Place");
    await view.waitFor(() => expect(pinsStored()).toContainEqual({ alias: "pw", remotePath: "~/projects" }));
  });
});

describe("from a mount to the host", () => {
  async function listWith(remotePath: string, preferences: Record<string, unknown> = {}) {
    Object.assign(world.store.preferences, preferences);
    const mount = await helper.mount("web", remotePath, { ...helperOptions(), name: "site" });
    ui = await render(<ListMounts />);
    const view = ui;
    await view.waitFor(() => expect(view.itemTitles()).toEqual(["site"]));
    return { view, mount };
  }
  const opened = () => world.processes.calls.filter((call) => call.file === "/usr/bin/open").map((call) => call.args);

  it("opens Terminal (the default) on ssh -t web, landing in the folder, through Terminal's do script", async () => {
    const { view } = await listWith("/srv/it's mine");
    await view.action("Open in Terminal", view.item("site"));
    await view.waitFor(() => expect(lastToast()?.title).toBe("Opened web:/srv/it's mine"));
    // shellQuote's command line (each ' as '\''), then AppleScript's escapes (\ as \\, " as \").
    const doScript = String.raw`do script "ssh -t web 'cd '\\''/srv/it'\\''\\'\\'''\\''s mine'\\'' && exec \"$SHELL\" -l'"`;
    expect(world.appleScripts.calls.map((call) => call.script)).toEqual([
      `tell application "Terminal"\nactivate\n${doScript}\nend tell\n`,
    ]);
  });

  it.each([
    ["ghostty", ["-na", "Ghostty", "--args", "-e", "ssh", "-t", "web", `cd /srv/site && exec "$SHELL" -l`]],
    ["kitty", ["-na", "kitty", "--args", "ssh", "-t", "web", `cd /srv/site && exec "$SHELL" -l`]],
  ])("opens %s with the ssh argument array through open --args", async (terminalApp, args) => {
    const { view } = await listWith("/srv/site", { terminalApp });
    await view.action("Open in Terminal", view.item("site"));
    await view.waitFor(() => expect(lastToast()?.style).toBe("SUCCESS"));
    expect(opened()).toEqual([args]);
  });

  it("opens iTerm2 with a new window that runs the command, and Warp through a launch configuration", async () => {
    const { view } = await listWith("/srv/site", { terminalApp: "iterm2" });
    await view.action("Open in Terminal", view.item("site"));
    await view.waitFor(() => expect(lastToast()?.style).toBe("SUCCESS"));
    expect(world.appleScripts.calls.at(-1)?.script).toBe(
      'tell application "iTerm"\nactivate\nset made to (create window with default profile)\n' +
        `tell current session of made to write text "ssh -t web 'cd /srv/site && exec \\"$SHELL\\" -l'"\nend tell\n`,
    );
    world.store.preferences.terminalApp = "warp";
    // Warp's folder is under the user's home: this test's own, never the real one.
    const home = process.env.HOME;
    process.env.HOME = world.dir;
    try {
      await view.action("Open in Terminal", view.item("site"));
      await view.waitFor(() => expect(opened()).toHaveLength(1));
    } finally {
      process.env.HOME = home;
    }
    const file = path.join(world.dir, ".warp", "launch_configurations", "sshmount-site.yaml");
    expect(opened()[0]).toEqual([`warp://launch/${encodeURIComponent(file)}`]);
    expect(fs.readFileSync(file, "utf8")).toContain(
      `- exec: ${JSON.stringify(`ssh -t web 'cd /srv/site && exec "$SHELL" -l'`)}`,
    );
  });

  it("opens VS Code or Cursor at the host and folder, asking the host for a home-relative folder", async () => {
    const { view } = await listWith("/srv/site");
    await view.action("Open in Editor", view.item("site"));
    await view.waitFor(() => expect(lastToast()?.style).toBe("SUCCESS"));
    expect(opened()).toEqual([["vscode://vscode-remote/ssh-remote+web/srv/site"]]);
    await helper.mount("web", "projects", { ...helperOptions(), name: "home" });
    world.store.preferences.editorApp = "cursor";
    // What the host prints for `cd ~/projects && pwd`; no real host is asked.
    world.processes.scripted.set("ssh", () => ({ exitCode: 0, stdout: "/home/ann/projects\n" }));
    view.unmount();
    ui = await render(<ListMounts />);
    const again = ui;
    await again.waitFor(() => expect(again.itemTitles()).toContain("home"));
    await again.action("Open in Editor", again.item("home"));
    await again.waitFor(() => expect(opened()).toHaveLength(2));
    expect(opened()[1]).toEqual(["cursor://vscode-remote/ssh-remote+web/home/ann/projects"]);
    expect(
      world.processes.calls.find((call) => call.file === "ssh" && call.args.includes("BatchMode=yes"))?.args,
    ).toEqual(["-o", "BatchMode=yes", "-T", "web", "cd ~/projects && pwd"]);
  });

  it("copies the local path and shows the volume where the mount table has it, opening nothing else", async () => {
    const { view, mount } = await listWith("/srv/site");
    // `mount` output as Apple's diskdev_cmds mount.c prmount prints an smbfs volume.
    world.processes.scripted.set("/sbin/mount", () => ({
      exitCode: 0,
      stdout: `/dev/disk3s1 on / (apfs, local, journaled)\n//sshmount@127.0.0.1:${mount.smb.port}/site on /Volumes/site 1 (smbfs, nodev, nosuid, mounted by ann)\n`,
    }));
    await view.action("Copy Local Path", view.item("site"));
    await view.waitFor(() => expect(world.store.clipboard).toEqual(["/Volumes/site 1"]));
    await view.action("Show in Finder", view.item("site"));
    await view.waitFor(() =>
      expect(world.store.opened).toEqual([{ target: "/Volumes/site 1", application: "Finder" }]),
    );
    expect(world.appleScripts.calls).toEqual([]);
  });

  it("mounts a share Finder does not have yet, to have a volume to show", async () => {
    const { view } = await listWith("/srv/site");
    await view.action("Show in Finder", view.item("site"));
    await view.waitFor(() => expect(world.store.opened).toEqual([{ target: "/Volumes/site", application: "Finder" }]));
    expect(world.appleScripts.calls).toHaveLength(1);
  });

  it("says which app failed and how to let Raycast control it", async () => {
    const { view } = await listWith("/srv/site", { terminalApp: "kitty" });
    world.processes.scripted.set("/usr/bin/open", () => ({
      exitCode: 1,
      // open(1) for an app LaunchServices does not know.
      stderr: "Unable to find application named 'kitty'\n",
    }));
    await view.action("Open in Terminal", view.item("site"));
    await view.waitFor(() => expect(lastToast()?.style).toBe("FAILURE"));
    expect(lastToast()).toMatchObject({
      title: "kitty could not open a shell on web: Unable to find application named 'kitty'",
      primaryAction: { title: "Open System Settings" },
    });
  });
});
