/**
 * `npm run bench`: the chain (smbclient → Samba → sshfs → ssh → OpenSSH server) measured side by side
 * with its own baselines in one run, on this machine's Docker engine. Every figure is a median of N
 * runs with its spread, net of the tool's own connection setup (an ssh or SMB session that transfers
 * nothing, measured in the same run). Prints a table of absolutes and ratios and writes JSON.
 *
 * Where each side runs: the baselines (ssh cat, sftp, sshfs-direct) run inside the mount container,
 * with its ssh config, so they cross exactly the network path sshfs uses; the chain is read from this
 * machine with smbclient, as Finder reads it from the Mac.
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

const execFileAsync = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BIG_MIB = Number(process.env.BENCH_BIG_MIB ?? 256);
const SMALL_FILES = 2000;
const LISTING = 10_000;

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
  const demo = await startDemoServer(runtime, {
    serverName: server,
    alias: "bench",
    stateDir: path.join(dir, "state"),
  });
  const mounted = await mount(runtime, "bench", "", { name: `bench-${id}`, sshConfig: demo.sshConfig });
  const auth = path.join(dir, "smb-auth");
  await fs.writeFile(auth, `username = ${mounted.smb.user}\npassword = ${mounted.smb.password}\n`, { mode: 0o600 });
  return { runtime, dir, server, mount: mounted, container: mounted.container, auth };
}

async function tearDown(bench: Bench): Promise<void> {
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

type Results = Record<string, Sample & { unit: string; note?: string }>;

async function measure(bench: Bench): Promise<Results> {
  const local = path.join(bench.dir, "local");
  await makeData(bench, local);
  const results: Results = {};
  const put = (name: string, unit: string, values: number[], note?: string) => {
    results[name] = { ...sample(values), unit, ...(note ? { note } : {}) };
    const r = results[name];
    process.stderr.write(`  ${name}: ${r.median.toFixed(3)} ${unit} (${r.min.toFixed(3)}–${r.max.toFixed(3)})\n`);
  };
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
  return results;
}

interface Ratio {
  name: string;
  value: number;
  target: string;
  met: boolean;
}

function ratios(r: Results): Ratio[] {
  const m = (name: string) => r[name].median;
  const rows: [string, number, string, (v: number) => boolean][] = [
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
  ];
  return rows.map(([name, value, target, check]) => ({ name, value, target, met: check(value) }));
}

function table(results: Results, rows: Ratio[]): string {
  const lines = [
    `sshmount bench, ${new Date().toISOString()}, ${os.cpus().length} cores, ${RUNS} runs each, ${BIG_MIB} MiB files`,
    "",
  ];
  const width = Math.max(...Object.keys(results).map((k) => k.length));
  for (const [name, r] of Object.entries(results)) {
    lines.push(
      `${name.padEnd(width)}  ${r.median.toFixed(3).padStart(10)} ${r.unit.padEnd(6)} (${r.min.toFixed(3)}–${r.max.toFixed(3)})`,
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
  const results = await measure(bench);
  const rows = ratios(results);
  const out = path.resolve("bench-results");
  await fs.mkdir(out, { recursive: true });
  const file = path.join(out, `bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  await fs.writeFile(
    file,
    JSON.stringify({ date: new Date().toISOString(), runs: RUNS, bigMiB: BIG_MIB, results, ratios: rows }, null, 2),
  );
  process.stdout.write(`${table(results, rows)}\n\nJSON: ${file}\n`);
} finally {
  await tearDown(bench);
}
