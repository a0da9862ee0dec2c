/**
 * `npm run bench`: the chain (smbclient → Samba → sshfs → ssh → OpenSSH server) measured side by side
 * with its own baselines in one run, on this machine's Docker engine. Every figure is a median of N
 * runs with its spread, net of the tool's own connection setup (an ssh or SMB session that transfers
 * nothing, measured in the same run). Prints a table of absolutes and ratios and writes JSON.
 *
 * Where each side runs: the baselines (ssh cat, sftp, sshfs-direct) run inside the mount container,
 * with its ssh config, so they cross exactly the network path sshfs uses; the chain is read from this
 * machine with smbclient, as Finder reads it from the Mac.
 *
 * Two links (BENCH_LINK=fast|slow|all): the fast one is the Docker network itself; the slow one puts a
 * relay with a fixed delay and a bandwidth cap between a mount of its own and the server (slow-link.ts),
 * once per RTT in BENCH_RTTS. On each link the Finder-like workloads run beside their baselines, with
 * the SFTP requests each cost as the server's sftp-server logged them.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { startDemoServer } from "../../helper/demo";
import { ensureImage } from "../../helper/docker/image";
import { removeContainer } from "../../helper/docker/containers";
import { DEMO_IMAGE } from "../../helper/demo";
import { mount, unmount } from "../../helper/mount/mounts";
import { MOUNT_IMAGE, type MountInfo } from "../../helper/mount/types";
import { createRuntime, type Runtime } from "../../helper/runtime";
import {
  addressOn,
  countingServerFiles,
  countRequests,
  relayedSshConfig,
  removeRelay,
  startRelay,
  type Requests,
} from "./slow-link";
import { scaleRows, type ScaleRow } from "./scale";

const execFileAsync = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BIG_MIB = Number(process.env.BENCH_BIG_MIB ?? 256);
const SMALL_FILES = 2000;
const LISTING = 10_000;
const LINK = process.env.BENCH_LINK ?? "all";
if (!["fast", "slow", "all"].includes(LINK)) throw new Error(`BENCH_LINK must be fast, slow or all, not ${LINK}`);
/**
 * Slow links as "RTT ms:runs": at 80 ms one 200-file copy alone takes a minute or more, so that case
 * runs once by default, to keep a full bench near 15 minutes.
 */
const RTTS = (process.env.BENCH_RTTS ?? `20:${Math.min(RUNS, 3)},80:1`).split(",").map((item) => {
  const [rtt, runs = "1"] = item.split(":");
  if (!/^\d+$/.test(rtt) || !/^\d+$/.test(runs)) throw new Error(`BENCH_RTTS wants "20:3,80:1", not ${item}`);
  return { rttMs: Number(rtt), runs: Number(runs) };
});
const SLOW_MBIT = Number(process.env.BENCH_MBIT ?? 100);
/** BENCH_COUNT=off: the stock server (internal-sftp, no request log), to see what the counting costs. */
const COUNT = process.env.BENCH_COUNT !== "off";
/** BENCH_SCALE=on|off|only: the twenty-mount rows (scale.ts); "only" runs them alone. */
const SCALE = process.env.BENCH_SCALE ?? "on";
if (!["on", "off", "only"].includes(SCALE)) throw new Error(`BENCH_SCALE must be on, off or only, not ${SCALE}`);
const FOLDER = 1000;
/** The entries a Finder window shows without scrolling, whose metadata and streams it asks for. */
const VISIBLE = 40;
const FEW = 200;
const READ_MIB = 64;

interface Sample {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

function sample(values: number[]): Sample {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: values };
}

/** Seconds a command took; `expect` checks its output, so a run that did less work cannot pass as fast. */
async function timed(file: string, args: string[], expect?: (stdout: string) => boolean): Promise<number> {
  const started = performance.now();
  const { stdout } = await execFileAsync(file, args, { maxBuffer: 64 * 1024 * 1024, encoding: "utf8" });
  const seconds = (performance.now() - started) / 1000;
  if (/NT_STATUS_/.test(stdout) || (expect && !expect(stdout))) {
    throw new Error(`${file} ${args.join(" ")} did not do its work:\n${stdout.slice(0, 500)}`);
  }
  return seconds;
}

/** `ls -l DIR | wc -l` counts a "total" line and every entry. */
const listedAll = (stdout: string) => Number(stdout.trim()) >= LISTING;
/** smbclient's `ls` prints one line per entry plus a few of its own. */
const smbListedAll = (stdout: string) =>
  stdout.split("\n").filter((line) => /entry-\d{5}/.test(line)).length === LISTING;

