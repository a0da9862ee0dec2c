import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { fingerprintOf } from "../../helper/ssh/known-hosts";
import { routeFixtures } from "../fixtures/routes";
import { osascriptFailures } from "../fixtures/osascript-failures";
import { osascriptError } from "../raycast/fake-applescript";
import { render, type Ui } from "../raycast/render";
import { Keyboard } from "../raycast/api";
import { refusedLogin } from "../raycast/fake-engine";
import { createUiWorld, removeUiWorld, SERVER_KEY, type UiWorld } from "../raycast/world";
import { replaceBoundaries } from "../raycast/boundaries";

replaceBoundaries(() => world);
const { default: MountSshHost } = await import("../../src/mount-ssh-host");
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

/** Every title the toasts showed, each once while it stood (a message change keeps the title). */
const toastTitles = () =>
  world.store.toasts
    .flatMap((toast) => toast.history.map((state) => state.title))
    .filter((title, index, titles) => title !== titles[index - 1]);
const lastToast = () => world.store.toasts.at(-1);
const mountContainers = () =>
  [...world.engine.containers.values()].filter((record) => record.labels["sshmount.role"] === "mount");

async function openHosts(): Promise<Ui> {
  ui = await render(<MountSshHost />);
  await ui.waitFor(() => expect(ui?.itemTitles()).toContain("web"));
  return ui;
}

async function openForm(alias: string): Promise<Ui> {
  const view = await openHosts();
  await view.action("Mount…", view.item(alias));
  expect(view.view().type).toBe("Form");
  return view;
}

/** Waits for the flow an action started to end in a success or failure toast. */
async function settled(view: Ui) {
  await view.waitFor(() => expect(lastToast()?.style).not.toBe("ANIMATED"));
}

describe("Mount SSH Host: the host list", () => {
  it("lists every host of the ssh config with user@host:port and a jump-host marker", async () => {
    const view = await openHosts();
    expect(view.itemTitles()).toEqual(["web", "inner", "pw", "newhost"]);
    expect(view.item("web").props.accessories).toEqual([{ text: "ann@web.example:22" }]);
    expect(view.item("inner").props.accessories).toEqual([
      { tag: "via web", icon: "Link", tooltip: "Jump host (ProxyJump)" },
      { text: "ann@inner.example:22" },
    ]);
    await view.search("inner");
    expect(view.itemTitles()).toEqual(["inner"]);
    await view.search("new.example");
    expect(view.itemTitles()).toEqual(["newhost"]);
  });

  it("mounts the default folder on Enter and opens the form second (⌘↵), as the README says", async () => {
    const view = await openHosts();
    const shortcuts = view.actionShortcuts(view.item("web"));
    // The first two take Raycast's own ↵ and ⌘↵: a shortcut of their own would be a second binding.
    expect(shortcuts.slice(0, 2)).toEqual([{ title: "Mount Default Folder" }, { title: "Mount…" }]);
    expect(shortcuts.find(({ title }) => title === "Reload Hosts")?.shortcut).toEqual(Keyboard.Shortcut.Common.Refresh);
    const bound = shortcuts.flatMap(({ shortcut }) => (shortcut ? [JSON.stringify(shortcut)] : []));
    expect(new Set(bound).size).toBe(bound.length);
  });

  it("shows a config OpenSSH refuses as an error view naming the file and line", async () => {
    fs.appendFileSync(world.sshConfig, "Host broken\n  Bogus yes\n");
    const bogusLine = fs.readFileSync(world.sshConfig, "utf8").split("\n").length - 1;
    ui = await render(<MountSshHost />);
    const empty = await ui.waitFor(() => {
      const [view] = ui?.findAll("List.EmptyView") ?? [];
      expect(view?.props.title).toMatch(/OpenSSH cannot read the configuration/);
      return view;
    });
    expect(empty.props.description).toContain(`line ${bogusLine} of ${world.sshConfig}`);
    expect(ui.actionTitles()).toEqual(["Open SSH Config", "Retry", "Check Setup", "Copy Error"]);
    await ui.action("Open SSH Config");
    expect(world.store.opened).toEqual([{ target: world.sshConfig }]);
  });

  it("leaves a search that matches no host to Raycast's own No Results", async () => {
    const view = await openHosts();
    await view.search("nothing-like-this");
    expect(view.itemTitles()).toEqual([]);
    expect(view.emptyView()).toEqual({ title: "No Results" });
  });

  it("says so when the ssh config has no hosts at all", async () => {
    fs.writeFileSync(world.sshConfig, "# no hosts yet\n");
    ui = await render(<MountSshHost />);
    const view = ui;
    await view.waitFor(() => expect(view.emptyView()?.title).toBe("No Hosts in Your SSH Config"));
  });
});

