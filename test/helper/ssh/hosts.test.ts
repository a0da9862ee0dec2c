import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { runCommand, type CommandRunner } from "../../../helper/process";
import { listHosts, type HostsOptions } from "../../../helper/ssh/hosts";

/**
 * A corpus of real-world config shapes, each block with a HostName unique to it, so that comparing
 * our list with `ssh -G -F FILE alias` proves OpenSSH reaches the same block for every listed alias.
 * Include paths are absolute here because ssh resolves `~` and relative includes in the passwd home,
 * which a test cannot move; relative includes have a test of their own below.
 */
const corpus = (ssh: string): Record<string, string> => ({
  config: [
    "# A user config the way people write them",
    `Include ${ssh}/conf.d/*.conf`,
    "Host alpha beta",
    "  HostName alpha.example",
    "Host *.internal !secret gamma",
    "  HostName gamma.example",
    // Read, but its Host lines never apply to any other alias: OpenSSH's rule for a non-matching block.
    `  Include ${ssh}/gamma-only.conf`,
    "Match host delta",
    "  User matched",
    "Host=delta",
    "  HostName=delta.example",
    'Host "quoted" Epsilon # trailing comment',
    "\tHostName epsilon.example",
    "\tPort 2201",
    "Host alpha",
    "  User second-block-not-a-second-alias",
    // OpenSSH refuses this name on its command line ("hostname contains invalid characters").
    "Host semi;colon",
    "  HostName semi.example",
    "Host *",
    "  ServerAliveInterval 30",
    `  Include ${ssh}/missing/*.conf ${ssh}/not-there ${ssh}/everywhere.conf`,
    "",
  ].join("\n"),
  "conf.d/10-web.conf": ["Host web1 web2", "  HostName %h.example", `Include ${ssh}/nested/inner.conf`, ""].join("\n"),
  "conf.d/20-db.conf": ["Host db", "  HostName db.example", "  User postgres", "  ProxyJump web1", ""].join("\r\n"),
  "conf.d/.hidden.conf": "Host hidden\n  HostName hidden.example\n",
  "conf.d/readme.txt": "Host not-included\n",
  "nested/inner.conf": "Host inner\n  HostName inner.example\n",
  "gamma-only.conf": "Host never-reached\n  HostName never.example\n",
  "everywhere.conf": "Host from-star\n  HostName from-star.example\n",
});

let home: string;
let ssh: string;

async function writeCorpus(files: Record<string, string>) {
  for (const [name, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(ssh, name)), { recursive: true });
    await fs.writeFile(path.join(ssh, name), text);
  }
}

function options(extra: Partial<HostsOptions> = {}): HostsOptions {
  return {
    configFile: path.join(ssh, "config"),
    run: runCommand,
    env: { PATH: process.env.PATH, HOME: home, USER: "ann" },
    home,
    ...extra,
  };
}

beforeEach(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), "sshmount-hosts-"));
  ssh = path.join(home, ".ssh");
  await writeCorpus(corpus(ssh));
});

afterEach(async () => {
  await fs.rm(home, { recursive: true, force: true });
});