async function repeat(count: number, work: (index: number) => Promise<number>): Promise<number[]> {
  const values: number[] = [];
  for (let index = 0; index < count; index++) values.push(await work(index));
  return values;
}

interface Bench {
  runtime: Runtime;
  dir: string;
  server: string;
  mount: MountInfo;
  container: string;
  auth: string;
  /** Relays and mounts the slow links started, removed by tearDown whatever happened. */
  relays: string[];
  extraMounts: string[];
}

const inMount = (bench: Bench, script: string) => ["exec", bench.container, "sh", "-c", script];
const onServer = (bench: Bench, script: string) => [
  "exec",
  "-u",
  "demo",
  "-w",
  "/home/demo",
  bench.server,
  "sh",
  "-c",
  script,
];
const ssh = "ssh -F /etc/sshmount/ssh_config -c aes128-gcm@openssh.com target";
const sftp = "sftp -q -F /etc/sshmount/ssh_config -c aes128-gcm@openssh.com -b - target";

function smbArgs(bench: Bench, commands: string): string[] {
  const { host, port, share } = bench.mount.smb;
  return [`//${host}/${share}`, "-p", String(port), "-A", bench.auth, "-m", "SMB3", "-c", commands];
}

/** Seconds net of a baseline setup time; never below a millisecond, so ratios stay finite. */
const net = (seconds: number, setup: number) => Math.max(seconds - setup, 0.001);

async function setUp(): Promise<Bench> {
  const id = randomBytes(3).toString("hex");
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "sshmount-bench-"));
  const env = { ...process.env, HOME: dir, SSHMOUNT_NETWORK: `sshmount-bench-${id}` };
  const runtime = await createRuntime({ env, home: dir });
  await ensureImage(runtime.docker, { dir: runtime.mountImageDir, repository: MOUNT_IMAGE });
  await ensureImage(runtime.docker, { dir: path.join(runtime.packageRoot, "demo/sshd"), repository: DEMO_IMAGE });
  const server = `sshmount-bench-${id}-sshd`;
  const demo = await startDemoServer(
    runtime,
    { serverName: server, alias: "bench", stateDir: path.join(dir, "state") },
    COUNT ? { files: await countingServerFiles(runtime.packageRoot) } : {},
  );
  const mounted = await mount(runtime, "bench", "", { name: `bench-${id}`, sshConfig: demo.sshConfig });
  const auth = path.join(dir, "smb-auth");
  await fs.writeFile(auth, `username = ${mounted.smb.user}\npassword = ${mounted.smb.password}\n`, { mode: 0o600 });
  return { runtime, dir, server, mount: mounted, container: mounted.container, auth, relays: [], extraMounts: [] };
}

async function tearDown(bench: Bench): Promise<void> {
  for (const name of bench.extraMounts) await unmount(bench.runtime, name).catch(() => undefined);
  for (const relay of bench.relays) await removeRelay(relay);
  await unmount(bench.runtime, bench.mount.name).catch(() => undefined);
  await removeContainer(bench.runtime.docker.getContainer(bench.server));
  await bench.runtime.docker
    .getNetwork(bench.runtime.network)
    .remove()
    .catch(() => undefined);
  await fs.rm(bench.dir, { recursive: true, force: true });
}

/** Test data on the server: one big file per first read, a small-file folder, folders of 10 000 names. */
async function makeData(bench: Bench, local: string): Promise<void> {
  const bigs = Array.from({ length: RUNS * 4 + 1 }, (_, i) => `big${i}.bin`).join(" ");
  await execFileAsync(
    "docker",
    onServer(bench, `head -c ${BIG_MIB}M /dev/urandom > big.src && for f in ${bigs}; do cp big.src $f; done`),
  );
  const dirs = Array.from({ length: RUNS * 2 + 1 }, (_, i) => `many${i}`).join(" ");
  await execFileAsync(
    "docker",
    onServer(bench, `for d in ${dirs}; do mkdir $d && (cd $d && seq -f 'entry-%05g' ${LISTING} | xargs touch); done`),
  );
  await execFileAsync(
    "docker",
    inMount(bench, `head -c ${BIG_MIB}M /dev/urandom > /tmp/upload.bin && head -c 4096 /dev/urandom > /tmp/4k`),
  );
  await fs.mkdir(path.join(local, "small"), { recursive: true });
  const four = randomBytes(4096);
  for (let i = 0; i < SMALL_FILES; i++) await fs.writeFile(path.join(local, "small", `f${i}`), four);
  await fs.writeFile(path.join(local, "upload.bin"), randomBytes(BIG_MIB * 1024 * 1024));
}