describe("Mount SSH Host: mounting", () => {
  it("mounts the default folder and opens Finder on Enter; the form is the second action", async () => {
    const view = await openHosts();
    expect(view.actionTitles(view.item("web")).slice(0, 2)).toEqual(["Mount Default Folder", "Mount…"]);
    await view.action("Mount Default Folder", view.item("web"));
    await settled(view);
    expect(lastToast()?.title).toBe("Mounted web");
    expect(mountContainers()[0].labels).toMatchObject({ "sshmount.remote-path": "projects" });
    expect(world.processes.calls.filter((call) => call.file === "/usr/bin/open")).toHaveLength(1);
    expect(view.view().type).toBe("Detail");
  });

  it("on Enter, takes a host known to need a password to the form with the password field", async () => {
    world.store.localStorage.set("needs-password:pw", true);
    const view = await openHosts();
    await view.action("Mount Default Folder", view.item("pw"));
    expect(view.view().type).toBe("Form");
    await view.waitFor(() => expect(view.findAll("Form.PasswordField")).toHaveLength(1));
    expect(view.formValues()).toMatchObject({ remotePath: "projects" });
    expect(world.store.toasts).toEqual([]);
    expect(mountContainers()).toEqual([]);
  });

  it("when Finder cannot open a finished mount, lands on the mount with a warning and Open Again", async () => {
    // LaunchServices' kLSApplicationNotFoundErr (-10814, LSInfo.h) as /usr/bin/open reports it.
    let finderFails = true;
    world.processes.scripted.set("/usr/bin/open", (call) =>
      finderFails
        ? { exitCode: 1, stderr: `LSOpenURLsWithRole() failed with error -10814 for the URL ${call.args[0]}.` }
        : { exitCode: 0 },
    );
    const view = await openHosts();
    await view.action("Mount Default Folder", view.item("web"));
    await settled(view);
    expect(lastToast()).toMatchObject({
      style: "FAILURE",
      title: "Mounted web; Finder could not open it",
      message: expect.stringContaining("-10814"),
    });
    expect(lastToast()?.primaryAction?.title).toBe("Open Again");
    expect(toastTitles()).not.toContainEqual(expect.stringMatching(/failed|refused/i));
    expect(view.view().type).toBe("Detail");
    expect(String(view.view().props.markdown)).toMatch(/is mounted\n\n> \*\*Finder could not open it:\*\* .*-10814/);
    expect(view.actionTitles().slice(0, 2)).toEqual(["Open Again", "Copy SMB URL"]);
    expect(mountContainers()).toHaveLength(1);
    expect(world.store.localStorage.get("last-mount")).toBe("web-projects");

    finderFails = false;
    await view.action("Open Again");
    await view.waitFor(() => expect(lastToast()?.title).toBe("Opened web-projects in Finder"));
    await view.action("Copy SMB URL");
    expect(world.store.clipboard).toEqual([
      `smb://sshmount@127.0.0.1:${world.engine.publishedPort("web-projects")}/web-projects`,
    ]);
  });

  it("when macOS refuses Finder a permission after the mount is ready, the mount page offers the pane to grant it", async () => {
    world.appleScripts.answer = () => osascriptError(osascriptFailures["Automation refused"].stderr);
    const view = await openHosts();
    await view.action("Mount Default Folder", view.item("web"));
    await settled(view);
    expect(lastToast()?.title).toBe("Mounted web; Finder could not open it");
    expect(String(view.view().props.markdown)).toContain(
      "Allow Raycast in System Settings → Privacy & Security → Automation",
    );
    expect(view.actionTitles()).toContain("Open System Settings");
    await view.action("Open System Settings");
    expect(world.store.opened).toEqual([
      { target: "x-apple.systempreferences:com.apple.preference.security?Privacy_Automation" },
    ]);
    expect(mountContainers()).toHaveLength(1);
  });

  it("asks for the path (default from the preferences), follows the real steps in a toast, opens Finder and lands on the mount", async () => {
    const view = await openForm("web");
    expect(view.formValues()).toEqual({ remotePath: "projects", name: "" });
    expect(view.findAll("Form.PasswordField")).toEqual([]);
    await view.action("Mount");
    await settled(view);

    expect(toastTitles()).toEqual([
      "Checking Docker",
      "Preparing the network",
      "Connecting to web",
      "Opening Finder",
      "Mounted web",
    ]);
    const toast = lastToast();
    expect(toast).toMatchObject({
      style: "SUCCESS",
      message: `smb://sshmount@127.0.0.1:${world.engine.publishedPort("web-projects")}/web-projects`,
    });
    expect([toast?.primaryAction?.title, toast?.secondaryAction?.title]).toEqual(["Open in Finder", "Copy SMB URL"]);
    toast?.secondaryAction?.onAction(toast);
    expect(world.store.clipboard).toEqual([
      `smb://sshmount@127.0.0.1:${world.engine.publishedPort("web-projects")}/web-projects`,
    ]);

    expect(view.view().type).toBe("Detail");
    expect(view.actionTitles()).toEqual([
      "Open in Finder",
      "Copy SMB URL",
      "Show Mounts",
      "Open in Terminal",
      "Open in Editor",
      "Show in Finder",
      "Copy Local Path",
      "Pin Place",
    ]);
    await view.action("Show Mounts");
    expect(world.store.launched).toEqual([{ name: "list-mounts", type: "userInitiated" }]);

    const [container] = mountContainers();
    expect(container.labels).toMatchObject({ "sshmount.alias": "web", "sshmount.remote-path": "projects" });
    const password = container.files.get("/etc/sshmount/smb_password")?.toString() ?? "";
    expect(world.appleScripts.calls.map((call) => call.script)).toEqual([
      expect.stringContaining(`with password "${password}"`),
    ]);
    expect(world.processes.calls.find((call) => call.file === "/usr/bin/open")?.args).toEqual([
      "/Volumes/web-projects",
    ]);
    expect(JSON.stringify(world.processes.calls.map((call) => call.args))).not.toContain(password);
    expect(world.store.localStorage.get("last-mount")).toBe("web-projects");
  });

  it("says so while it builds the image the first time, with Docker's step", async () => {
    world.engine.images = new Set();
    const view = await openForm("web");
    await view.action("Mount");
    await settled(view);
    const states = world.store.toasts[0].history;
    expect(states).toContainEqual({
      style: "ANIMATED",
      title: "Building the container image (first run only)",
      message: "Step 2/3",
    });
    // Each step once, in order, and the last one stays through the lines after it ("Successfully built").
    const messages = states
      .filter((state) => state.title === "Building the container image (first run only)")
      .map((state) => state.message)
      .filter((message, index, all) => index === 0 || message !== all[index - 1]);
    expect(messages).toStrictEqual([undefined, "Step 1/3", "Step 2/3", "Step 3/3"]);
    expect(lastToast()?.title).toBe("Mounted web");
    expect(world.engine.images.size).toBe(1);
  });

  it("says why Finder goes through localhost when the Mac has no route, and offers the fixes", async () => {
    world.store.preferences.connectionMode = "auto";
    const fixture = routeFixtures["Docker Desktop alone: the IP falls to the default route"];
    world.processes.scripted.set("/sbin/route", () => ({
      exitCode: 0,
      stdout: fixture.stdout,
      stderr: fixture.stderr,
    }));
    const view = await openForm("web");
    await view.action("Mount");
    await settled(view);
    expect(world.processes.calls.find((call) => call.file === "/sbin/route")?.args).toEqual([
      "-n",
      "get",
      "172.30.0.5",
    ]);
    expect(lastToast()?.message).toBe(
      `smb://sshmount@127.0.0.1:${world.engine.publishedPort("web-projects")}/web-projects`,
    );
    expect(String(view.view().props.markdown)).toMatch(
      /\*\*Connection:\*\* a port on localhost, because This Mac has no route/,
    );
    expect(view.actionTitles()).toEqual([
      "Open in Finder",
      "Copy SMB URL",
      "Show Mounts",
      "Open in Terminal",
      "Open in Editor",
      "Show in Finder",
      "Copy Local Path",
      "Pin Place",
      "Get OrbStack",
      "Copy Connector Install Commands",
    ]);
    await view.action("Copy Connector Install Commands");
    expect(world.store.clipboard.at(-1)).toBe(
      "brew install chipmk/tap/docker-mac-net-connect\nsudo brew services start chipmk/tap/docker-mac-net-connect",
    );
  });

  it("leaves Finder alone when the preference says so, and takes a name", async () => {
    world.store.preferences.openFinder = false;
    const view = await openForm("web");
    await view.setField("name", "site");
    await view.setField("remotePath", "/srv/My Site");
    await view.action("Mount");
    await settled(view);
    expect(toastTitles()).not.toContain("Opening Finder");
    expect(world.processes.calls.filter((call) => call.file.startsWith("/usr/bin/"))).toEqual([]);
    expect(mountContainers()[0].labels).toMatchObject({
      "sshmount.name": "site",
      "sshmount.remote-path": "/srv/My Site",
    });
  });

  it("keeps Finder metadata where the preference says: on this Mac unless resource forks go to the server", async () => {
    const view = await openForm("web");
    await view.action("Mount");
    await settled(view);
    expect(mountContainers()[0].labels["sshmount.metadata"]).toBe("mac");
    world.store.preferences.metadataStore = "server";
    const again = await openForm("web");
    await again.setField("name", "forks");
    await again.action("Mount");
    await settled(again);
    expect(mountContainers().find((c) => c.labels["sshmount.name"] === "forks")?.labels["sshmount.metadata"]).toBe(
      "server",
    );
  });

  it("refuses a name Samba cannot serve before anything starts", async () => {
    const view = await openForm("web");
    await view.setField("name", "bad name!");
    await view.action("Mount");
    expect(view.findAll("Form.TextField", (field) => field.props.id === "name")[0].props.error).toMatch(
      /not a valid mount name/,
    );
    expect(world.store.toasts).toEqual([]);
    expect(mountContainers()).toEqual([]);
  });

  it("picks another port when another program takes the chosen one before Docker binds it", async () => {
    world.engine.portConflicts = 2;
    const view = await openHosts();
    await view.action("Mount Default Folder", view.item("web"));
    await settled(view);
    expect(lastToast()?.title).toBe("Mounted web");
    expect(world.engine.created).toBe(3);
    expect(mountContainers()).toHaveLength(1);
    const name = mountContainers()[0].labels["sshmount.name"];
    expect(lastToast()?.message).toBe(`smb://sshmount@127.0.0.1:${world.engine.publishedPort(name)}/${name}`);
  });

  it("mounts the default folder straight from the list", async () => {
    const view = await openHosts();
    await view.action("Mount Default Folder", view.item("inner"));
    await settled(view);
    expect(lastToast()?.title).toBe("Mounted inner");
    const config = mountContainers()[0].files.get("/etc/sshmount/ssh_config")?.toString();
    expect(config).toMatch(/Host hop1\n {2}HostName web.example\n/);
  });
});

