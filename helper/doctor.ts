import os from "node:os";
import type Docker from "dockerode";
import { connectEngine, type EngineEndpoint } from "./docker/engine";
import { LABEL, roleFilter, ROLE, SMB_PORT } from "./container/contract";
import { contextHash } from "./docker/image";
import { describeError, type ErrorClient, type ErrorDescription } from "./errors";
import { containerIp, isMountContainer, publishedPort } from "./mount/describe";
import { MOUNT_IMAGE } from "./mount/types";
import { baseRuntime, mountImageDir, type HelperOptions } from "./runtime";
import { networkName } from "./docker/network";
import { describeRuntime, detectRuntime, type RuntimeKind } from "./docker/runtime-kind";
import { lookUpRoute, probeTcp, reachShare, type ConnectionChoice, type ProbeResult } from "./network/reach";
import type { RouteVerdict } from "./network/route";

export interface DoctorReport {
  platform: NodeJS.Platform;
  node: string;
  ssh: { ok: boolean; version?: string; error?: string };
  docker: {
    ok: boolean;
    endpoint?: EngineEndpoint;
    version?: string;
    operatingSystem?: string;
    runtime?: RuntimeKind;
    runtimeDescription?: string;
    error?: ErrorDescription;
  };
  image: { tag: string; present: boolean };
  network: { name: string; exists: boolean; options?: Record<string, string> };
  /** How this machine reaches a running mount's container IP; absent when no mount runs. */
  reach?: { mount: string; ip: string; route?: RouteVerdict; probe: ProbeResult; connection: ConnectionChoice };
}

/** The route verdict, a probe of port 445 and the resulting choice, for the first running mount. */
async function reachOfRunningMount(
  docker: Docker,
  network: string,
  base: ReturnType<typeof baseRuntime>,
  options: HelperOptions,
): Promise<DoctorReport["reach"]> {
  const all = await docker.listContainers({ filters: { label: [roleFilter(ROLE.mount)], status: ["running"] } });
  const running = all.find((summary) => isMountContainer(summary.Labels));
  const ip = containerIp(running?.NetworkSettings?.Networks?.[network]?.IPAddress);
  if (!running || !ip) return undefined;
  const port = publishedPort(
    running.Ports.find((binding) => binding.PrivatePort === SMB_PORT && binding.IP === "127.0.0.1")?.PublicPort,
  );
  const route = await lookUpRoute(ip, base.platform, base.run, os.networkInterfaces());
  const probe = await probeTcp(ip, SMB_PORT, 1_500);
  const reach = await reachShare(ip, port, {
    platform: base.platform,
    run: base.run,
    mode: options.connection ?? "auto",
    probe: async () => probe,
  });
  return { mount: running.Labels[LABEL.name], ip, route, probe, connection: reach.connection };
}

/**
 * What this machine offers sshmount, checked piece by piece so one failure does not hide the others;
 * an engine's failure is described for `client`.
 */
export async function doctor(options: HelperOptions = {}, client: ErrorClient = "cli"): Promise<DoctorReport> {
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
    const { docker, endpoint } = await connectEngine({ socket: options.dockerSocket, env: base.env, home: base.home });
    const info = await docker.info();
    const runtime = detectRuntime({
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
      runtime,
      runtimeDescription: describeRuntime(runtime),
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
    report.reach = await reachOfRunningMount(docker, network, base, options);
  } catch (error) {
    report.docker = { ok: false, error: describeError(error, client) };
  }
  return report;
}