type Results = Record<string, Sample & { unit: string; note?: string; requests?: number; requestTypes?: string }>;

type Put = (name: string, unit: string, values: number[], requests?: Requests[]) => void;

function recorder(results: Results): Put {
  return (name, unit, values, requests) => {
    const counted = requests?.length
      ? {
          requests: sample(requests.map((r) => r.total)).median,
          requestTypes:
            Object.entries(requests[requests.length - 1].byType)
              .sort((a, b) => b[1] - a[1])
              .map(([type, n]) => `${type} ${n}`)
              .join(", ") || "none in the last run",
        }
      : {};
    results[name] = { ...sample(values), unit, ...counted };
    const r = results[name];
    const req = r.requests === undefined ? "" : `, ${r.requests} SFTP requests (${r.requestTypes})`;
    process.stderr.write(`  ${name}: ${r.median.toFixed(3)} ${unit} (${r.min.toFixed(3)}–${r.max.toFixed(3)})${req}\n`);
  };
}

async function measure(bench: Bench, results: Results): Promise<void> {
  const local = path.join(bench.dir, "local");
  await makeData(bench, local);
  const put = recorder(results);
  const throughput = (seconds: number[]) => seconds.map((s) => BIG_MIB / s);
  let big = 0;
  const nextBig = () => `big${big++}.bin`;

  // Setup costs, measured the same way as the work they are subtracted from.
  const exec = sample(await repeat(RUNS, () => timed("docker", inMount(bench, "true")))).median;
  const sshSetup = sample(await repeat(RUNS, () => timed("docker", inMount(bench, `${ssh} true`)))).median;
  const sftpSetup = sample(await repeat(RUNS, () => timed("docker", inMount(bench, `echo bye | ${sftp}`)))).median;
  const smbSetup = sample(await repeat(RUNS, () => timed("smbclient", smbArgs(bench, "pwd")))).median;
  put("setup: docker exec", "s", [exec]);
  put("setup: ssh session", "s", [sshSetup]);
  put("setup: sftp session", "s", [sftpSetup]);
  put("setup: smb session", "s", [smbSetup]);

  process.stderr.write("baselines\n");
  put(
    "ssh cat (read)",
    "MiB/s",
    throughput(
      await repeat(RUNS, async () =>
        net(await timed("docker", inMount(bench, `${ssh} cat ${nextBig()} > /dev/null`)), sshSetup),
      ),
    ),
  );
  put(
    "sftp get",
    "MiB/s",
    throughput(
      await repeat(RUNS, async () =>
        net(await timed("docker", inMount(bench, `echo 'get ${nextBig()} /dev/null' | ${sftp}`)), sftpSetup),
      ),
    ),
  );
  put(
    "sftp put",
    "MiB/s",
    throughput(
      await repeat(RUNS, async (i) =>
        net(await timed("docker", inMount(bench, `echo 'put /tmp/upload.bin sftp-put-${i}.bin' | ${sftp}`)), sftpSetup),
      ),
    ),
  );
  put(
    "sshfs-direct read",
    "MiB/s",
    throughput(
      await repeat(RUNS, async () =>
        net(await timed("docker", inMount(bench, `cat /mnt/remote/${nextBig()} > /dev/null`)), exec),
      ),
    ),
  );
  put(
    "sshfs-direct write",
    "MiB/s",
    throughput(
      await repeat(RUNS, async (i) =>
        net(await timed("docker", inMount(bench, `cp /tmp/upload.bin /mnt/remote/sshfs-w-${i}.bin`)), exec),
      ),
    ),
  );
  put(
    "sshfs-direct 2000 creates",
    "s",
    await repeat(RUNS, async (i) =>
      net(
        await timed(
          "docker",
          inMount(
            bench,
            `mkdir /mnt/remote/sc${i} && cd /mnt/remote/sc${i} && for n in $(seq ${SMALL_FILES}); do cp /tmp/4k f$n; done`,
          ),
        ),
        exec,
      ),
    ),
  );
  put(
    "sshfs-direct 2000 reads",
    "s",
    await repeat(RUNS, async (i) =>
      net(
        await timed(
          "docker",
          inMount(bench, `cd /mnt/remote/sc${i} && for n in $(seq ${SMALL_FILES}); do cat f$n > /dev/null; done`),
        ),
        exec,
      ),
    ),
  );
  // ls -l, because an SMB listing carries every entry's size and times, as Finder needs them.
  put(
    "sshfs-direct ls 10k cold",
    "s",
    await repeat(RUNS, async (i) =>
      net(await timed("docker", inMount(bench, `ls -l /mnt/remote/many${i} | wc -l`), listedAll), exec),
    ),
  );
  put(
    "sshfs-direct ls 10k warm",
    "s",
    await repeat(RUNS, async (i) =>
      net(await timed("docker", inMount(bench, `ls -l /mnt/remote/many${i} | wc -l`), listedAll), exec),
    ),
  );

  process.stderr.write("the chain (smbclient → Samba → sshfs → ssh)\n");
  const rereadFile = nextBig();
  put(
    "chain first read",
    "MiB/s",
    throughput(
      await repeat(RUNS, async () =>
        net(await timed("smbclient", smbArgs(bench, `get ${nextBig()} /dev/null`)), smbSetup),
      ),
    ),
  );
  await timed("smbclient", smbArgs(bench, `get ${rereadFile} /dev/null`));
  put(
    "chain re-read",
    "MiB/s",
    throughput(
      await repeat(RUNS, async () =>
        net(await timed("smbclient", smbArgs(bench, `get ${rereadFile} /dev/null`)), smbSetup),
      ),
    ),
  );
  put(
    "chain write",
    "MiB/s",
    throughput(
      await repeat(RUNS, async (i) =>
        net(await timed("smbclient", smbArgs(bench, `lcd ${local}; put upload.bin chain-w-${i}.bin`)), smbSetup),
      ),
    ),
  );
  put(
    "chain 2000 creates",
    "s",
    await repeat(RUNS, async (i) =>
      net(
        await timed(
          "smbclient",
          smbArgs(bench, `mkdir cc${i}; cd cc${i}; lcd ${path.join(local, "small")}; prompt; mput *`),
        ),
        smbSetup,
      ),
    ),
  );
  const readDir = await fs.mkdtemp(path.join(bench.dir, "reads-"));
  put(
    "chain 2000 reads",
    "s",
    await repeat(RUNS, async (i) =>
      net(await timed("smbclient", smbArgs(bench, `cd cc${i}; lcd ${readDir}; prompt; mget *`)), smbSetup),
    ),
  );
  put(
    "chain ls 10k cold",
    "s",
    await repeat(RUNS, async (i) =>
      net(await timed("smbclient", smbArgs(bench, `ls many${RUNS + i}/*`), smbListedAll), smbSetup),
    ),
  );
  put(
    "chain ls 10k warm",
    "s",
    await repeat(RUNS, async (i) =>
      net(await timed("smbclient", smbArgs(bench, `ls many${RUNS + i}/*`), smbListedAll), smbSetup),
    ),
  );

  put(
    "mount → first listing",
    "s",
    await repeat(RUNS, async (i) => {
      const started = performance.now();
      const again = await mount(bench.runtime, "bench", "", {
        name: `${bench.mount.name}-m${i}`,
        sshConfig: path.join(bench.dir, "state", "ssh_config"),
      });
      const auth = path.join(bench.dir, `auth-${i}`);
      await fs.writeFile(auth, `username = ${again.smb.user}\npassword = ${again.smb.password}\n`, { mode: 0o600 });
      const { host, port, share } = again.smb;
      await execFileAsync("smbclient", [
        `//${host}/${share}`,
        "-p",
        String(port),
        "-A",
        auth,
        "-m",
        "SMB3",
        "-c",
        "ls",
      ]);
      const seconds = (performance.now() - started) / 1000;
      await unmount(bench.runtime, again.name);
      return seconds;
    }),
  );

  // A fresh mount, idle: the one above holds the page cache of everything the bench moved.
  const idle = await mount(bench.runtime, "bench", "", {
    name: `${bench.mount.name}-idle`,
    sshConfig: path.join(bench.dir, "state", "ssh_config"),
  });
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  put(
    "idle memory of a mount container",
    "MiB",
    await repeat(RUNS, async () => {
      const stats = (await bench.runtime.docker.getContainer(idle.container).stats({ stream: false })) as {
        memory_stats: { usage?: number; stats?: Record<string, number> };
      };
      const { usage = 0, stats: detail = {} } = stats.memory_stats;
      // As `docker stats` computes it: usage less the inactive page cache (cgroup v1 and v2 names).
      const inactive = detail.total_inactive_file ?? detail.inactive_file ?? 0;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      return (usage - (inactive < usage ? inactive : 0)) / 1024 / 1024;
    }),
  );
  await unmount(bench.runtime, idle.name);
}