describe("Mount SSH Host: failures and their fixes", () => {
  beforeEach(() => {
    world.engine.behaviours.set("newhost", (files) =>
      files.get("/etc/sshmount/known_hosts")?.toString().includes("new.example")
        ? { lines: ["sshmount: connecting", "sshmount: ready"] }
        : {
            lines: [
              "sshmount: connecting",
              "sshmount: ssh: No ED25519 host key is known for new.example and you have requested strict checking.",
              "sshmount: ssh: Host key verification failed.",
              "sshmount: error: mount failed: Host key verification failed.",
            ],
            exitCode: 1,
          },
    );
    world.engine.hostKeyScan = `hostkey target new.example ssh-ed25519 ${SERVER_KEY}`;
    world.engine.behaviours.set("pw", (files) =>
      files.get("/etc/sshmount/ssh_password")?.toString() === "s3cret"
        ? { lines: ["sshmount: connecting", "sshmount: ready"] }
        : refusedLogin("ann@pw.example", "publickey,password")(files),
    );
  });

  it("shows an unknown host key's fingerprint in a confirm dialog, and trusts it only when confirmed, there or on the error page", async () => {
    const fingerprint = fingerprintOf(SERVER_KEY);
    const view = await openForm("newhost");
    await view.action("Mount");
    await settled(view);
    expect(world.store.alerts).toHaveLength(1);
    expect(world.store.alerts[0]).toMatchObject({
      title: "Trust the Host Key of newhost?",
      message: expect.stringContaining(`ssh-ed25519 ${fingerprint}`),
      primaryAction: { title: "Trust and Mount" },
    });
    expect(lastToast()).toMatchObject({ style: "FAILURE", title: expect.stringContaining(fingerprint) });
    expect(fs.readFileSync(world.knownHosts, "utf8")).not.toContain("new.example");
    expect(mountContainers()).toEqual([]);

    // Cancelled: the error page keeps the fingerprint and the way to trust it once compared.
    expect(view.view().type).toBe("Detail");
    expect(String(view.view().props.markdown)).toContain(`Press Trust Host Key after comparing ${fingerprint}`);
    expect(view.actionTitles()).toEqual(["Trust Host Key", "Copy Command", "Check Setup", "Copy Error"]);
    await view.action("Copy Command");
    expect(world.store.clipboard).toEqual(["ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub"]);
    world.store.alertAnswers.push(true);
    await view.action("Trust Host Key");
    await settled(view);
    expect(world.store.alerts).toHaveLength(2);
    expect(world.store.alerts[1]).toMatchObject({ message: expect.stringContaining(fingerprint) });
    expect(lastToast()?.title).toBe("Mounted newhost");
    expect(fs.readFileSync(world.knownHosts, "utf8")).toContain(`new.example ssh-ed25519 ${SERVER_KEY}\n`);
    expect(world.engine.containers.size).toBe(1);
  });

  it("never offers to trust a scanned key of a host known_hosts already has another key for", async () => {
    // A throwaway key made with `ssh-keygen -t ecdsa -b 256` for this test: the host's "old" key.
    const ecdsa =
      "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBM2EkaTQ//m7udQj/vMdNgtqf8+BADQyGJRLtGTV5XSftzNsT7FebnGeNZF4x+9HHXg7cYN5RAmywgWPEKR9YKE=";
    fs.appendFileSync(world.knownHosts, `new.example ecdsa-sha2-nistp256 ${ecdsa}\n`);
    const before = fs.readFileSync(world.knownHosts, "utf8");
    world.engine.behaviours.set("newhost", () => ({
      lines: [
        "sshmount: connecting",
        "sshmount: ssh: No ED25519 host key is known for new.example and you have requested strict checking.",
        "sshmount: ssh: Host key verification failed.",
        "sshmount: error: mount failed: Host key verification failed.",
      ],
      exitCode: 1,
    }));
    const view = await openForm("newhost");
    await view.action("Mount");
    await settled(view);
    expect(world.store.alerts).toEqual([]);
    expect(lastToast()).toMatchObject({
      style: "FAILURE",
      title: expect.stringContaining("a changed or additional key"),
    });
    expect(view.actionTitles()).not.toContain("Trust Host Key");
    expect(fs.readFileSync(world.knownHosts, "utf8")).toBe(before);
  });

  it("never offers to trust a changed host key, even when a scan would find one", async () => {
    world.engine.hostKeyScan = `hostkey target web.example ssh-ed25519 ${SERVER_KEY}`;
    const before = fs.readFileSync(world.knownHosts, "utf8");
    world.engine.behaviours.set("web", () => ({
      lines: [
        "sshmount: connecting",
        "sshmount: ssh: @    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @",
        "sshmount: ssh: Host key for web.example has changed and you have requested strict checking.",
        "sshmount: ssh: Host key verification failed.",
        "sshmount: error: mount failed: Host key verification failed.",
      ],
      exitCode: 1,
    }));
    const view = await openForm("web");
    await view.action("Mount");
    await settled(view);
    expect(lastToast()).toMatchObject({ style: "FAILURE", title: expect.stringContaining("has changed") });
    expect(world.store.alerts).toEqual([]);
    expect(view.actionTitles()).toContain("Copy Command");
    expect(view.actionTitles()).not.toContain("Trust Host Key");
    // No scan container was ever made for it, and known_hosts is as it was.
    expect([...world.engine.containers.values()].map((record) => record.labels["sshmount.role"])).toEqual([]);
    expect(fs.readFileSync(world.knownHosts, "utf8")).toBe(before);
  });

  it("shows a password field for a host that offers password logins, remembers it, and sends the password only as a file", async () => {
    const view = await openForm("pw");
    await view.action("Mount");
    await settled(view);
    expect(lastToast()).toMatchObject({ style: "FAILURE", title: "pw Needs a Password" });
    expect(view.view().type).toBe("Form");
    expect(view.findAll("Form.PasswordField")).toHaveLength(1);
    expect(world.store.localStorage.get("needs-password:pw")).toBe(true);

    await view.action("Mount");
    expect(view.findAll("Form.PasswordField")[0].props.error).toBe("pw needs a password");
    await view.setField("password", "s3cret");
    await view.action("Mount");
    await settled(view);
    expect(lastToast()?.title).toBe("Mounted pw");
    const [container] = mountContainers();
    expect(container.files.get("/etc/sshmount/ssh_password")?.toString()).toBe("s3cret");
    expect(JSON.stringify([container.env, container.labels, container.cmd])).not.toContain("s3cret");
    expect(world.processes.calls.some((call) => call.args.join(" ").includes("s3cret"))).toBe(false);

    // Next time the form asks for it straight away.
    ui?.unmount();
    const again = await openForm("pw");
    await again.waitFor(() => expect(again.findAll("Form.PasswordField")).toHaveLength(1));
  });

  it("turns a wrong password into an error page whose Enter Password goes back to the form for another", async () => {
    const view = await openForm("pw");
    await view.action("Mount");
    await settled(view);
    await view.setField("password", "wrong");
    await view.action("Mount");
    await settled(view);
    expect(view.view().type).toBe("Detail");
    expect(String(view.view().props.markdown)).toMatch(/^# pw refused the login\n\nCheck that `ssh pw` works/);
    expect(String(view.view().props.markdown)).toContain("It also takes a password: press Enter Password.");
    expect(view.actionTitles()).toEqual(["Enter Password", "Copy Command", "Retry", "Check Setup", "Copy Error"]);
    await view.action("Copy Command");
    expect(world.store.clipboard).toEqual(["ssh pw"]);
    await view.action("Enter Password");
    expect(view.view().type).toBe("Form");
    await view.setField("password", "s3cret");
    await view.action("Mount");
    await settled(view);
    expect(lastToast()?.title).toBe("Mounted pw");
  });

  it("offers to change the name when another mount has it", async () => {
    await helper.mount("inner", "", { ...helperOptions(), name: "site" });
    const view = await openForm("web");
    await view.setField("name", "site");
    await view.action("Mount");
    await settled(view);
    expect(view.actionTitles()).toEqual(["Edit Mount", "Show Mounts", "Check Setup", "Copy Error"]);
    expect(String(view.view().props.markdown)).not.toContain("--name");
    await view.action("Edit Mount");
    expect(view.view().type).toBe("Form");
    expect(view.formValues()).toMatchObject({ remotePath: "projects", name: "site" });
  });

  it("says when no Docker engine answers, offers to open OrbStack, and retries", async () => {
    world.engine.down = "connect ENOENT docker.sock";
    world.store.applications = [
      { name: "OrbStack", path: "/Applications/OrbStack.app", bundleId: "dev.kdrag0n.MacVirt" },
      { name: "Safari", path: "/Applications/Safari.app", bundleId: "com.apple.Safari" },
    ];
    const view = await openForm("web");
    await view.action("Mount");
    await settled(view);
    expect(view.view().type).toBe("Detail");
    expect(String(view.view().props.markdown)).toMatch(/^# The Docker engine at unix:\/\/.*docker\.sock/);
    await view.waitFor(() =>
      expect(view.actionTitles()).toEqual(["Open OrbStack", "Retry", "Check Setup", "Copy Error"]),
    );
    expect(String(view.view().props.markdown)).toContain("Start OrbStack or Docker Desktop, then try again.");
    await view.action("Open OrbStack");
    expect(world.store.opened).toEqual([{ target: "/Applications/OrbStack.app" }]);

    world.engine.down = undefined;
    await view.action("Retry");
    await settled(view);
    expect(lastToast()?.title).toBe("Mounted web");
  });

  it("turns a refused key into an error page whose text can be copied", async () => {
    world.engine.behaviours.set("web", refusedLogin("ann@web.example"));
    const view = await openForm("web");
    await view.action("Mount");
    await settled(view);
    expect(view.findAll("Form.PasswordField")).toEqual([]);
    expect(view.view().type).toBe("Detail");
    await view.action("Copy Error");
    expect(world.store.clipboard[0]).toMatch(
      /^web refused the login: .*Permission denied \(publickey\)\.\n\nCheck that `ssh web`/,
    );
    expect(mountContainers()).toEqual([]);
    expect(world.engine.attached).toBe(0);
  });

  it("tells the user how to load a locked key into the agent", async () => {
    const key = path.join(world.dir, "locked");
    spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "passphrase", "-f", key]);
    fs.appendFileSync(
      world.sshConfig,
      `Host locked\n  HostName locked.example\n  IdentityFile "${key}"\n  IdentitiesOnly yes\n  UserKnownHostsFile "${world.knownHosts}"\n`,
    );
    const view = await openHosts();
    await view.waitFor(() => expect(view.itemTitles()).toContain("locked"));
    await view.action("Mount Default Folder", view.item("locked"));
    await settled(view);
    expect(String(view.view().props.markdown)).toContain(`ssh-add --apple-use-keychain ${key}`);
    await view.action("Copy Command");
    expect(world.store.clipboard).toEqual([`ssh-add --apple-use-keychain ${key}`]);
    expect(world.engine.containers.size).toBe(0);
  });
});

