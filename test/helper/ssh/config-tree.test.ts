import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { runCommand } from "../../../helper/process";
import { MAX_CONFIG_BYTES, readConfigTree } from "../../../helper/ssh/config-tree";
import { useTempDir } from "../../temp-dir";

/** `ssh -G -F CONFIG`, bounded so that a config ssh hangs on cannot hang the test. */
function sshG(config: string, timeoutMs = 10_000) {
  return runCommand("ssh", ["-v", "-G", "-F", config, "--", "probe"], { timeoutMs });
}

/** A tree `width` files wide at each of `depth` levels, every file including all of the next level. */
async function writeTree(dir: string, width: number, depth: number): Promise<string> {
  for (let level = 1; level <= depth; level++) {
    await fs.mkdir(path.join(dir, `l${level}`));
    for (let i = 0; i < width; i++) {
      const include = level < depth ? `Include ${dir}/l${level + 1}/*.conf\n` : "";
      await fs.writeFile(path.join(dir, `l${level}`, `f${i}.conf`), `Host h${level}-${i}\n${include}`);
    }
  }
  const config = path.join(dir, "config");
  await fs.writeFile(config, `Include ${dir}/l1/*.conf\nHost top\n`);
  return config;
}

describe("readConfigTree on hostile configs", () => {
  const tempDir = useTempDir("hostile");
  let dir: string;
  let config: string;
  let run = 0;
  beforeEach(async () => {
    dir = path.join(tempDir(), String(run++));
    await fs.mkdir(dir);
    config = path.join(dir, "config");
  });
  const read = () => readConfigTree(config, { home: dir });
  const includeLine = { kind: "ssh-config-invalid", facts: { file: expect.any(String), line: 1 } };

  describe("an Include of something that is not a file", () => {
    let server: net.Server | undefined;
    afterEach(() => {
      server?.close();
    });

    it("refuses a FIFO at its Include line, where ssh -G waits for ever", async () => {
      await runCommand("mkfifo", [path.join(dir, "pipe")]);
      await fs.writeFile(config, `Include ${dir}/pipe\nHost top\n`);
      await expect(read()).rejects.toMatchObject({
        ...includeLine,
        message: expect.stringContaining("named pipe"),
        facts: { file: config, line: 1 },
      });
      expect((await sshG(config, 1500)).timedOut).toBe(true);
    });

    it("refuses Include /dev/zero without reading it; ssh -G refuses it too (Bad owner or permissions)", async () => {
      await fs.writeFile(config, "Include /dev/zero\nHost top\n");
      await expect(read()).rejects.toMatchObject({ ...includeLine, message: expect.stringContaining("device") });
      const ssh = await sshG(config);
      expect(ssh.exitCode).toBe(255);
      expect(ssh.stderr).toContain("Bad owner or permissions on /dev/zero");
    });

    it("refuses a socket, as ssh -G does (Can't open user config file)", async () => {
      server = net.createServer();
      await new Promise<void>((resolve) => server?.listen(path.join(dir, "sock"), resolve));
      await fs.writeFile(config, `Include ${dir}/sock\nHost top\n`);
      await expect(read()).rejects.toMatchObject({ ...includeLine, message: expect.stringContaining("socket") });
      const ssh = await sshG(config);
      expect(ssh.exitCode).toBe(255);
      expect(ssh.stderr).toContain("Can't open user config file");
    });

    it("reads a folder as an empty file, as ssh -G does", async () => {
      await fs.mkdir(path.join(dir, "folder"));
      await fs.writeFile(config, `Include ${dir}/folder\nHost top\n`);
      expect((await read()).aliases.map(({ alias }) => alias)).toEqual(["top"]);
      expect((await sshG(config)).exitCode).toBe(0);
    });
  });

  it("refuses a config file larger than the limit at its Include line; ssh -G reads it whole", async () => {
    const big = path.join(dir, "big");
    await fs.writeFile(big, `Host big\n${"# padding\n".repeat(MAX_CONFIG_BYTES / 10 + 1)}`);
    await fs.writeFile(config, `Include ${big}\nHost top\n`);
    await expect(read()).rejects.toMatchObject({ ...includeLine, message: expect.stringContaining("MiB") });
    expect((await sshG(config)).exitCode).toBe(0);
  });

  it("refuses a 4-way include tree 8 deep quickly; ssh -G reads 87,381 files for every alias", async () => {
    config = await writeTree(dir, 4, 8);
    const started = performance.now();
    await expect(read()).rejects.toMatchObject({
      kind: "ssh-config-invalid",
      message: expect.stringContaining("more than 1024 files"),
      facts: { file: expect.stringMatching(/\/l\d\/f\d\.conf$/), line: 2 },
    });
    // Generous: it took 18 s before the limit, about 50 ms now.
    expect(performance.now() - started).toBeLessThan(2000);
    const ssh = await sshG(config, 30_000);
    expect(ssh.exitCode).toBe(0);
    expect(ssh.stderr.match(/Reading configuration data/g)).toHaveLength(87_381);
  });

  it("lists a 4-way include tree 4 deep (341 reads) as ssh -G reads it", async () => {
    config = await writeTree(dir, 4, 4);
    const tree = await read();
    expect(tree.aliases).toHaveLength(4 * 4 + 1);
    const applied = (await sshG(config)).stderr.match(/Reading configuration data/g);
    expect(applied).toHaveLength(4 + 16 + 64 + 256 + 1);
  });

  it("follows Include 16 deep as ssh -G does, and refuses a 17th level as ssh -G does", async () => {
    for (let i = 0; i <= 17; i++) await fs.writeFile(path.join(dir, `f${i}`), `Host d${i}\nInclude ${dir}/f${i + 1}\n`);
    config = path.join(dir, "f1");
    expect((await read()).aliases).toHaveLength(17);
    expect((await sshG(config)).exitCode).toBe(0);

    config = path.join(dir, "f0");
    await expect(read()).rejects.toMatchObject({
      kind: "ssh-config-invalid",
      facts: { file: path.join(dir, "f16"), line: 2 },
    });
    const ssh = await sshG(config);
    expect(ssh.exitCode).toBe(255);
    expect(ssh.stderr).toContain("Too many recursive configuration includes");
  });

  it("stops at its Include line when reading takes longer than the time limit", async () => {
    config = await writeTree(dir, 2, 3);
    let clock = 0;
    // Each look at the clock is a second later: the limit is passed while reading the second level.
    const tree = readConfigTree(config, { home: dir, now: () => (clock += 1000) });
    await expect(tree).rejects.toMatchObject({
      kind: "ssh-config-invalid",
      message: expect.stringContaining("longer than 5 s"),
      facts: { line: expect.any(Number) },
    });
  });

  it("treats Include [z-a] as matching nothing, as ssh -G does", async () => {
    await fs.writeFile(path.join(dir, "m"), "Host m\n");
    await fs.writeFile(config, `Include ${dir}/[z-a]\nHost top\n`);
    expect((await read()).aliases.map(({ alias }) => alias)).toEqual(["top"]);
    const ssh = await sshG(config);
    expect(ssh.exitCode).toBe(0);
    expect(ssh.stderr).toContain("matched no files");
  });

  it("matches nine stars against a 40-character name at once, with ssh -G's result", async () => {
    await fs.writeFile(path.join(dir, "a".repeat(40)), "Host forty\n");
    for (const [pattern, listed] of [
      ["*********b", ["top"]],
      [`${"*a".repeat(9)}b`, ["top"]],
      [`${"*a".repeat(9)}*`, ["forty", "top"]],
    ] as const) {
      await fs.writeFile(config, `Include ${dir}/${pattern}\nHost top\n`);
      const started = performance.now();
      expect((await read()).aliases.map(({ alias }) => alias)).toEqual(listed);
      // Generous: the regular expression backtracked for 35 s on the first pattern.
      expect(performance.now() - started).toBeLessThan(1000);
      expect((await sshG(config)).stderr.includes("matched no files")).toBe(listed.length === 1);
    }
  });
});
