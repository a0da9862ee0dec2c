import os from "node:os";
import type Docker from "dockerode";
import { connectEngine, type EngineEndpoint } from "./docker/engine";
import { LABEL, roleFilter, ROLE, SMB_PORT } from "./container/contract";
import { contextHash } from "./docker/image";
import { describeError, type ErrorClient, type ErrorDescription } from "./words/describe";
import { containerIp, isMountContainer, publishedPort } from "./mount/describe";
import { MOUNT_IMAGE } from "./mount/types";
import { baseRuntime, mountImageDir, type HelperOptions } from "./runtime";
import { networkName } from "./docker/network";
import { describeEngineProduct, detectEngineProduct, type EngineProduct } from "./docker/engine-product";
import { lookUpRoute, probeTcp, reachShare, type ConnectionChoice, type ProbeResult } from "./network/reach";
import type { Interfaces, RouteVerdict } from "./network/route";

export interface DoctorReport {
  platform: NodeJS.Platform;
  node: string;
  ssh: { ok: boolean; version?: string; error?: string };
  docker: {
    ok: boolean;
    endpoint?: EngineEndpoint;
    version?: string;
    operatingSystem?: string;
    /** The engine's product; "runtime" is the name `doctor --json` has always given it. */
    runtime?: EngineProduct;
    runtimeDescription?: string;
    error?: ErrorDescription;
  };
  image: { tag: string; present: boolean };
  network: { name: string; exists: boolean; options?: Record<string, string> };
  /** How this machine reaches a running mount's container IP; absent when no mount runs. */
  reach?: { mount: string; ip: string; route?: RouteVerdict; probe: ProbeResult; connection: ConnectionChoice };
}

/** What the reach check asks of this machine's network; tests pass their own, so no probe leaves them. */
export interface ReachProbe {
  /** A TCP connect to port 445 of a container IP. */
  smbPort: (ip: string) => Promise<ProbeResult>;
  interfaces: () => Interfaces;
}

const thisMachine: ReachProbe = { smbPort: (ip) => probeTcp(ip, SMB_PORT, 1_500), interfaces: os.networkInterfaces };

/** The route verdict, a probe of port 445 and the resulting choice, for the first running mount. */
async function reachOfRunningMount(
  docker: Docker,
  network: string,
  base: ReturnType<typeof baseRuntime>,
  options: HelperOptions,
  machine: ReachProbe,
): Promise<DoctorReport["reach"]> {
  // Only mounts on this helper's network: a container on another one has no address here to check.
  const filters = { label: [roleFilter(ROLE.mount)], status: ["running"], network: [network] };
  const all = await docker.listContainers({ filters });
  const running = all.find((summary) => isMountContainer(summary.Labels));
  const ip = containerIp(running?.NetworkSettings?.Networks?.[network]?.IPAddress);
  if (!running || !ip) return undefined;
  const port = publishedPort(
    running.Ports.find((binding) => binding.PrivatePort === SMB_PORT && binding.IP === "127.0.0.1")?.PublicPort,
  );
  const route = await lookUpRoute(ip, base.platform, base.run, machine.interfaces());
  const probe = await machine.smbPort(ip);
  const reach = await reachShare(ip, port, {
    platform: base.platform,
    run: base.run,
    mode: options.connection ?? "auto",
    probe: async () => probe,
    interfaces: machine.interfaces,
  });
  return { mount: running.Labels[LABEL.name], ip, route, probe, connection: reach.connection };
}

/**
 * What this machine offers sshmount, checked piece by piece so one failure does not hide the others;
 * an engine's failure is described for `client`.
 */
export async function doctor(
  options: HelperOptions = {},
  client: ErrorClient = "cli",
  machine: ReachProbe = thisMachine,
): Promise<DoctorReport> {
  const base = baseRuntime(options);
  const tag = `${MOUNT_IMAGE}:${await contextHash(mountImageDir(options.assetsPath))}`;
  const network = networkName(base.env);
  const report: DoctorReport = {
    platform: base.platform,
    node: process.version,
    ssh: { ok: false },
    docker: { ok: false },
    image: { tag, present: false },
    network: { name: network, exists: false },
  };
  try {
    const ssh = await base.run("ssh", ["-V"], { env: base.env, timeoutMs: 5_000 });
    report.ssh = { ok: ssh.exitCode === 0, version: ssh.stderr.trim() || ssh.stdout.trim() };
  } catch (error) {
    report.ssh = { ok: false, error: describeError(error).message };
  }
  try {
    const lookup = { socket: options.dockerSocket, env: base.env, home: base.home, client: options.dockerClient };
    const { docker, endpoint } = await connectEngine(lookup);
    const info = await docker.info();
    const product = detectEngineProduct({
      platform: base.platform,
      operatingSystem: info.OperatingSystem,
      name: info.Name,
      endpoint,
    });
    report.docker = {
      ok: true,
      endpoint,
      version: info.ServerVersion,
      operatingSystem: info.OperatingSystem,
      runtime: product,
      runtimeDescription: describeEngineProduct(product),
    };
    report.image.present = await docker
      .getImage(tag)
      .inspect()
      .then(() => true)
      .catch(() => false);
    const networkInfo = await docker
      .getNetwork(network)
      .inspect()
      .catch(() => undefined);
    report.network = { name: network, exists: Boolean(networkInfo), options: networkInfo?.Options ?? undefined };
    report.reach = await reachOfRunningMount(docker, network, base, options, machine);
  } catch (error) {
    report.docker = { ok: false, error: describeError(error, client) };
  }
  return report;
}