describe("listHosts", () => {
  it("lists every concrete alias once, in the order OpenSSH reads them, following Include", async () => {
    const hosts = await listHosts(options());
    expect(hosts.map((host) => host.alias)).toEqual([
      "web1",
      "web2",
      // Its Include line sits inside the "Host web1 web2" block, so ssh never applies "Host inner".
      "db",
      "alpha",
      "beta",
      "gamma",
      "delta",
      "quoted",
      "Epsilon",
      "from-star",
    ]);
    expect(hosts.find((host) => host.alias === "db")).toEqual({
      alias: "db",
      hostName: "db.example",
      user: "postgres",
      port: 22,
      proxyJump: "web1",
      source: { file: path.join(ssh, "conf.d/20-db.conf"), line: 1 },
    });
    expect(hosts.find((host) => host.alias === "Epsilon")).toMatchObject({ port: 2201, source: { line: 12 } });
  });

  it("agrees with ssh -G -F on every listed alias", async () => {
    const hosts = await listHosts(options());
    for (const host of hosts) {
      const result = await runCommand("ssh", ["-G", "-F", path.join(ssh, "config"), "--", host.alias]);
      expect(result.exitCode).toBe(0);
      const hostname = /^hostname (.*)$/m.exec(result.stdout)?.[1];
      expect(hostname).toBe(host.hostName);
      // Every block in the corpus names a host of its own: ssh reached the block, not its defaults.
      expect(hostname).toMatch(/\.example$/);
    }
  });

  /**
   * Without -F, ssh reads the passwd user's ~/.ssh, which a test cannot point at a temporary folder;
   * this stand-in answers `ssh -G -v` for the files the test wrote, in OpenSSH's words.
   */
  function sshForHome(): CommandRunner {
    return async (file, args) => {
      expect(args).not.toContain("-F");
      const alias = args[args.length - 1];
      const { stdout } = await runCommand("grep", ["-rn", "-E", `^Host .*\\b${alias}\\b`, home]);
      const [where = ""] = stdout.split("\n");
      const [source, line] = where.split(":");
      return {
        exitCode: 0,
        stdout: `hostname ${alias}.example\nuser ann\nport 22\n`,
        stderr: `debug1: ${source} line ${line}: Applying options for ${alias}\n`,
        timedOut: false,
      };
    };
  }

  it("reads ~/.ssh/config and then the system config when no file is given", async () => {
    const system = path.join(home, "system_config");
    await fs.writeFile(system, "Host from-system alpha\n  HostName system.example\n");
    const hosts = await listHosts(options({ configFile: undefined, systemConfig: system, run: sshForHome() }));
    expect(hosts.map((host) => host.alias).slice(-2)).toEqual(["from-star", "from-system"]);
    expect(hosts.filter((host) => host.alias === "alpha")).toHaveLength(1);
  });

  it("resolves relative and ~ includes in ~/.ssh, as ssh_config(5) says for user files", async () => {
    await writeCorpus({
      config: "Include conf.d/*.conf\nInclude ~/.ssh/nested/inner.conf\n",
      "nested/inner.conf": "Host inner-by-tilde\n",
    });
    const system = path.join(home, "etc-ssh-config");
    await fs.writeFile(system, "Include ssh_config.d/*.conf\n");
    const hosts = await listHosts(options({ configFile: undefined, systemConfig: system, run: sshForHome() }));
    expect(hosts.map((host) => host.alias)).toEqual(["web1", "web2", "inner-by-tilde", "db"]);
  });

  it("has no hosts when there is no ssh config at all", async () => {
    await fs.rm(ssh, { recursive: true });
    const hosts = await listHosts(options({ configFile: undefined, systemConfig: path.join(home, "none") }));
    expect(hosts).toEqual([]);
  });

  it("reports an include cycle as the config error OpenSSH stops with, naming the file and line", async () => {
    await writeCorpus({ "nested/inner.conf": "Host inner\n  HostName inner.example\nInclude config\n" });
    await expect(listHosts(options())).rejects.toMatchObject({
      kind: "ssh-config-invalid",
      facts: { file: path.join(ssh, "nested/inner.conf"), line: 3 },
    });
  });

  it("reports what OpenSSH refuses with the file and line it names", async () => {
    await writeCorpus({ "conf.d/20-db.conf": "Host db\n  HostName db.example\n  Bogus yes\n" });
    await expect(listHosts(options())).rejects.toMatchObject({
      kind: "ssh-config-invalid",
      facts: {
        file: path.join(ssh, "conf.d/20-db.conf"),
        line: 3,
        detail: expect.stringContaining("Bad configuration option: bogus"),
      },
    });
  });

  it("reports a Host line it cannot parse with its line", async () => {
    await writeCorpus({ "nested/inner.conf": 'Host "inner\n' });
    await expect(listHosts(options())).rejects.toMatchObject({
      kind: "ssh-config-invalid",
      facts: { file: path.join(ssh, "nested/inner.conf"), line: 1 },
    });
  });

  describe("cache", () => {
    function counting(): { run: CommandRunner; count: () => number } {
      let calls = 0;
      return {
        run: (file, args, runOptions) => {
          calls += 1;
          return runCommand(file, args, runOptions);
        },
        count: () => calls,
      };
    }

    it("answers from the cache until a file or an included folder changes", async () => {
      const cacheFile = path.join(home, "cache", "hosts.json");
      const first = counting();
      const hosts = await listHosts(options({ run: first.run, cacheFile }));
      // One ssh -G per alias, including "inner" and "never-reached", which the list leaves out.
      expect(first.count()).toBe(hosts.length + 2);

      const second = counting();
      expect(await listHosts(options({ run: second.run, cacheFile }))).toEqual(hosts);
      expect(second.count()).toBe(0);

      // A new file in a globbed folder changes the folder's mtime.
      await fs.writeFile(path.join(ssh, "conf.d", "30-new.conf"), "Host fresh\n  HostName fresh.example\n");
      const third = counting();
      const after = await listHosts(options({ run: third.run, cacheFile }));
      expect(third.count()).toBe(after.length + 2);
      expect(after.map((host) => host.alias)).toContain("fresh");

      // An edit deep in the include chain is seen too.
      const included = path.join(ssh, "everywhere.conf");
      await fs.writeFile(included, "Host from-star renamed\n  HostName from-star.example\n");
      await fs.utimes(included, new Date(), new Date(Date.now() + 5000));
      expect((await listHosts(options({ cacheFile }))).map((host) => host.alias)).toContain("renamed");
    });
  });
});
