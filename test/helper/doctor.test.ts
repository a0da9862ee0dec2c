import http from "node:http";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { doctor, type ReachProbe } from "../../helper/doctor";
import { programMissing } from "../../helper/errors";
import type { CommandRunner, RunResult } from "../../helper/process";
import { routeFixtures } from "../fixtures/routes";
import { useTempDir } from "../temp-dir";

/**
 * What the engine answers, as dockerd does over its socket: `GET /info` (only the fields doctor reads),
 * an image and a network that exist or answer 404, and the running containers' summaries.
 */
interface EngineAnswers {
  info: { OperatingSystem: string; Name: string; ServerVersion: string };
  images: string[];
  networks: Record<string, { Options: Record<string, string> }>;
  containers: object[];
}

/** This machine's engine: `docker info` on Debian 12 with Debian's docker.io. */
const debianInfo = { OperatingSystem: "Debian GNU/Linux 12 (bookworm)", Name: "vm", ServerVersion: "20.10.24+dfsg1" };

/**
 * OrbStack's `docker info` names (OrbStack vmconfig DockerNodeName, as in engine-product.test.ts);
 * the version is made up: only the report carries it.
 */
const orbstackInfo = { OperatingSystem: "OrbStack", Name: "orbstack", ServerVersion: "27.4.0" };

/** The labels a mount container carries (as labels.test.ts has them) and its summary in the container list. */
function mountSummary(name: string, ip: string, network = "sshmount") {
  return {
    Id: `id-${name}`,
    Names: [`/sshmount-${name}`],
    Labels: {
      "sshmount.role": "mount",
      "sshmount.name": name,
      "sshmount.alias": "web",
      "sshmount.remote-path": "/var/www",
      "sshmount.ssh-config": "",
      "sshmount.smb-user": "sshmount",
      "sshmount.created": "2026-12-01T10:00:00.000Z",
    },
    State: "running",
    Ports: [{ IP: "127.0.0.1", PrivatePort: 445, PublicPort: 49153, Type: "tcp" }],
    NetworkSettings: { Networks: { [network]: { IPAddress: ip } } },
  };
}

/** Status and body for one of the engine's JSON routes. */
function answer(route: string, query: URLSearchParams): [number, unknown] {
  const image = /^\/images\/(.+)\/json$/.exec(route)?.[1];
  const network = /^\/networks\/([^/]+)$/.exec(route)?.[1];
  if (route === "/info") return [200, answers.info];
  if (route === "/containers/json") {
    // The engine's own filtering by network, which the doctor relies on.
    const networks: string[] = JSON.parse(query.get("filters") ?? "{}").network ?? [];
    const on = (summary: object) =>
      networks.every((name) => name in (summary as ReturnType<typeof mountSummary>).NetworkSettings.Networks);
    return [200, answers.containers.filter(on)];
  }
  if (image)
    return answers.images.includes(decodeURIComponent(image)) ? [200, {}] : [404, { message: "No such image" }];
  if (network && answers.networks[network]) return [200, { Name: network, ...answers.networks[network] }];
  return [404, { message: `${route} not found` }];
}

const tempDir = useTempDir("doctor");
let server: http.Server;
let socket: string;
let answers: EngineAnswers;
let requests: string[];

