import path from "node:path";
import { connectEngine, type EngineEndpoint } from "./docker/engine";
import { contextHash } from "./docker/image";
import { describeError, type ErrorDescription } from "./errors";
import { MOUNT_IMAGE } from "./mount/mounts";
import { baseRuntime, findPackageRoot, type HelperOptions } from "./runtime";
import { networkName } from "./docker/network";

export interface DoctorReport {
  platform: NodeJS.Platform;
  node: string;
  ssh: { ok: boolean; version?: string; error?: string };
  docker: {
    ok: boolean;
    endpoint?: EngineEndpoint;
    version?: string;
    operatingSystem?: string;
    error?: ErrorDescription;
  };
  image: { tag: string; present: boolean };
  network: { name: string; exists: boolean };
}

/** What this machine offers sshmount, checked piece by piece so one failure does not hide the others. */
export async function doctor(options: HelperOptions = {}): Promise<DoctorReport> {
  const base = baseRuntime(options);
  const packageRoot = options.packageRoot ?? findPackageRoot();
  const tag = `${MOUNT_IMAGE}:${await contextHash(path.join(packageRoot, "container"))}`;
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
    report.docker = { ok: true, endpoint, version: info.ServerVersion, operatingSystem: info.OperatingSystem };
    report.image.present = await docker
      .getImage(tag)
      .inspect()
      .then(() => true)
      .catch(() => false);
    report.network.exists = await docker
      .getNetwork(network)
      .inspect()
      .then(() => true)
      .catch(() => false);
  } catch (error) {
    report.docker = { ok: false, error: describeError(error) };
  }
  return report;
}