/** One link under test: a mount whose ssh goes over it, and the address the server sees it from. */
interface Link {
  label: string;
  tag: string;
  container: string;
  smb: MountInfo["smb"];
  auth: string;
  address: string;
  runs: number;
}

async function authFile(bench: Bench, mounted: MountInfo): Promise<string> {
  const auth = path.join(bench.dir, `auth-${mounted.name}`);
  await fs.writeFile(auth, `username = ${mounted.smb.user}\npassword = ${mounted.smb.password}\n`, { mode: 0o600 });
  return auth;
}

async function slowLink(bench: Bench, rttMs: number, runs: number): Promise<Link> {
  const relay = `${bench.server}-relay${rttMs}`;
  bench.relays.push(relay);
  const link = await startRelay(
    bench.runtime.packageRoot,
    bench.runtime.network,
    relay,
    bench.server,
    rttMs,
    SLOW_MBIT,
  );
  const alias = `bench-rtt${rttMs}`;
  const config = path.join(bench.dir, `ssh_config-${alias}`);
  await relayedSshConfig(path.join(bench.dir, "state", "ssh_config"), "bench", bench.server, alias, link, config);
  const name = `${bench.mount.name}-rtt${rttMs}`;
  bench.extraMounts.push(name);
  const mounted = await mount(bench.runtime, alias, "", { name, sshConfig: config });
  return {
    label: `${rttMs} ms`,
    tag: `rtt${rttMs}`,
    container: mounted.container,
    smb: mounted.smb,
    auth: await authFile(bench, mounted),
    address: await addressOn(relay, bench.runtime.network),
    runs,
  };
}

