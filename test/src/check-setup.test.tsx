import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { routeFixtures } from "../fixtures/routes";
import { render, type Ui } from "../raycast/render";
import { createUiWorld, removeUiWorld, type UiWorld } from "../raycast/world";
import { replaceBoundaries } from "../raycast/boundaries";

replaceBoundaries(() => world);
const { default: CheckSetup } = await import("../../src/check-setup");
const { default: MountSshHost } = await import("../../src/mount-ssh-host");
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

const detailOf = (view: Ui, title: string) => {
  const [detail] = view.item(title).children.filter((child) => child.type === "slot" && child.props.name === "detail");
  return String(detail?.children[0]?.props.markdown);
};

async function openCheckSetup(): Promise<Ui> {
  ui = await render(<CheckSetup />);
  const view = ui;
  await view.waitFor(() => expect(view.itemTitles()).toContain("Docker Engine"));
  return view;
}

describe("Check Setup", () => {
  it("shows a missing engine with its fix, the app to open, the report to copy, and refreshes", async () => {
    world.engine.down = "connect ENOENT docker.sock";
    world.store.applications = [
      { name: "OrbStack", path: "/Applications/OrbStack.app", bundleId: "dev.kdrag0n.MacVirt" },
    ];
    const view = await openCheckSetup();
    expect(view.itemTitles()).toEqual(["Platform", "OpenSSH", "Docker Engine"]);
    expect(view.item("OpenSSH").props.icon).toEqual({ source: "CheckCircle", tintColor: "Green" });
    expect(view.item("Docker Engine").props.icon).toEqual({ source: "Warning", tintColor: "Orange" });
    expect(detailOf(view, "Docker Engine")).toMatch(/does not answer\n\nStart OrbStack or Docker Desktop/);
    expect(detailOf(view, "Docker Engine")).not.toMatch(/--|sshmount doctor/);
    const engine = view.item("Docker Engine");
    await view.waitFor(() => expect(view.actionTitles(engine)).toEqual(["Open OrbStack", "Copy Report", "Refresh"]));
    await view.action("Open OrbStack", engine);
    expect(world.store.opened).toEqual([{ target: "/Applications/OrbStack.app" }]);
    await view.action("Copy Report", engine);
    expect(world.store.clipboard[0]).toMatch(/^Platform: \w+, Node v\d+/);
    expect(world.store.clipboard[0]).toMatch(
      /\nDocker Engine: The Docker engine at .* does not answer\n {2}Start OrbStack/,
    );

    world.engine.down = undefined;
    await view.action("Refresh", view.item("Docker Engine"));
    await view.waitFor(() =>
      expect(view.itemTitles()).toEqual(["Platform", "OpenSSH", "Docker Engine", "Mount Image", "Network", "Reach"]),
    );
    expect(view.item("Docker Engine").props.icon).toEqual({ source: "CheckCircle", tintColor: "Green" });
    expect(detailOf(view, "Reach")).toBe("No running mount to check\n\nMount a host, then press Refresh.");
  });

  it("offers OrbStack and the connector when the Mac has no route to a running mount's IP", async () => {
    world.store.preferences.connectionMode = "auto";
    world.engine.containerIp = "127.0.0.1";
    const fixture = routeFixtures["Docker Desktop alone: the IP falls to the default route"];
    world.processes.scripted.set("/sbin/route", () => ({
      exitCode: 0,
      stdout: fixture.stdout,
      stderr: fixture.stderr,
    }));
    await helper.mount("web", "", { ...helperOptions(), name: "web" });
    const view = await openCheckSetup();
    await view.waitFor(() => expect(view.itemTitles()).toContain("Reach"));
    const reach = view.item("Reach");
    expect(reach.props.icon).toEqual({ source: "Warning", tintColor: "Orange" });
    expect(detailOf(view, "Reach")).toMatch(
      /^web at 127\.0\.0\.1: route none, .*Finder uses the localhost port\n\nThis Mac has no route/,
    );
    expect(view.actionTitles(reach)).toEqual([
      "Get OrbStack",
      "Copy Connector Install Commands",
      "Copy Report",
      "Refresh",
    ]);
    await view.action("Copy Connector Install Commands", reach);
    expect(world.store.clipboard).toEqual([
      "brew install chipmk/tap/docker-mac-net-connect\nsudo brew services start chipmk/tap/docker-mac-net-connect",
    ]);
  });

  it("is one action away from every error page", async () => {
    world.engine.down = "connect ENOENT docker.sock";
    ui = await render(<MountSshHost />);
    const view = ui;
    await view.waitFor(() => expect(view.itemTitles()).toContain("web"));
    await view.action("Mount Default Folder", view.item("web"));
    await view.waitFor(() => expect(view.actionTitles()).toContain("Check Setup"));
    await view.action("Check Setup");
    expect(view.view().type).toBe("List");
    await view.waitFor(() => expect(view.itemTitles()).toEqual(["Platform", "OpenSSH", "Docker Engine"]));
  });
});
