import { describe, expect, it } from "@jest/globals";
import {
  demoFinderRefusal,
  doctorText,
  failureText,
  helpText,
  hostsText,
  listText,
  metadataNote,
  mountJson,
  mountText,
  openJson,
  openText,
  passwordPrompt,
  reconnectJson,
  reconnectText,
  remountText,
  unmountText,
  usageErrorText,
  versionText,
} from "../../../helper/cli/render";
import { SshmountError, type DoctorReport, type HostEntry, type MountInfo } from "../../../helper/index";
import { VERBS, verbSpec } from "../../../helper/cli/verbs";

const mount: MountInfo = {
  name: "web-srv",
  alias: "web",
  remotePath: "/srv",
  status: "ready",
  container: "sshmount-web-srv",
  destination: "ann@web.example:22",
  createdAt: "2026-12-01T18:00:00.000Z",
  metadata: "mac",
  smb: {
    url: "smb://sshmount@172.30.0.5/web-srv",
    host: "172.30.0.5",
    port: 445,
    share: "web-srv",
    user: "sshmount",
    password: "s3cret-pass",
  },
  connection: { mode: "bridge", via: "direct", reason: "this machine routes to the container IP and port 445 answers" },
};

const stopped: MountInfo = {
  ...mount,
  name: "notes",
  alias: "home",
  remotePath: "~/Notes",
  status: "stopped",
  smb: { url: "", host: "", port: 0, share: "notes", user: "sshmount" },
  connection: undefined,
};

const host = (alias: string, proxyJump: string | null = null): HostEntry => ({
  alias,
  hostName: `${alias}.example`,
  user: "ann",
  port: 22,
  proxyJump,
  source: { file: "/home/ann/.ssh/config", line: 1 },
});

describe("a mount's text", () => {
  it("hides the password unless asked, and says how to browse it where there is no Finder", () => {
    expect(mountText(mount, "linux", false)).toBe(
      [
        'Mounted web:/srv as "web-srv" (ready)',
        "  URL:      smb://sshmount@172.30.0.5/web-srv",
        "  Via:      the container IP: this machine routes to the container IP and port 445 answers",
        "  User:     sshmount",
        "  Password: hidden (add --show-password, or use --json)",
        "  Metadata: Finder's tags and forks kept by the mount (--metadata mac)",
        "Browse it: smbclient //172.30.0.5/web-srv -p 445 -U sshmount",
        "Unmount:  sshmount unmount web-srv",
        "",
      ].join("\n"),
    );
  });

  it("on a Mac names the open verb; a localhost connection and a password it does not know read as such", () => {
    const local: MountInfo = {
      ...mount,
      smb: { ...mount.smb, password: undefined },
      connection: { mode: "localhost", reason: "the connection mode is set to localhost" },
    };
    const text = mountText(local, "darwin", true);
    expect(text).toContain("\n  Via:      a localhost port: the connection mode is set to localhost\n");
    expect(text).toContain("\n  Password: (not known for this mount)\n");
    expect(text).toContain("\nOpen it in Finder: sshmount open web-srv\n");
    expect(text).not.toContain("smbclient");
    expect(mountText(stopped, "darwin", false)).not.toContain("Via:");
  });

  it("remount and open add the password line only with --show-password", () => {
    expect(remountText(mount, false)).toBe("Remounted web-srv (ready)\n");
    expect(remountText(mount, true)).toBe("Remounted web-srv (ready)\n  Password: s3cret-pass\n");
    const onMac = { mount, opened: true, volume: "/Volumes/web-srv" };
    expect(openText(onMac, false)).toBe("Opened smb://sshmount@172.30.0.5/web-srv in Finder at /Volumes/web-srv\n");
    expect(openText({ mount, opened: false }, true)).toBe(
      "smb://sshmount@172.30.0.5/web-srv\n" +
        "(no Finder on this system: connect with any SMB client, user sshmount)\n" +
        "  Password: s3cret-pass\n",
    );
  });
});

describe("the JSON contract", () => {
  it("carries exactly the documented fields, the password only when asked", () => {
    expect(mountJson(mount, false)).toEqual({
      name: "web-srv",
      alias: "web",
      remotePath: "/srv",
      status: "ready",
      container: "sshmount-web-srv",
      metadata: "mac",
      smb: { url: mount.smb.url, host: "172.30.0.5", port: 445, share: "web-srv", user: "sshmount" },
    });
    expect(mountJson(mount, true).smb).toHaveProperty("password", "s3cret-pass");
    expect(JSON.parse(openJson({ mount, opened: false }, false))).toEqual({
      ...mountJson(mount, false),
      opened: false,
    });
    expect(openJson({ mount, opened: true, volume: "/Volumes/web-srv" }, true)).toMatch(
      /^{\n {2}"name": "web-srv",[\s\S]*"password": "s3cret-pass"[\s\S]*"volume": "\/Volumes\/web-srv"\n}\n$/,
    );
  });
});