/**
 * The Finder-like workloads and their baselines on one link. Each row says what it does in the terms
 * of the user's action; sshfs-direct rows do the same action on the FUSE mount inside the container.
 */
async function linkRows(bench: Bench, link: Link, results: Results): Promise<void> {
  const put = recorder(results);
  const local = path.join(bench.dir, "local");
  const few = path.join(local, `few-${link.tag}`);
  await fs.mkdir(few, { recursive: true });
  const four = randomBytes(4096);
  for (let i = 0; i < FEW; i++) await fs.writeFile(path.join(few, `f${i}`), four);
  const folders = Array.from(
    { length: link.runs },
    (_, i) => `${link.tag}-fd-s${i} ${link.tag}-fd-c${i} ${link.tag}-fd-a${i}`,
  ).join(" ");
  const docs = Array.from({ length: link.runs }, (_, i) => `${link.tag}-doc-s${i} ${link.tag}-doc-c${i}`).join(" ");
  await execFileAsync(
    "docker",
    onServer(
      bench,
      `head -c ${READ_MIB}M /dev/urandom > ${link.tag}-r.src` +
        ` && for d in ${folders}; do mkdir $d && (cd $d && seq -f 'e-%04g' ${FOLDER} | xargs touch); done` +
        ` && for d in ${docs}; do mkdir $d && head -c 4096 /dev/urandom > $d/doc.txt; done`,
    ),
  );
  await execFileAsync(
    "docker",
    inMount({ ...bench, container: link.container }, "head -c 4096 /dev/urandom > /tmp/4k"),
  );
  await execFileAsync(
    "docker",
    inMount({ ...bench, container: link.container }, `head -c ${READ_MIB}M /dev/urandom > /tmp/up${READ_MIB}.bin`),
  );
  const here = { ...bench, container: link.container };
  const smb = (commands: string) => {
    const { host, port, share } = link.smb;
    return [`//${host}/${share}`, "-p", String(port), "-A", link.auth, "-m", "SMB3", "-c", commands];
  };
  const L = link.label;
  const exec = sample(await repeat(link.runs, () => timed("docker", inMount(here, "true")))).median;
  const sshSetup = sample(await repeat(link.runs, () => timed("docker", inMount(here, `${ssh} true`)))).median;
  const sftpSetup = sample(await repeat(link.runs, () => timed("docker", inMount(here, `echo bye | ${sftp}`)))).median;
  const smbSetup = sample(await repeat(link.runs, () => timed("smbclient", smb("pwd")))).median;
  put(`${L}: setup ssh session`, "s", [sshSetup]);
  put(`${L}: setup sftp session`, "s", [sftpSetup]);

  /** Runs `work` once per run, counting its SFTP requests; records seconds or MiB/s. */
  const row = async (name: string, unit: "s" | "MiB/s", work: (i: number) => Promise<number>) => {
    const seconds: number[] = [];
    const requests: Requests[] = [];
    for (let i = 0; i < link.runs; i++) {
      if (!COUNT) {
        seconds.push(await work(i));
        continue;
      }
      const counted = await countRequests(bench.server, link.address, () => work(i));
      seconds.push(counted.value);
      requests.push(counted.requests);
    }
    put(`${L}: ${name}`, unit, unit === "s" ? seconds : seconds.map((s) => READ_MIB / s), requests);
  };
  /** A fresh copy of the 64 MiB file per read, so no side reads it from a cache; removed after. */
  const fresh = async (i: number, side: string, read: (file: string) => Promise<number>) => {
    const file = `${link.tag}-r-${side}${i}.bin`;
    await execFileAsync("docker", onServer(bench, `cp ${link.tag}-r.src ${file}`));
    const seconds = await read(file);
    await execFileAsync("docker", onServer(bench, `rm -f ${file}`));
    return seconds;
  };

  process.stderr.write(`${L} link\n`);
  await row(`ssh cat ${READ_MIB} MiB`, "MiB/s", (i) =>
    fresh(i, "ssh", async (f) => net(await timed("docker", inMount(here, `${ssh} cat ${f} > /dev/null`)), sshSetup)),
  );
  await row(`sftp get ${READ_MIB} MiB`, "MiB/s", (i) =>
    fresh(i, "sftp", async (f) =>
      net(await timed("docker", inMount(here, `echo 'get ${f} /dev/null' | ${sftp}`)), sftpSetup),
    ),
  );
  await row(`sftp put ${READ_MIB} MiB`, "MiB/s", async (i) =>
    net(
      await timed("docker", inMount(here, `echo 'put /tmp/up${READ_MIB}.bin ${link.tag}-put${i}.bin' | ${sftp}`)),
      sftpSetup,
    ),
  );
  await row(`sshfs-direct read ${READ_MIB} MiB`, "MiB/s", (i) =>
    fresh(i, "sshfs", async (f) => net(await timed("docker", inMount(here, `cat /mnt/remote/${f} > /dev/null`)), exec)),
  );
  await row(`chain read ${READ_MIB} MiB`, "MiB/s", (i) =>
    fresh(i, "chain", async (f) => net(await timed("smbclient", smb(`get ${f} /dev/null`)), smbSetup)),
  );

  const visible = Array.from({ length: VISIBLE }, (_, i) => `e-${String(i + 1).padStart(4, "0")}`);
  await row(`sshfs-direct Finder folder ${FOLDER} cold`, "s", async (i) =>
    net(
      await timed(
        "docker",
        inMount(
          here,
          `d=/mnt/remote/${link.tag}-fd-s${i}; ls -l $d | wc -l; cd $d && stat ${visible.join(" ")} > /dev/null`,
        ),
        (out) => Number(out.trim()) > FOLDER,
      ),
      exec,
    ),
  );
  const listedFolder = (out: string) => out.split("\n").filter((line) => /^\s+e-\d{4}\s/.test(line)).length === FOLDER;
  // smbclient's allinfo asks for a file's metadata and its streams per visible entry, and then opens
  // the file for reading to ask for its snapshots: that open is an SFTP open, a round trip, per entry.
  await row(`chain Finder folder ${FOLDER} cold`, "s", async (i) =>
    net(
      await timed(
        "smbclient",
        smb(`cd ${link.tag}-fd-c${i}; ls; ${visible.map((v) => `allinfo ${v}`).join("; ")}`),
        listedFolder,
      ),
      smbSetup,
    ),
  );
  // The same folder without opening any file's data: altname's create for attributes, query and close
  // is the getattr macOS's smbfs sends. Its stream queries are left out: smbd opens a stream's file
  // only as a path (measured: no SFTP open), and serves the stream from the container's tdb.
  await row(`chain Finder folder ${FOLDER} cold, attributes only`, "s", async (i) =>
    net(
      await timed(
        "smbclient",
        smb(`cd ${link.tag}-fd-a${i}; ls; ${visible.map((v) => `altname ${v}`).join("; ")}`),
        listedFolder,
      ),
      smbSetup,
    ),
  );
  await row(`sshfs-direct ${FEW} small files in`, "s", async (i) =>
    net(
      await timed(
        "docker",
        inMount(
          here,
          `mkdir /mnt/remote/${link.tag}-few-s${i} && cd /mnt/remote/${link.tag}-few-s${i} && for n in $(seq ${FEW}); do cp /tmp/4k f$n; done`,
        ),
      ),
      exec,
    ),
  );
  await row(`chain ${FEW} small files in`, "s", async (i) =>
    net(
      await timed(
        "smbclient",
        smb(`mkdir ${link.tag}-few-c${i}; cd ${link.tag}-few-c${i}; lcd ${few}; prompt; mput *`),
      ),
      smbSetup,
    ),
  );
  await row(`sshfs-direct ${FEW} small files out`, "s", async (i) =>
    net(
      await timed(
        "docker",
        inMount(here, `cd /mnt/remote/${link.tag}-few-s${i} && for n in $(seq ${FEW}); do cat f$n > /dev/null; done`),
      ),
      exec,
    ),
  );
  await row(`chain ${FEW} small files out`, "s", async (i) => {
    const into = await fs.mkdtemp(path.join(bench.dir, "out-"));
    return net(await timed("smbclient", smb(`cd ${link.tag}-few-c${i}; lcd ${into}; prompt; mget *`)), smbSetup);
  });
  // How editors save: the new text to a temporary file beside the document, then renamed over it.
  await row("sshfs-direct save a document", "s", async (i) =>
    net(
      await timed(
        "docker",
        inMount(here, `d=/mnt/remote/${link.tag}-doc-s${i}; cp /tmp/4k $d/.doc.tmp && mv -f $d/.doc.tmp $d/doc.txt`),
      ),
      exec,
    ),
  );
  await row("chain save a document", "s", async (i) =>
    net(
      await timed(
        "smbclient",
        smb(`cd ${link.tag}-doc-c${i}; lcd ${few}; put f0 .doc.tmp; rename .doc.tmp doc.txt -f`),
      ),
      smbSetup,
    ),
  );
}

