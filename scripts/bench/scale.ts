/**
 * The bench's twenty-mount rows (BENCH_SCALE=on|off|only): what a user with many mounts and big trees
 * waits for or pays. Twenty mounts of the bench's server run side by side; the rows are the helper's
 * list() in-process (what Raycast's List Mounts waits for), each mount's idle CPU from its cgroup, the
 * 21st mount's time against the first's, and a mount container's memory across a walk of 100 000
 * entries through the share.
 */
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { list, mount, unmount } from "../../helper/mount/mounts";
import type { MountInfo } from "../../helper/mount/types";
import type { Runtime } from "../../helper/runtime";

const execFileAsync = promisify(execFile);
const MOUNTS = 20;
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const TREE_DIRS = 100;
const TREE_FILES = 1000;

export interface ScaleContext {
  runtime: Runtime;
  dir: string;
  /** The server's Host alias and the ssh config that has it. */
  alias: string;
  sshConfig: string;
  /** The server's container, where the tree is made. */
  server: string;
  /** Prefix of every mount name these rows create. */
  prefix: string;
  runs: number;
}

export interface ScaleRow {
  name: string;
  value: number;
  target: string;
  met: boolean;
}

type Put = (name: string, unit: string, values: number[]) => void;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

interface Stats {
  cpu_stats: { cpu_usage: { total_usage: number } };
  memory_stats: { usage?: number; stats?: Record<string, number> };
}

async function stats(runtime: Runtime, container: string): Promise<Stats> {
  return (await runtime.docker.getContainer(container).stats({ stream: false })) as Stats;
}

/** As `docker stats` computes it: usage less the inactive page cache (cgroup v1 and v2 names). */
function memoryMiB({ memory_stats: { usage = 0, stats: detail = {} } }: Stats): number {
  const inactive = detail.total_inactive_file ?? detail.inactive_file ?? 0;
  return (usage - (inactive < usage ? inactive : 0)) / 1024 / 1024;
}

/** Resident MiB of each named process in a container, summed per name (smbd runs several). */
async function rssMiB(container: string): Promise<Record<string, number>> {
  const { stdout } = await execFileAsync("docker", ["exec", container, "ps", "-eo", "rss=,comm="]);
  const sums: Record<string, number> = {};
  for (const line of stdout.trim().split("\n")) {
    const [rss, comm] = line.trim().split(/\s+/);
    sums[comm] = (sums[comm] ?? 0) + Number(rss) / 1024;
  }
  return sums;
}

async function timedMount(context: ScaleContext, index: number): Promise<{ seconds: number; mounted: MountInfo }> {
  const started = performance.now();
  const mounted = await mount(context.runtime, context.alias, "", {
    name: `${context.prefix}-${index}`,
    sshConfig: context.sshConfig,
  });
  return { seconds: (performance.now() - started) / 1000, mounted };
}

/** Each mount's CPU share over IDLE_SECONDS, in percent of one core, from its cgroup's counter. */
async function idleCpu(runtime: Runtime, containers: string[]): Promise<number[]> {
  const before = await Promise.all(containers.map((container) => stats(runtime, container)));
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
  const after = await Promise.all(containers.map((container) => stats(runtime, container)));
  const elapsedNs = (performance.now() - started) * 1e6;
  return after.map(
    (stat, i) => ((stat.cpu_stats.cpu_usage.total_usage - before[i].cpu_stats.cpu_usage.total_usage) / elapsedNs) * 100,
  );
}

/** A walk of the whole tree through the share, as smbclient lists it recursively. */
async function walk(context: ScaleContext, { smb }: MountInfo, tree: string): Promise<number> {
  const auth = path.join(context.dir, `auth-${smb.share}`);
  await fs.writeFile(auth, `username = ${smb.user}\npassword = ${smb.password}\n`, { mode: 0o600 });
  const { host, port, share } = smb;
  const { stdout } = await execFileAsync(
    "smbclient",
    [`//${host}/${share}`, "-p", String(port), "-A", auth, "-m", "SMB3", "-D", tree, "-c", "recurse; ls"],
    { maxBuffer: 256 * 1024 * 1024, encoding: "utf8" },
  );
  const seen = stdout.split("\n").filter((line) => /^\s+f\d+\s/.test(line)).length;
  if (seen !== TREE_DIRS * TREE_FILES) throw new Error(`the walk saw ${seen} files, not ${TREE_DIRS * TREE_FILES}`);
  return seen;
}