beforeEach(async () => {
  answers = { info: debianInfo, images: [], networks: {}, containers: [] };
  requests = [];
  socket = path.join(tempDir(), "docker.sock");
  server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://engine");
    const route = url.pathname.replace(/^\/v[\d.]+/, "");
    requests.push(`${request.method} ${route}`);
    if (route === "/_ping") return void response.end("OK");
    const [status, body] = answer(route, url.searchParams);
    response.writeHead(status, { "Content-Type": "application/json" });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const ok = (stdout: string, stderr = ""): RunResult => ({ stdout, stderr, exitCode: 0, timedOut: false });

/** `ssh -V` as OpenSSH prints it (on stderr), and each route lookup from `routes`; nothing else may run. */
function processes(routes: Record<string, RunResult> = {}): CommandRunner & { calls: string[] } {
  const calls: string[] = [];
  const run: CommandRunner = async (file, args) => {
    calls.push([file, ...args].join(" "));
    if (file === "ssh" && args[0] === "-V")
      return ok("", "OpenSSH_9.2p1 Debian-2+deb12u6, OpenSSL 3.0.19 27 Jan 2026\n");
    const route = routes[[file, ...args].join(" ")];
    if (route) return route;
    throw new Error(`unexpected process: ${file} ${args.join(" ")}`);
  };
  return Object.assign(run, { calls });
}

/** Port 445 answers as the test says; nothing is sent anywhere. */
function machine(result: "open" | "timeout", interfaces = {}): ReachProbe & { probed: string[] } {
  const probed: string[] = [];
  return {
    probed,
    smbPort: async (ip) => (probed.push(ip), result),
    interfaces: () => interfaces,
  };
}

const options = (run: CommandRunner, platform: NodeJS.Platform = "linux") => ({
  dockerSocket: socket,
  env: { PATH: process.env.PATH, HOME: "/nonexistent" },
  platform,
  run,
});

describe("doctor", () => {
  it("an engine on Linux with no image, no network and no mount: each piece says so", async () => {
    const run = processes();
    const report = await doctor(options(run), "cli", machine("open"));
    expect(report).toEqual({
      platform: "linux",
      node: process.version,
      ssh: { ok: true, version: "OpenSSH_9.2p1 Debian-2+deb12u6, OpenSSL 3.0.19 27 Jan 2026" },
      docker: {
        ok: true,
        endpoint: { source: "option", host: `unix://${socket}` },
        version: "20.10.24+dfsg1",
        operatingSystem: "Debian GNU/Linux 12 (bookworm)",
        runtime: "linux",
        runtimeDescription: "a Docker engine on this Linux machine: container IPs are on-link",
      },
      image: { tag: expect.stringMatching(/^sshmount:[0-9a-f]{16}$/), present: false },
      network: { name: "sshmount", exists: false },
    });
    expect(run.calls).toEqual(["ssh -V"]);
  });

  it("the image and network that exist, SSHMOUNT_NETWORK's name, and a running mount's route on Linux", async () => {
    const first = await doctor(options(processes()), "cli", machine("open"));
    answers.images = [first.image.tag];
    answers.networks = {
      "team-net": { Options: { "com.docker.network.bridge.gateway_mode_ipv4": "nat-unprotected" } },
    };
    const bridge = routeFixtures["Linux: a Docker bridge is on-link"];
    answers.containers = [
      // Another helper's mount (a test's, on its own network) comes first in the engine's list.
      mountSummary("elsewhere", "172.19.0.2", "other-net"),
      {
        ...mountSummary("not-ours", "172.18.0.9", "team-net"),
        Labels: { "sshmount.role": "mount", "sshmount.name": "(" },
      },
      mountSummary("web-site", "172.18.0.2", "team-net"),
    ];
    const run = processes({ "ip route get 172.18.0.2": ok(bridge.stdout, bridge.stderr) });
    const probe = machine("open");
    const env = { PATH: process.env.PATH, HOME: "/nonexistent", SSHMOUNT_NETWORK: "team-net" };
    const report = await doctor({ ...options(run), env }, "cli", probe);
    expect(report.image).toEqual({ tag: first.image.tag, present: true });
    expect(report.network).toEqual({
      name: "team-net",
      exists: true,
      options: { "com.docker.network.bridge.gateway_mode_ipv4": "nat-unprotected" },
    });
    expect(report.reach).toEqual({
      mount: "web-site",
      ip: "172.18.0.2",
      route: { reachable: true, via: "direct", interface: "br-0f3c2a1b9d4e", advice: expect.any(String) },
      probe: "open",
      connection: { mode: "bridge", via: "direct", reason: "this machine routes the container network" },
    });
    // The route was asked once by the doctor and once by the choice; port 445 was probed once.
    expect(run.calls.filter((call) => call.startsWith("ip route get"))).toHaveLength(2);
    expect(probe.probed).toEqual(["172.18.0.2"]);
    expect(requests).toContain("GET /containers/json");
  });

  it("a Mac with OrbStack: the product, its route over bridge101, and --connect localhost overriding the choice", async () => {
    answers.info = orbstackInfo;
    const orbstack = routeFixtures["OrbStack: the container subnet is on-link on a bridge10x"];
    answers.containers = [mountSummary("web-site", "192.168.215.2")];
    const run = processes({ "/sbin/route -n get 192.168.215.2": ok(orbstack.stdout) });
    const auto = await doctor(options(run, "darwin"), "cli", machine("open", orbstack.interfaces));
    expect(auto.docker).toMatchObject({
      runtime: "orbstack",
      runtimeDescription: expect.stringMatching(/^OrbStack: /),
    });
    expect(auto.reach).toMatchObject({
      route: { reachable: true, via: "orbstack", interface: "bridge101" },
      probe: "open",
      connection: { mode: "bridge", via: "orbstack", reason: "OrbStack routes container IPs" },
    });
    const local = await doctor({ ...options(run, "darwin"), connection: "localhost" }, "cli", machine("timeout"));
    expect(local.reach).toMatchObject({
      probe: "timeout",
      connection: { mode: "localhost", reason: "the connection mode is set to localhost" },
    });
  });

  it("no engine: docker-unavailable for the client that asked, and ssh is still checked", async () => {
    const run = processes();
    const gone = { ...options(run), dockerSocket: path.join(tempDir(), "gone.sock") };
    const cli = await doctor(gone, "cli", machine("open"));
    expect(cli.ssh.ok).toBe(true);
    expect(cli.docker).toEqual({
      ok: false,
      error: expect.objectContaining({ kind: "docker-unavailable", actions: [] }),
    });
    expect(cli.reach).toBeUndefined();
    const raycast = await doctor(gone, "raycast", machine("open"));
    expect(raycast.docker.error?.kind).toBe("docker-unavailable");
    expect(raycast.docker.error?.actions.length).toBeGreaterThan(0);
  });

  it("no ssh: why, in the helper's words; the engine is still checked", async () => {
    // What the runner throws for a program it cannot start (helper/process.ts).
    const run: CommandRunner = async (file) => {
      throw programMissing(file, "ENOENT");
    };
    const report = await doctor(options(run), "cli", machine("open"));
    expect(report.ssh).toEqual({ ok: false, error: "The program ssh was not found" });
    expect(report.docker.ok).toBe(true);
    const broken: CommandRunner = async () => ({ ...ok("", "ssh: broken\n"), exitCode: 255 });
    const failing = await doctor(options(broken), "cli", machine("open"));
    expect(failing.ssh).toEqual({ ok: false, version: "ssh: broken" });
  });
});