interface Ratio {
  name: string;
  value: number;
  target: string;
  met: boolean;
}

type RatioRow = [string, number, string, (v: number) => boolean];

function ratios(r: Results, links: Link[]): Ratio[] {
  const m = (name: string) => r[name].median;
  const rows: RatioRow[] = LINK === "slow" ? [] : fastRatios(m);
  for (const link of links) {
    const L = link.label;
    const chainOver = (what: string) => m(`${L}: chain ${what}`) / m(`${L}: sshfs-direct ${what}`);
    rows.push(
      [`${L}: chain Finder folder / sshfs-direct`, chainOver(`Finder folder ${FOLDER} cold`), "≤ 1.2", (v) => v <= 1.2],
      [
        `${L}: chain Finder folder, attributes only / sshfs-direct`,
        m(`${L}: chain Finder folder ${FOLDER} cold, attributes only`) /
          m(`${L}: sshfs-direct Finder folder ${FOLDER} cold`),
        "≤ 1.2",
        (v) => v <= 1.2,
      ],
      [`${L}: chain ${FEW} small in / sshfs-direct`, chainOver(`${FEW} small files in`), "≤ 1.0", (v) => v <= 1.0],
      [`${L}: chain ${FEW} small out / sshfs-direct`, chainOver(`${FEW} small files out`), "≤ 1.0", (v) => v <= 1.0],
      [
        `${L}: chain read ${READ_MIB} MiB / sftp get`,
        m(`${L}: chain read ${READ_MIB} MiB`) / m(`${L}: sftp get ${READ_MIB} MiB`),
        "≥ 0.9",
        (v) => v >= 0.9,
      ],
      [`${L}: chain save a document / sshfs-direct`, chainOver("save a document"), "≤ 1.2", (v) => v <= 1.2],
    );
  }
  return rows.map(([name, value, target, check]) => ({ name, value, target, met: check(value) }));
}

