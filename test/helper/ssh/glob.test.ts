import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "@jest/globals";
import { runCommand } from "../../../helper/process";
import { compileGlob, expandGlob, matchSegment } from "../../../helper/ssh/glob";
import { useTempDir } from "../../temp-dir";

/**
 * The files `ssh -G -F CONFIG` includes, in its order: debug3 prints "Including file PATH depth N", with
 * bytes outside printable ASCII as octal escapes (\303\251 for é).
 */
async function sshIncludes(config: string): Promise<string[]> {
  const result = await runCommand("ssh", ["-vvv", "-G", "-F", config, "--", "probe"], { timeoutMs: 20_000 });
  return [...result.stderr.matchAll(/Including file (\S+) depth/g)].map(([, file]) =>
    Buffer.from(
      file.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))),
      "latin1",
    ).toString("utf8"),
  );
}

const segment = (pattern: string) => {
  const [only] = compileGlob(pattern) ?? [];
  return only;
};
const matches = (pattern: string, name: string) => matchSegment(Buffer.from(name), segment(pattern));

describe("Include globs", () => {
  const tempDir = useTempDir("glob");
  const names = ["[z-a]", "z", "a", "-", "b", "]", "!", "^", "ab", "x*", ".hid", "1", "a.conf", "b.conf", "é"];

  it("expand to the files ssh -G includes, for every bracket, quote and dot rule", async () => {
    // The config lives beside the folder, so that "*" does not include it.
    const dir = path.join(tempDir(), "files");
    await fs.mkdir(dir);
    for (const name of names) await fs.writeFile(path.join(dir, name), "");
    // strcmp order over whole paths puts "d/a-b/f" before "d/a/f" ('-' < '/'), unlike sorting each level.
    for (const sub of ["d/a", "d/a-b"]) {
      await fs.mkdir(path.join(dir, sub), { recursive: true });
      await fs.writeFile(path.join(dir, sub, "f"), "");
    }
    const patterns = [
      "[z-a]",
      "[a-z]",
      "[!a]",
      "[^a]",
      "[]a]",
      "[a-]",
      "[[:digit:]]",
      "[[:alpha:][:digit:]]",
      "[[:bogus:]]",
      "[ab",
      "\\*",
      "x\\*",
      "x*",
      "[z-a]*",
      "?",
      "??",
      "*",
      "*.conf",
      ".*",
      "\\.hid",
      "[.]hid",
      "[a-a]",
      "[\\!a]",
      "*a*b*",
      "d/*/f",
      "?/a*/?",
    ];
    const config = path.join(tempDir(), "config");
    for (const pattern of patterns) {
      await fs.writeFile(config, `Include ${dir}/${pattern}\n`);
      const ours = await expandGlob(`${dir}/${pattern}`, () => undefined);
      // Node lists no "." and "..", which ssh reads as empty folders: the same hosts either way.
      const theirs = (await sshIncludes(config)).filter((file) => !/\/\.\.?$/.test(file));
      expect({ pattern, files: ours }).toEqual({ pattern, files: theirs });
    }
  });

  it("match a reversed range such as [z-a] against nothing instead of throwing", async () => {
    expect(matches("[z-a]", "m")).toBe(false);
    expect(matches("[z-a]", "[z-a]")).toBe(false);
    expect(compileGlob("/x/[[:bogus:]]")).toBeUndefined();
  });

  it("match nothing from a pattern of PATH_MAX bytes or more, as ssh -G (include … matched no files)", async () => {
    const dir = tempDir();
    await fs.writeFile(path.join(dir, "a"), "");
    const long = `${dir}/${"*".repeat(4096 - dir.length)}a`;
    const short = `${dir}/${"*".repeat(4000 - dir.length)}a`;
    expect(await expandGlob(long, () => undefined)).toEqual([]);
    expect(await expandGlob(short, () => undefined)).toEqual([path.join(dir, "a")]);
    const config = path.join(dir, "config");
    await fs.writeFile(config, `Include ${long}\n`);
    expect(await sshIncludes(config)).toEqual([]);
    await fs.writeFile(config, `Include ${short}\n`);
    expect(await sshIncludes(config)).toEqual([path.join(dir, "a")]);
  });

  it("match nine stars against a 40-character name in linear time, as OpenSSH's match() does", async () => {
    const name = "a".repeat(40);
    const started = performance.now();
    for (const pattern of ["*********b", `${"*a".repeat(9)}b`, `${"*a".repeat(9)}*`]) {
      expect(matches(pattern, name)).toBe(pattern.endsWith("*"));
    }
    // Generous: the backtracking regular expression took 35 s here, this takes well under a millisecond.
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