describe("a --metadata the existing mount does not have", () => {
  it("says the mount keeps its own and how to change it, and says nothing when they agree or none was asked", () => {
    expect(metadataNote(mount, "server")).toBe(
      'sshmount: note: "web-srv" already existed with --metadata mac, which it keeps; to mount it with ' +
        "--metadata server, run `sshmount unmount web-srv` and mount again.\n",
    );
    expect(metadataNote({ ...mount, metadata: "server" }, "server")).toBe("");
    expect(metadataNote(mount, undefined)).toBe("");
  });
});

describe("open --all (Reconnect All)", () => {
  const starting: MountInfo = { ...stopped, name: "logs", status: "starting" };
  const result = {
    opened: [{ mount, opened: true, volume: "/Volumes/web-srv" }],
    inFinder: [{ mount: { ...mount, name: "notes" }, volume: "/Volumes/notes" }],
    notReady: [starting],
  };

  it("says what it opened, what Finder had, and what to run again for a mount not ready yet", () => {
    expect(reconnectText(result, false)).toBe(
      "Opened smb://sshmount@172.30.0.5/web-srv in Finder at /Volumes/web-srv\n" +
        "notes is open in Finder already, at /Volumes/notes\n" +
        "logs is starting: run sshmount open --all again once it is ready\n",
    );
    expect(reconnectText({ opened: [], inFinder: [], notReady: [] }, false)).toBe(
      "No mount is running. Start one with: sshmount open NAME\n",
    );
  });

  it("JSON: each opened mount as open --json prints it, the others by name; the password only when asked", () => {
    const parsed = JSON.parse(reconnectJson(result, false));
    expect(parsed).toEqual({
      opened: [JSON.parse(openJson(result.opened[0], false))],
      inFinder: [{ name: "notes", volume: "/Volumes/notes" }],
      notReady: [{ name: "logs", status: "starting" }],
    });
    expect(reconnectJson(result, false)).not.toContain("s3cret-pass");
    expect(JSON.parse(reconnectJson(result, true)).opened[0].smb.password).toBe("s3cret-pass");
  });
});

describe("lists", () => {
  it("the mounts line up in columns, a mount without a URL shows -, none says how to mount one", () => {
    expect(listText([mount, stopped])).toBe(
      [
        "NAME     STATUS   TARGET        URL",
        "web-srv  ready    web:/srv      smb://sshmount@172.30.0.5/web-srv",
        "notes    stopped  home:~/Notes  -",
        "",
      ].join("\n"),
    );
    expect(listText([])).toBe("No mounts. Mount a host with: sshmount mount ALIAS[:PATH]\n");
  });

  it("hosts: one tab-separated line each, the jump host when there is one", () => {
    expect(hostsText([host("web", null), host("db", "bastion")])).toBe(
      "web\tann@web.example:22\ndb\tann@db.example:22 via bastion\n",
    );
    expect(hostsText([])).toBe("No hosts in the ssh config.\n");
  });

  it("unmount names what it removed, or that nothing was mounted", () => {
    expect(unmountText(["a", "b"])).toBe("Unmounted a, b\n");
    expect(unmountText([])).toBe("Nothing was mounted.\n");
  });
});

/** This machine's `ssh -V` and `docker info`, and the report the doctor made of them (network not created yet). */
const linuxReport: DoctorReport = {
  platform: "linux",
  node: "v20.20.2",
  ssh: { ok: true, version: "OpenSSH_9.2p1 Debian-2+deb12u6, OpenSSL 3.0.19 27 Jan 2026" },
  docker: {
    ok: true,
    endpoint: { source: "socket", host: "unix:///var/run/docker.sock" },
    version: "20.10.24+dfsg1",
    operatingSystem: "Debian GNU/Linux 12 (bookworm)",
    runtime: "linux",
    runtimeDescription: "a Docker engine on this Linux machine: container IPs are on-link",
  },
  image: { tag: "sshmount:5c0da9e3078fad74", present: true },
  network: { name: "sshmount", exists: false },
};