export async function scaleRows(context: ScaleContext, put: Put): Promise<ScaleRow[]> {
  const { runtime } = context;
  const names: string[] = [];
  const rows: ScaleRow[] = [];
  const row = (name: string, value: number, target: string, met: boolean) => rows.push({ name, value, target, met });
  try {
    process.stderr.write(`scale: ${MOUNTS} mounts\n`);
    const containers: string[] = [];
    const early: number[] = [];
    for (let index = 1; index <= MOUNTS; index++) {
      const { seconds, mounted } = await timedMount(context, index);
      names.push(`${context.prefix}-${index}`);
      containers.push(mounted.container);
      // A single mount's time varies by a third here: the first few, each with at most two running.
      if (index <= 3) early.push(seconds);
    }

    const listed: number[] = [];
    for (let run = 0; run <= context.runs; run++) {
      const started = performance.now();
      const mounts = await list(runtime);
      // The first call pays module and connection warm-up, as a Raycast command's first render does.
      if (run > 0) listed.push(performance.now() - started);
      const ours = mounts.filter((mounted) => mounted.name.startsWith(`${context.prefix}-`));
      if (ours.length !== MOUNTS || ours.some((mounted) => mounted.status !== "ready" || !mounted.smb.url)) {
        throw new Error(`list() did not see ${MOUNTS} ready mounts: ${ours.map((m) => m.status).join(", ")}`);
      }
    }
    put(`list() with ${MOUNTS} mounts`, "ms", listed);
    row(`list() with ${MOUNTS} mounts (ms)`, median(listed), "≤ 150", median(listed) <= 150);

    process.stderr.write(`scale: idle CPU over ${IDLE_SECONDS} s\n`);
    const cpu = await idleCpu(runtime, containers);
    put("idle CPU per mount", "%", cpu);
    row("idle CPU per mount (% of a core)", median(cpu), "≤ 0.2", median(cpu) <= 0.2);

    // The 21st, as often as the first few, each time a fresh container beside the twenty.
    const late: number[] = [];
    let twentyFirst = await timedMount(context, MOUNTS + 1);
    names.push(`${context.prefix}-${MOUNTS + 1}`);
    late.push(twentyFirst.seconds);
    while (late.length < early.length) {
      await unmount(runtime, `${context.prefix}-${MOUNTS + 1}`);
      twentyFirst = await timedMount(context, MOUNTS + 1);
      late.push(twentyFirst.seconds);
    }
    put("mount #1-#3", "s", early);
    put(`mount #${MOUNTS + 1} with ${MOUNTS} running`, "s", late);
    const ratio = median(late) / median(early);
    row(`mount #${MOUNTS + 1} / mounts #1-#3 (medians)`, ratio, "≤ 1.2", ratio <= 1.2);

    process.stderr.write(`scale: a walk of ${TREE_DIRS * TREE_FILES} entries\n`);
    const tree = `tree-${context.prefix}`;
    await execFileAsync("docker", [
      "exec",
      "-u",
      "demo",
      "-w",
      "/home/demo",
      context.server,
      "sh",
      "-c",
      `mkdir ${tree} && cd ${tree} && for d in $(seq ${TREE_DIRS}); do mkdir d$d && (cd d$d && seq -f 'f%g' ${TREE_FILES} | xargs touch); done`,
    ]);
    const walker = twentyFirst.mounted.container;
    const before = memoryMiB(await stats(runtime, walker));
    const rssBefore = await rssMiB(walker);
    await walk(context, twentyFirst.mounted, tree);
    const after = memoryMiB(await stats(runtime, walker));
    const rssAfter = await rssMiB(walker);
    put("walk: container memory before", "MiB", [before]);
    put("walk: container memory after", "MiB", [after]);
    for (const process of ["sshfs", "smbd"]) {
      put(`walk: ${process} RSS before`, "MiB", [rssBefore[process] ?? 0]);
      put(`walk: ${process} RSS after`, "MiB", [rssAfter[process] ?? 0]);
    }
    row("walk: container memory growth (MiB)", after - before, "≤ 40", after - before <= 40);
    // What of it the kernel could take back: a limit just above the processes' own memory makes it
    // reclaim its dentry and inode cache; what stays is held by processes (sshfs's noforget table).
    const { stdout: stat } = await execFileAsync("docker", [
      "exec",
      walker,
      "sh",
      "-c",
      "cat /sys/fs/cgroup/memory/memory.stat 2>/dev/null || cat /sys/fs/cgroup/memory.stat",
    ]);
    const anon = Number(/^(?:rss|anon) (\d+)$/m.exec(stat)?.[1]);
    await runtime.docker
      .getContainer(walker)
      .update({ Memory: anon + 16 * 1024 * 1024, MemorySwap: anon + 16 * 1024 * 1024 });
    const reclaimed = memoryMiB(await stats(runtime, walker));
    put("walk: container memory after the kernel reclaims", "MiB", [reclaimed]);
    row("walk: memory held after reclaim, growth (MiB)", reclaimed - before, "≤ 40", reclaimed - before <= 40);
  } finally {
    for (const name of names) await unmount(runtime, name).catch(() => undefined);
  }
  return rows;
}