describe("Mount SSH Host: leaving the command mid-mount", () => {
  /** A server that accepts the connection and never serves: the mount stays on "Connecting" until it is left. */
  const slowServer = () => world.engine.behaviours.set("web", () => ({ lines: ["sshmount: connecting"] }));

  it.each([
    ["the host list", (view: Ui) => view.action("Mount Default Folder", view.item("web"))],
    ["the form", async (view: Ui) => (await view.action("Mount…", view.item("web")), view.action("Mount"))],
  ])(
    "from %s: the half-made container is removed at once, with no later sweep, and nothing shows after",
    async (_, startMount) => {
      slowServer();
      const view = await openHosts();
      const pending = startMount(view);
      await view.waitFor(() => expect(toastTitles()).toContain("Connecting to web"));
      expect(mountContainers()).toHaveLength(1);
      const listed = world.engine.listed;
      const shown = world.store.toasts.map((toast) => toast.history.length);

      view.unmount();
      ui = undefined;
      await pending;
      expect(mountContainers()).toEqual([]);
      expect(world.engine.containers.size).toBe(0);
      expect(world.engine.listed).toBe(listed);
      expect(world.store.toasts.map((toast) => toast.history.length)).toEqual(shown);
      expect(world.store.toasts.at(-1)?.hidden).toBe(true);
      expect(world.store.alerts).toEqual([]);
      expect(world.store.localStorage.has("last-mount")).toBe(false);
    },
  );

  it("from the form back to the host list (Esc): the mount is cancelled, its container removed, its toast gone", async () => {
    slowServer();
    const view = await openHosts();
    await view.action("Mount…", view.item("web"));
    const pending = view.action("Mount");
    await view.waitFor(() => expect(toastTitles()).toContain("Connecting to web"));
    expect(mountContainers()).toHaveLength(1);
    await view.back();
    await pending;
    await view.waitFor(() => expect(world.engine.containers.size).toBe(0));
    expect(world.store.toasts.at(-1)?.hidden).toBe(true);
    expect(view.depth()).toBe(1);
    expect(view.itemTitles()).toContain("web");
  });

  it("keeps a mount that was finished when the user left, and remembers it for Open Last Mount", async () => {
    const view = await openHosts();
    // The user leaves while Finder opens the share: the mount itself is done.
    world.processes.scripted.set("/usr/bin/open", () => {
      view.unmount();
      return { exitCode: 0 };
    });
    await view.action("Mount Default Folder", view.item("web"));
    ui = undefined;
    expect(mountContainers()).toHaveLength(1);
    expect(mountContainers()[0]).toMatchObject({ running: true, restartPolicy: "unless-stopped" });
    // Its stdin was let go once complete: a running mount no longer depends on this worker.
    expect(world.engine.attached).toBe(0);
    expect(world.store.localStorage.get("last-mount")).toBe("web-projects");
    expect(toastTitles().at(-1)).toBe("Opening Finder");
  });
});