function fastRatios(m: (name: string) => number): RatioRow[] {
  return [
    ["chain read / sshfs-direct read", m("chain first read") / m("sshfs-direct read"), "≥ 0.9", (v) => v >= 0.9],
    [
      "chain 2000 creates / sshfs-direct",
      m("chain 2000 creates") / m("sshfs-direct 2000 creates"),
      "≤ 1.5",
      (v) => v <= 1.5,
    ],
    [
      "chain ls cold / sshfs-direct ls cold",
      m("chain ls 10k cold") / m("sshfs-direct ls 10k cold"),
      "≤ 1.2",
      (v) => v <= 1.2,
    ],
    ["chain first read / ssh cat", m("chain first read") / m("ssh cat (read)"), "≥ 0.7", (v) => v >= 0.7],
    ["chain write / sftp put", m("chain write") / m("sftp put"), "≥ 0.8", (v) => v >= 0.8],
    ["chain re-read / ssh cat", m("chain re-read") / m("ssh cat (read)"), "≥ 2", (v) => v >= 2],
    ["mount → first listing (s)", m("mount → first listing"), "≤ 1.0", (v) => v <= 1.0],
    ["idle memory (MiB)", m("idle memory of a mount container"), "≤ 40", (v) => v <= 40],
    ["(peer's bar) chain first read / ssh cat", m("chain first read") / m("ssh cat (read)"), "0.91", (v) => v >= 0.91],
    ["chain first read / sftp get", m("chain first read") / m("sftp get"), "≥ 0.9", (v) => v >= 0.9],
  ];
}

