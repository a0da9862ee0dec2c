/**
 * The engine's list of mount containers, read once per verb: what a mount left half-made is swept on
 * sight, and only containers whose labels pass isMountContainer are mounts.
 */
import type Docker from "dockerode";
import { LABEL, ROLE } from "../container/contract";
import { containerLogs, removeContainer } from "../docker/containers";
import { SshmountError } from "../errors";
import { isMountContainer } from "./describe";
import { latestRun, parseLog } from "./status";

export type ContainerSummary = Docker.ContainerInfo;

/** Our mount containers, each with labels that pass isMountContainer. */
export async function managedContainers(docker: Docker): Promise<ContainerSummary[]> {
  const all = await docker.listContainers({ all: true, filters: { label: [LABEL.role] } });
  const kept = await Promise.all(
    all.map(async (summary) => ((await abandoned(docker, summary)) ? undefined : summary)),
  );
  return kept.filter((summary) => summary && isMountContainer(summary.Labels)) as ContainerSummary[];
}

/**
 * What a mount leaves behind when the engine stopped mid-mount (or the process running it died): a
 * container created but never started, a finished host-key scan, or a mount container that never
 * served (its restart policy is still "no") and was stopped by a signal, or stopped itself when its
 * creator's stdin closed, rather than failing, which its own mount() would have cleaned up. Removed on
 * sight, so nobody ever sees it as a mount. The grace period leaves a mount that another process is
 * running right now alone.
 */
async function abandoned(docker: Docker, summary: ContainerSummary): Promise<boolean> {
  const graceMs = 120_000;
  const role = summary.Labels[LABEL.role];
  if (role !== ROLE.hostKeyScan && !isMountContainer(summary.Labels)) return false;
  if (summary.State === "running" || summary.State === "restarting" || summary.State === "paused") return false;
  const container = docker.getContainer(summary.Id);
  if (summary.State === "created") {
    if (Date.now() - summary.Created * 1000 < graceMs) return false;
  } else if (role === ROLE.hostKeyScan) {
    const info = await container.inspect().catch(() => undefined);
    if (!info || Date.now() - Date.parse(info.State.FinishedAt) < graceMs) return false;
  } else {
    const info = await container.inspect().catch(() => undefined);
    if (!info || info.HostConfig.RestartPolicy?.Name !== "no") return false;
    // 409 while another process removes it ("dead or marked for removal"): not ours to sweep.
    const run = latestRun(parseLog(await containerLogs(container).catch(() => "")));
    if (run.at(-1)?.type !== "stopped" || run.some((event) => event.type === "ready")) return false;
  }
  await removeContainer(container);
  return true;
}

/** The mount named `name` among `containers`, or not-found. */
export function byName(containers: ContainerSummary[], name: string): ContainerSummary {
  const match = containers.find((summary) => summary.Labels[LABEL.name] === name);
  if (!match) throw new SshmountError("not-found", `There is no mount named "${name}"`, { name });
  return match;
}

export async function findMount(docker: Docker, name: string): Promise<ContainerSummary> {
  return byName(await managedContainers(docker), name);
}

/** The mount created most recently: what "Open Last Mount" means without keeping any state of our own. */
export function newest(containers: ContainerSummary[]): ContainerSummary | undefined {
  return [...containers].sort((a, b) =>
    (b.Labels[LABEL.created] ?? "").localeCompare(a.Labels[LABEL.created] ?? ""),
  )[0];
}

/** The mount of ALIAS:REMOTE_PATH through the same ssh config (and of that name, when one is asked for). */
export function sameTarget(
  containers: ContainerSummary[],
  target: { alias: string; remotePath: string; sshConfig: string; name?: string },
): ContainerSummary | undefined {
  return containers.find(
    ({ Labels: labels }) =>
      labels[LABEL.alias] === target.alias &&
      labels[LABEL.remotePath] === target.remotePath &&
      labels[LABEL.sshConfig] === target.sshConfig &&
      (target.name === undefined || labels[LABEL.name] === target.name),
  );
}
