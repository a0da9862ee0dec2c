import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "@jest/globals";
import { startDemoServer } from "../../helper/demo";
import { runCommand } from "../../helper/process";
import type { Runtime } from "../../helper/runtime";
import { listHosts } from "../../helper/ssh/hosts";
import { useTempDir } from "../temp-dir";

/** A uid no user of this machine has: what "not ours" looks like (these tests may run as root). */
const STRANGER = 54_321;
const mode = async (file: string) => (await fs.lstat(file)).mode & 0o777;
const fileAccess = (file: string) => expect.objectContaining({ kind: "file-access", facts: { file } });

describe("sshmount's cache folder (the host list)", () => {
  const dir = useTempDir("cache");
  /** An empty ssh config: listing it runs no ssh, so only the cache is exercised. */
  async function listWithCache(cache: string) {
    const config = path.join(dir(), "config");
    await fs.writeFile(config, "");
    const run = () => Promise.reject(new Error("no ssh expected"));
    return listHosts({ configFile: config, run, env: {}, home: dir(), cacheFile: path.join(cache, "hosts.json") });
  }

  it("is made 0700 and the list written 0600", async () => {
    const cache = path.join(dir(), "fresh", "sshmount");
    await listWithCache(cache);
    expect(await mode(cache)).toBe(0o700);
    expect(await mode(path.join(cache, "hosts.json"))).toBe(0o600);
  });

  it("is made 0700 again when it is ours but open to the group or others", async () => {
    const cache = path.join(dir(), "open");
    await fs.mkdir(cache);
    await fs.chmod(cache, 0o777);
    await listWithCache(cache);
    expect(await mode(cache)).toBe(0o700);
  });

  it("is refused when another user owns it, or it is a symlink, naming the folder and what to do", async () => {
    const theirs = path.join(dir(), "theirs");
    await fs.mkdir(theirs, { mode: 0o700 });
    await fs.chown(theirs, STRANGER, STRANGER);
    const error = await listWithCache(theirs).catch((e) => e);
    expect(error).toEqual(fileAccess(theirs));
    expect(error.message).toContain(`belongs to another user (uid ${STRANGER})`);
    expect(error.message).toContain("XDG_CACHE_HOME");
    await expect(fs.readdir(theirs)).resolves.toEqual([]);

    const link = path.join(dir(), "link");
    await fs.symlink(theirs, link);
    await expect(listWithCache(link)).rejects.toEqual(fileAccess(link));
  });

  it("gets the list through a new temporary file: symlinks planted at hosts.json or a guessable temporary name are never written through", async () => {
    const cache = path.join(dir(), "planted");
    await fs.mkdir(cache, { mode: 0o700 });
    const victim = path.join(dir(), "victim");
    await fs.writeFile(victim, "keep");
    await fs.symlink(victim, path.join(cache, "hosts.json"));
    await fs.symlink(victim, path.join(cache, `hosts.json.${process.pid}.tmp`));
    await listWithCache(cache);
    expect(await fs.readFile(victim, "utf8")).toBe("keep");
    expect((await fs.lstat(path.join(cache, "hosts.json"))).isFile()).toBe(true);
  });
});

describe("the demo's state", () => {
  const dir = useTempDir("demo-state");
  /** Everything startDemoServer needs for its state; the image it looks up next stops it on purpose. */
  function runtime(home: string): Runtime {
    return {
      env: { XDG_CACHE_HOME: path.join(home, "cache") },
      home,
      run: runCommand,
      get packageRoot(): string {
        throw new Error("past the state");
      },
    } as unknown as Runtime;
  }
  const start = (stateDir?: string, home = dir()) => startDemoServer(runtime(home), { stateDir });

  it("keeps its keys in a private folder and reuses a key it made", async () => {
    const stateDir = path.join(dir(), "ok");
    await expect(start(stateDir)).rejects.toThrow("past the state");
    expect(await mode(stateDir)).toBe(0o700);
    const key = await fs.readFile(path.join(stateDir, "id_ed25519"), "utf8");
    await expect(start(stateDir)).rejects.toThrow("past the state");
    expect(await fs.readFile(path.join(stateDir, "id_ed25519"), "utf8")).toBe(key);
  });

  it("checks sshmount's cache folder too when it keeps the state there", async () => {
    const home = path.join(dir(), "home");
    const cache = path.join(home, "cache", "sshmount");
    await fs.mkdir(cache, { recursive: true });
    await fs.chown(cache, STRANGER, STRANGER);
    await expect(start(undefined, home)).rejects.toEqual(fileAccess(cache));
  });

  it.each([
    ["a symlink", async (file: string, other: string) => fs.symlink(other, file)],
    [
      "a key readable by others",
      async (file: string, other: string) => fs.copyFile(other, file).then(() => fs.chmod(file, 0o644)),
    ],
    [
      "another user's key",
      async (file: string, other: string) => fs.copyFile(other, file).then(() => fs.chown(file, STRANGER, STRANGER)),
    ],
    ["a folder", async (file: string) => fs.mkdir(file)],
  ])("never reuses a key file it did not make: %s", async (what, plant) => {
    const source = path.join(dir(), "ok", "id_ed25519");
    const stateDir = path.join(dir(), what.replace(/\W+/g, "-"));
    await fs.mkdir(stateDir, { mode: 0o700 });
    const file = path.join(stateDir, "id_ed25519");
    await plant(file, source);
    const error = await start(stateDir).catch((e) => e);
    expect(error).toEqual(fileAccess(file));
    expect(error.message).toContain(`rm ${file} ${file}.pub`);
  });

  it("is refused in a folder another user owns", async () => {
    const stateDir = path.join(dir(), "theirs");
    await fs.mkdir(stateDir, { mode: 0o700 });
    await fs.chown(stateDir, STRANGER, STRANGER);
    await expect(start(stateDir)).rejects.toEqual(fileAccess(stateDir));
    await expect(fs.readdir(stateDir)).resolves.toEqual([]);
  });

  it("writes known_hosts and ssh_config as new files: a symlink planted there is not written through", async () => {
    const stateDir = path.join(dir(), "ok");
    const victim = path.join(dir(), "victim");
    await fs.writeFile(victim, "keep");
    for (const name of ["known_hosts", "ssh_config"]) {
      await fs.rm(path.join(stateDir, name), { force: true });
      await fs.symlink(victim, path.join(stateDir, name));
    }
    await expect(start(stateDir)).rejects.toThrow("past the state");
    expect(await fs.readFile(victim, "utf8")).toBe("keep");
    expect(await mode(path.join(stateDir, "ssh_config"))).toBe(0o600);
  });
});