function table(results: Results, rows: Ratio[]): string {
  const lines = [
    `sshmount bench, ${new Date().toISOString()}, ${os.cpus().length} cores, ${RUNS} runs each, ${BIG_MIB} MiB files`,
    `links: ${LINK}; slow: ${RTTS.map((l) => `${l.rttMs} ms RTT (${l.runs} runs)`).join(", ")} at ${SLOW_MBIT} Mbit/s`,
    "SFTP requests: median per action as the server's sftp-server logged them; types from the last run",
    "",
  ];
  const width = Math.max(...Object.keys(results).map((k) => k.length));
  for (const [name, r] of Object.entries(results)) {
    lines.push(
      `${name.padEnd(width)}  ${r.median.toFixed(3).padStart(10)} ${r.unit.padEnd(6)} (${r.min.toFixed(3)}–${r.max.toFixed(3)})` +
        (r.requests === undefined ? "" : `  ${r.requests} req: ${r.requestTypes}`),
    );
  }
  lines.push("", "ratio / target");
  const ratioWidth = Math.max(...rows.map((row) => row.name.length));
  for (const row of rows) {
    lines.push(
      `${row.name.padEnd(ratioWidth)}  ${row.value.toFixed(2).padStart(8)}  ${row.target.padEnd(6)} ${row.met ? "met" : "missed"}`,
    );
  }
  return lines.join("\n");
}

const bench = await setUp();
try {
  process.stderr.write(`bench: mount ${bench.mount.name} at ${bench.mount.smb.host}:${bench.mount.smb.port}\n`);
  const started = performance.now();
  const results: Results = {};
  const links: Link[] = [];
  if (SCALE !== "only" && LINK !== "slow") {
    await measure(bench, results);
    const address = await addressOn(bench.container, bench.runtime.network);
    const fast = { label: "fast", tag: "fast", container: bench.container, smb: bench.mount.smb, auth: bench.auth };
    await linkRows(bench, { ...fast, address, runs: RUNS }, results);
  }
  if (SCALE !== "only" && LINK !== "fast") {
    for (const { rttMs, runs } of RTTS) {
      const link = await slowLink(bench, rttMs, runs);
      await linkRows(bench, link, results);
      links.push(link);
    }
  }
  const scale: ScaleRow[] =
    SCALE === "off"
      ? []
      : await scaleRows(
          {
            runtime: bench.runtime,
            dir: bench.dir,
            alias: "bench",
            sshConfig: path.join(bench.dir, "state", "ssh_config"),
            server: bench.server,
            prefix: `${bench.mount.name}-n`,
            runs: RUNS,
          },
          recorder(results),
        );
  const rows = [...(SCALE === "only" ? [] : ratios(results, links)), ...scale];
  process.stderr.write(`bench took ${((performance.now() - started) / 60_000).toFixed(1)} min\n`);
  const out = path.resolve("bench-results");
  await fs.mkdir(out, { recursive: true });
  const file = path.join(out, `bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  await fs.writeFile(
    file,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        runs: RUNS,
        bigMiB: BIG_MIB,
        link: LINK,
        slow: { links: RTTS, mbit: SLOW_MBIT },
        results,
        ratios: rows,
      },
      null,
      2,
    ),
  );
  process.stdout.write(`${table(results, rows)}\n\nJSON: ${file}\n`);
} finally {
  await tearDown(bench);
}