describe("doctorText", () => {
  it("one line per piece, in the order the checks run", () => {
    expect(doctorText(linuxReport)).toBe(
      [
        "Platform: linux, Node v20.20.2",
        "OpenSSH:  OpenSSH_9.2p1 Debian-2+deb12u6, OpenSSL 3.0.19 27 Jan 2026",
        "Docker:   ok: Debian GNU/Linux 12 (bookworm) 20.10.24+dfsg1 at unix:///var/run/docker.sock (from socket)",
        "Runtime:  a Docker engine on this Linux machine: container IPs are on-link",
        "Image:    sshmount:5c0da9e3078fad74 built",
        "Network:  sshmount not created yet",
        "Reach:    no running mount to check (mount one, then run doctor again)",
        "",
      ].join("\n"),
    );
  });

  it("a running mount: the network's options, its route and interface, the probe and the choice", () => {
    const text = doctorText({
      ...linuxReport,
      image: { tag: "sshmount:5c0da9e3078fad74", present: false },
      network: { name: "sshmount", exists: true, options: { "com.docker.network.bridge.gateway_mode_ipv4": "nat" } },
      reach: {
        mount: "web-srv",
        ip: "172.30.0.5",
        route: { reachable: true, via: "direct", interface: "br-0a1b2c3d4e5f", advice: "" },
        probe: "open",
        connection: { mode: "bridge", via: "direct", reason: "this machine routes to the container IP" },
      },
    });
    expect(text.split("\n").slice(4)).toEqual([
      "Image:    sshmount:5c0da9e3078fad74 not built yet (built on first mount)",
      "Network:  sshmount exists (com.docker.network.bridge.gateway_mode_ipv4=nat)",
      "Reach:    web-srv at 172.30.0.5: route direct (br-0a1b2c3d4e5f), port 445 open",
      "          Finder uses the container IP: this machine routes to the container IP",
      "",
    ]);
    const unrouted = doctorText({
      ...linuxReport,
      network: { name: "sshmount", exists: true, options: {} },
      reach: {
        mount: "web-srv",
        ip: "172.30.0.5",
        probe: "timeout",
        connection: { mode: "localhost", reason: "the container IP does not answer" },
      },
    });
    expect(unrouted).toContain("\nNetwork:  sshmount exists\n");
    expect(unrouted).toContain("\nReach:    web-srv at 172.30.0.5: route unknown, port 445 timeout\n");
    expect(unrouted).toContain("\n          Finder uses the localhost port: the container IP does not answer\n");
  });

  it("no engine: its message and hint, no runtime and no reach; no ssh: why", () => {
    const text = doctorText({
      ...linuxReport,
      ssh: { ok: false, error: "The program ssh was not found" },
      docker: {
        ok: false,
        error: {
          kind: "docker-unavailable",
          title: "The Docker engine does not answer",
          message: "The Docker engine does not answer",
          hint: "Start OrbStack or Docker Desktop.",
          actions: [],
        },
      },
    });
    expect(text).toBe(
      [
        "Platform: linux, Node v20.20.2",
        "OpenSSH:  not available (The program ssh was not found)",
        "Docker:   not available: The Docker engine does not answer",
        "  Start OrbStack or Docker Desktop.",
        "Image:    sshmount:5c0da9e3078fad74 built",
        "Network:  sshmount not created yet",
        "",
      ].join("\n"),
    );
  });
});

describe("errors and usage", () => {
  it("a failure is one line, its description the JSON; a multi-line message is joined", () => {
    const failure = failureText(new SshmountError("not-found", "No mount is named x", {}));
    expect(failure.kind).toBe("not-found");
    expect(failure.stderr).toMatch(/^sshmount: No mount is named x\. \S.*\n$/);
    expect(failure.stderr.trim().split("\n")).toHaveLength(1);
    expect(JSON.parse(failure.json)).toEqual({
      error: expect.objectContaining({ kind: "not-found", title: "No mount is named x", actions: [] }),
    });
    const internal = failureText(new Error("first\n   second"));
    expect(internal).toMatchObject({ kind: "internal", stderr: expect.stringMatching(/^sshmount: first second\. /) });
  });

  it("the demo's Finder refusal: the share is ready on stdout, Finder's reason on stderr", () => {
    const refusal = demoFinderRefusal({ ...mount, name: "demo" }, new SshmountError("internal", "Finder said\nno", {}));
    expect(refusal.stdout).toBe(
      "The demo is mounted and ready at smb://sshmount@172.30.0.5/web-srv; open it again with: sshmount open demo\n",
    );
    expect(refusal.stderr).toMatch(/^sshmount: Finder could not open the demo: Finder said no\. \S/);
  });

  it("a usage error names what was wrong, then the usage of its verb or the overview", () => {
    const unmount = verbSpec("unmount");
    expect(usageErrorText('"unmount" needs exactly one NAME or --all', unmount, VERBS)).toMatch(
      /^sshmount: "unmount" needs exactly one NAME or --all\n\nUsage:\n {2}sshmount unmount NAME \| --all \[--json\]\n/,
    );
    const overview = usageErrorText("no command given", undefined, VERBS);
    expect(overview).toMatch(/^sshmount: no command given\n\nUsage:\n {2}sshmount hosts {6}\[--ssh-config FILE\]/);
    expect(overview).toMatch(/\n\nVerbs:\n {2}hosts {7}List the hosts/);
    expect(helpText(undefined, VERBS)).toBe(`${overview.split("\n\n").slice(1).join("\n\n")}`);
    expect(helpText(unmount, VERBS)).toMatch(
      /^Usage:\n {2}sshmount unmount NAME \| --all \[--json\]\n\nRemove a mount/,
    );
  });

  it("overview lines stay within 100 columns, wrapped ones start under the first flag", () => {
    const lines = helpText(undefined, VERBS).split("\n");
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(100);
    const mountLine = lines.findIndex((line) => line.startsWith("  sshmount mount "));
    expect(lines[mountLine + 1]).toMatch(/^ {22}\[--trust-host-key SHA256:…\]…/);
  });

  it("version, and the password prompt with the login the ssh config names", () => {
    expect(versionText("1.2.3")).toBe("sshmount 1.2.3\n");
    expect(versionText(undefined)).toBe("sshmount (unknown version)\n");
    expect(passwordPrompt("web", host("web"))).toBe("Password for ann@web.example: ");
    expect(passwordPrompt("web", undefined)).toBe("Password for web: ");
  });
});
