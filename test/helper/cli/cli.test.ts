import { execFile } from "node:child_process";
import { EventEmitter } from "node:events";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "@jest/globals";
import { cleansUpOnCancel, main, parseCli } from "../../../helper/cli/cli";
import { progressPrinter, verbUsage } from "../../../helper/cli/render";
import { FLAGS } from "../../../helper/cli/spec";
import { VERBS, verbSpec } from "../../../helper/cli/verbs";
import { completionScript } from "../../../helper/cli/completion";
import { readHiddenLine } from "../../../helper/cli/password-prompt";
import { mount } from "../../../helper/index";
import { writeSshClient } from "../../fixtures/ssh-client";
import { FakeAppleScript } from "../../raycast/fake-applescript";
import { FakeEngine } from "../../raycast/fake-engine";
import { FakeProcesses } from "../../raycast/fake-processes";

const execFileAsync = promisify(execFile);

async function cli(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    options: { dockerSocket: "/nonexistent/docker.sock", env: { PATH: process.env.PATH, HOME: "/nonexistent" } },
  });
  return { code, stdout, stderr };
}

describe("parseCli", () => {
  it("parses the documented forms", () => {
    expect(parseCli(["mount", "web:/srv/My Site", "--name", "site", "--json"])).toMatchObject({
      command: "mount",
      args: ["web:/srv/My Site"],
      flags: { name: "site", json: true },
    });
    expect(parseCli(["unmount", "--all"])).toMatchObject({ command: "unmount", args: [], flags: { all: true } });
    expect(parseCli(["open", "--last"])).toMatchObject({ command: "open", flags: { last: true } });
    expect(parseCli(["open", "--all"])).toMatchObject({ command: "open", args: [], flags: { all: true } });
    expect(parseCli(["--help"]).command).toBe("help");
    const fingerprint = `SHA256:${"a+/".repeat(14)}b`;
    expect(
      parseCli(["mount", "web", "--trust-host-key", fingerprint, "--trust-host-key", fingerprint, "--password-stdin"])
        .flags,
    ).toMatchObject({ "trust-host-key": [fingerprint, fingerprint], "password-stdin": true });
    expect(parseCli(["mount", "web", "--metadata", "server"]).flags).toMatchObject({ metadata: "server" });
  });

  it.each([
    [[]],
    [["frobnicate"]],
    [["mount"]],
    [["mount", "a", "b"]],
    [["unmount"]],
    [["unmount", "x", "--all"]],
    [["list", "--name", "x"]],
    [["mount", "web", "--bogus"]],
    [["mount", "web", "--name"]],
    [["mount", "web", "--name="]],
    [["open"]],
    [["logs", "x", "--json"]],
    [["mount", "web", "--trust-host-key", "MD5:aa:bb"]],
    [["mount", "web", "--trust-host-key", "SHA256:short"]],
    [["list", "--trust-host-key", `SHA256:${"A".repeat(43)}`]],
    [["mount", "web", "--connect", "wifi"]],
    [["mount", "web", "--metadata", "icloud"]],
    [["list", "--metadata", "server"]],
    [["list", "--show-password"]],
    [["help", "frobnicate"]],
    [["help", "mount", "list"]],
    [["completion"]],
    [["completion", "powershell"]],
    [["unmount", "--all", "x"]],
    [["open", "x", "--all"]],
    [["open", "--all", "--last"]],
  ])("%j is a usage error", (argv) => {
    expect(() => parseCli(argv)).toThrow();
  });
});

describe("the verb table", () => {
  it("--help, -h and help VERB print that verb's usage; --version and -V the version", () => {
    expect(parseCli(["mount", "--help"])).toMatchObject({ command: "help", args: ["mount"] });
    expect(parseCli(["unmount", "-h"])).toMatchObject({ command: "help", args: ["unmount"] });
    expect(parseCli(["help", "open"])).toMatchObject({ command: "help", args: ["open"] });
    expect(parseCli(["-h"])).toMatchObject({ command: "help", args: [] });
    expect(parseCli(["--version"]).command).toBe("version");
    expect(parseCli(["-V"]).command).toBe("version");
  });

  it("each verb's usage lists exactly the flags the parser lets it take, one line of help each", () => {
    for (const verb of VERBS.map((each) => verbSpec(each.name)!)) {
      const usage = verbUsage(verb);
      expect(usage).toMatch(new RegExp(`^Usage:\n  sshmount ${verb.name}`));
      for (const flag of FLAGS) {
        const takes = (verb.flags as readonly string[]).includes(flag.name);
        expect({ verb: verb.name, flag: flag.name, listed: usage.includes(`\n  --${flag.name}`) }).toEqual({
          verb: verb.name,
          flag: flag.name,
          listed: takes,
        });
        if (!takes) continue;
        const valid = flag.name === "trust-host-key" ? `SHA256:${"A".repeat(43)}` : "auto";
        const value = flag.type === "boolean" ? [] : ["choices" in flag ? flag.choices[0] : valid];
        const argv = [
          verb.name,
          ...(verb.argument && !verb.optional ? [verb.name === "completion" ? "bash" : "web"] : []),
          `--${flag.name}`,
          ...value,
        ];
        if (verb.instead?.includes(flag.name)) argv.splice(1, 1);
        expect(() => parseCli(argv)).not.toThrow();
      }
    }
  });

  it("open takes NAME, --last or --all, one of them", () => {
    expect(() => parseCli(["open"])).toThrow('"open" needs exactly one NAME, --last or --all');
    expect(() => parseCli(["open", "--all", "--last"])).toThrow('"open" takes one of --last, --all');
    expect(() => parseCli(["open", "x", "--all"])).toThrow('"open" takes no arguments with --all');
    expect(verbUsage(verbSpec("open"))).toMatch(/^ {2}sshmount open NAME \| --last \| --all \[--connect MODE\]/m);
  });

  it("only verbs that undo their work make Ctrl-C wait", () => {
    expect(cleansUpOnCancel(["open", "--all"])).toBe(false);
    expect(cleansUpOnCancel(["open", "web"])).toBe(true);
    expect(cleansUpOnCancel(["mount", "web"])).toBe(true);
    expect(cleansUpOnCancel(["demo"])).toBe(true);
    expect(cleansUpOnCancel(["demo", "--stop"])).toBe(false);
    expect(cleansUpOnCancel(["list"])).toBe(false);
    expect(cleansUpOnCancel(["frobnicate"])).toBe(false);
  });
});

/** A CLI over a fake engine and fake macOS commands, with one host, web, in its ssh config. */
async function fakeMachine(platform: "darwin" | "linux") {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "sshmount-cli-"));
  const { sshConfig } = writeSshClient(dir, { web: ["HostName web.example", "User ann"] }, ["web.example"]);
  const engine = new FakeEngine();
  const options = {
    env: { PATH: process.env.PATH, HOME: dir, USER: "ann", XDG_CACHE_HOME: path.join(dir, "cache") },
    home: dir,
    platform,
    dockerSocket: path.join(dir, "docker.sock"),
    connection: "localhost" as const,
    dockerClient: engine.client,
    run: new FakeProcesses().run,
    appleScript: new FakeAppleScript().run,
  };
  const run = async (argv: string[]) => {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      options,
    });
    return { code, stdout, stderr };
  };
  return { sshConfig, engine, options, run, remove: () => fs.rm(dir, { recursive: true, force: true }) };
}

describe("open --all", () => {
  it("runs Reconnect All over the engine and prints what it opened; --json the same as data", async () => {
    const machine = await fakeMachine("darwin");
    try {
      await mount("web", "", { ...machine.options, sshConfig: machine.sshConfig, name: "site" });
      const url = `smb://sshmount@127.0.0.1:${machine.engine.publishedPort("site")}/site`;
      expect(await machine.run(["open", "--all"])).toMatchObject({
        code: 0,
        stdout: `Opened ${url} in Finder at /Volumes/site\n`,
      });
      const asJson = await machine.run(["open", "--all", "--json"]);
      expect(JSON.parse(asJson.stdout)).toMatchObject({ opened: [{ name: "site", opened: true }], notReady: [] });
    } finally {
      await machine.remove();
    }
  });
});

describe("mount of a target that is mounted already", () => {
  it("returns the existing mount and, when --metadata differs from its own, says it keeps its own", async () => {
    const machine = await fakeMachine("linux");
    const mountWeb = (...flags: string[]) =>
      machine.run(["mount", "web", "--ssh-config", machine.sshConfig, "--json", ...flags]);
    try {
      expect((await mountWeb()).code).toBe(0);
      const again = await mountWeb("--metadata", "server");
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ name: "web", metadata: "mac" });
      expect(again.stderr).toContain('note: "web" already existed with --metadata mac, which it keeps');
      expect((await mountWeb("--metadata", "mac")).stderr).not.toContain("note:");
      expect(machine.engine.containers.size).toBe(1);
    } finally {
      await machine.remove();
    }
  });
});

describe("main", () => {
  it("prints the version it was built with, and a verb's usage on stdout for help", async () => {
    let stdout = "";
    const io = { stdout: (text: string) => (stdout += text), stderr: () => undefined, version: "9.8.7" };
    expect(await main(["-V"], io)).toBe(0);
    expect(stdout).toBe("sshmount 9.8.7\n");
    stdout = "";
    expect(await main(["help", "unmount"], io)).toBe(0);
    expect(stdout).toMatch(/^Usage:\n {2}sshmount unmount NAME \| --all \[--json\]\n/);
    expect(stdout).toMatch(/^ {2}--all +Every mount: unmount removes them all;/m);
    stdout = "";
    expect(await main(["--help"], io)).toBe(0);
    expect(stdout).toMatch(/^ {2}sshmount completion SHELL$/m);
    expect(stdout).toMatch(/^Exit codes: 0 done, 1 failed, 2 usage error, 130 cancelled/m);
  });

  it("after Ctrl-C, whatever fails next is the cancellation: exit 130, one line saying nothing was left", async () => {
    const controller = new AbortController();
    controller.abort();
    let stderr = "";
    const code = await main(["list"], {
      stdout: () => undefined,
      stderr: (text) => (stderr += text),
      signal: controller.signal,
      options: { dockerSocket: "/nonexistent/docker.sock", env: { PATH: process.env.PATH, HOME: "/nonexistent" } },
    });
    expect(code).toBe(130);
    expect(stderr).toBe("sshmount: Cancelled. Nothing was left behind; mount again when you are ready.\n");
  });

  it("a usage error prints that verb's usage, not the overview", async () => {
    const result = await cli(["unmount", "--bogus"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^sshmount: Unknown option '--bogus'/);
    expect(result.stderr).toContain("Usage:\n  sshmount unmount NAME | --all");
    expect(result.stderr).not.toContain("sshmount mount");
  });

  it("exits 2 with usage on stderr for usage errors", async () => {
    const result = await cli(["mount"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/"mount" needs exactly one ALIAS\[:REMOTE_PATH\]/);
    expect(result.stderr).toContain("Usage:");
    expect(result.stdout).toBe("");
  });

  it("exits 1 with one line of what to do, and a JSON error with --json", async () => {
    const result = await cli(["list", "--json"]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^sshmount: The Docker engine at unix:\/\/\/nonexistent\/docker.sock .*does not answer.*OrbStack/,
    );
    expect(JSON.parse(result.stdout)).toEqual({
      error: {
        kind: "docker-unavailable",
        title: expect.stringMatching(/does not answer$/),
        detail: expect.stringContaining("ENOENT"),
        message: expect.any(String),
        hint: expect.stringContaining("OrbStack"),
        actions: [],
      },
    });
  });

  it("rejects a hostile alias before anything runs", async () => {
    const result = await cli(["mount", "-oProxyCommand=touch /tmp/pwned", "--json"]);
    expect(result.code).toBe(2);
    const asTarget = await cli(["mount", "--json", "--", "-oProxyCommand=x:/tmp"]);
    expect(asTarget.code).toBe(1);
    expect(JSON.parse(asTarget.stdout).error.kind).toBe("invalid-input");
  });

  it("--password-stdin with nothing on standard input is an error before anything runs", async () => {
    let stdout = "";
    const code = await main(["mount", "web", "--password-stdin", "--json"], {
      stdout: (text) => (stdout += text),
      stderr: () => undefined,
      readStdin: async () => "\n",
      options: { dockerSocket: "/nonexistent/docker.sock", env: { PATH: process.env.PATH, HOME: "/nonexistent" } },
    });
    expect(code).toBe(1);
    expect(JSON.parse(stdout).error).toMatchObject({
      kind: "invalid-input",
      message: expect.stringContaining("stdin"),
    });
  });

  it("doctor reports each piece and exits 1 when the engine is missing", async () => {
    const result = await cli(["doctor"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^OpenSSH: +OpenSSH_/m);
    expect(result.stdout).toMatch(/^Docker: +not available: .*nonexistent\/docker.sock/m);
    expect(result.stdout).toMatch(/^Image: +sshmount:[0-9a-f]{16} /m);
  });
});

/** A stand-in terminal: records raw mode, and types what the test sends. */
class FakeTerminal extends EventEmitter {
  isTTY = true;
  raw: boolean[] = [];
  setRawMode(raw: boolean) {
    this.raw.push(raw);
  }
  resume() {}
  pause() {}
  type(text: string) {
    this.emit("data", Buffer.from(text));
  }
}

describe("the password prompt", () => {
  it("reads a line without echo, with Backspace and Ctrl-U, and restores the terminal", async () => {
    const terminal = new FakeTerminal();
    let written = "";
    const line = readHiddenLine(terminal, (text) => (written += text), "Password for demo@host: ");
    terminal.type("wrong\u0015se");
    terminal.type("cret!\u007f\u007fé\r");
    await expect(line).resolves.toBe("secreé");
    expect(written).toBe("Password for demo@host: \n");
    expect(terminal.raw).toEqual([true, false]);
    expect(terminal.listenerCount("data")).toBe(0);
  });

  it("Ctrl-C is cancelled; Ctrl-D on an empty line is an empty password", async () => {
    const terminal = new FakeTerminal();
    const cancelled = readHiddenLine(terminal, () => undefined, "");
    terminal.type("abc\u0003");
    await expect(cancelled).rejects.toMatchObject({ kind: "cancelled" });
    expect(terminal.raw).toEqual([true, false]);
    const empty = readHiddenLine(terminal, () => undefined, "");
    terminal.type("\u0004");
    await expect(empty).resolves.toBe("");
  });

  it("main prompts on a terminal: Ctrl-C exits 130, an empty line is invalid-input before anything runs", async () => {
    const run = async (keys: string) => {
      const terminal = new FakeTerminal();
      let stdout = "";
      let stderr = "";
      const code = main(["mount", "web", "--password-stdin", "--json"], {
        stdout: (text) => (stdout += text),
        stderr: (text) => {
          stderr += text;
          if (text.startsWith("Password for")) terminal.type(keys);
        },
        stdin: terminal,
        readStdin: async () => "from-a-pipe\n",
        options: { dockerSocket: "/nonexistent/docker.sock", env: { PATH: process.env.PATH, HOME: "/nonexistent" } },
      });
      return { code: await code, stdout, stderr };
    };
    const cancelled = await run("\u0003");
    expect(cancelled.code).toBe(130);
    expect(cancelled.stderr).toMatch(
      /^Password for web: \nsshmount: Cancelled at the password prompt\. Nothing was left behind/,
    );
    const empty = await run("\r");
    expect(empty.code).toBe(1);
    expect(JSON.parse(empty.stdout).error.kind).toBe("invalid-input");
  });
});

describe("shell completion", () => {
  /** Sources the bash script in a real bash, with `sshmount` answering as the CLI's JSON does. */
  async function bashCompletes(words: string[]): Promise<string[]> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "sshmount-completion-"));
    try {
      const script = path.join(dir, "sshmount.bash");
      await fs.writeFile(script, completionScript("bash", VERBS));
      const hosts = JSON.stringify([{ alias: "web", hostName: "web.example", user: "me" }], null, 2);
      const mounts = JSON.stringify([{ name: "notes", smb: { url: "smb://x/notes", user: "sshmount" } }], null, 2);
      await fs.writeFile(path.join(dir, "hosts.json"), `${hosts}\n`);
      await fs.writeFile(path.join(dir, "list.json"), `${mounts}\n`);
      const program = [
        `source ${script}`,
        "complete -p sshmount",
        `sshmount() { cat "${dir}/$1.json"; }`,
        `COMP_WORDS=(${words.map((word) => `'${word}'`).join(" ")}); COMP_CWORD=${words.length - 1}`,
        "_sshmount",
        'printf "%s\\n" "${COMPREPLY[@]}"',
      ].join("\n");
      const { stdout } = await execFileAsync("bash", ["--norc", "--noprofile", "-c", program]);
      const [registered, ...replies] = stdout.trim().split("\n");
      expect(registered).toBe("complete -F _sshmount sshmount");
      return replies.filter(Boolean);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  it("bash completes verbs, each verb's flags, --connect's values, host aliases and mount names", async () => {
    expect(await bashCompletes(["sshmount", ""])).toEqual([...VERBS.map((verb) => verb.name), "--help", "--version"]);
    expect(await bashCompletes(["sshmount", "re"])).toEqual(["remount"]);
    expect(await bashCompletes(["sshmount", "unmount", "--"])).toEqual(["--all", "--json", "--help"]);
    expect(await bashCompletes(["sshmount", "mount", "web", "--connect", ""])).toEqual(["auto", "bridge", "localhost"]);
    expect(await bashCompletes(["sshmount", "mount", "--name", "x", ""])).toEqual(["web"]);
    expect(await bashCompletes(["sshmount", "mount", "web", ""])).toEqual([]);
    expect(await bashCompletes(["sshmount", "logs", "n"])).toEqual(["notes"]);
    expect(await bashCompletes(["sshmount", "completion", ""])).toEqual(["bash", "zsh", "fish"]);
  });

  it.each([
    ["zsh", ["-n"]],
    ["fish", ["--no-execute"]],
  ])("the %s script parses", async (shell, check) => {
    const available = await execFileAsync(shell, ["--version"]).then(
      () => true,
      () => false,
    );
    // CI installs both shells (.ci/run), so there a missing one fails; a developer without fish gets a note.
    if (!available && process.env.CI)
      throw new Error(`${shell} is not installed: .ci/run installs it (apt-get install ${shell})`);
    if (!available) {
      process.stderr.write(`cli.test: ${shell} is not installed: its completion script's syntax is NOT checked\n`);
      return;
    }
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "sshmount-completion-"));
    try {
      const script = path.join(dir, `_sshmount.${shell}`);
      await fs.writeFile(script, completionScript(shell as "zsh" | "fish", VERBS));
      await expect(execFileAsync(shell, [...check, script])).resolves.toBeDefined();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it("every verb and flag of the table is in every script", () => {
    for (const shell of ["bash", "zsh", "fish"] as const) {
      const script = completionScript(shell, VERBS);
      for (const verb of VERBS) expect(script).toContain(verb.name);
      for (const flag of FLAGS) expect(script).toMatch(new RegExp(`(--|-l )${flag.name}\\b`));
    }
  });
});

describe("progressPrinter", () => {
  it("at ready prints what the verb does next when it goes on (open: Finder), once", () => {
    let stderr = "";
    const print = progressPrinter({ stderr: (text) => (stderr += text) }, "Opening Finder");
    print({ step: "connecting", message: "Connecting to web" });
    print({ step: "ready", message: "Mounted" });
    expect(stderr).toBe("Connecting to web…\nOpening Finder…\n");
  });

  it("prints each message once and each build step once, from the numbers; never the ready event", () => {
    let stderr = "";
    const print = progressPrinter({ stderr: (text) => (stderr += text) });
    const building = "Building the container image (first run only)";
    print({ step: "docker", message: "Checking Docker" });
    print({ step: "image", message: building });
    print({ step: "image", message: building, build: { current: 1, total: 3 } });
    print({ step: "image", message: building, build: { current: 1, total: 3 } });
    print({ step: "image", message: building, build: { current: 2, total: 3 } });
    print({ step: "image", message: building, build: { current: 3, total: 3 } });
    print({
      step: "image",
      message: "Building the demo server image (first run only)",
      build: { current: 3, total: 3 },
    });
    print({ step: "network", message: "Preparing the network" });
    print({ step: "connecting", message: "Connecting to web" });
    print({ step: "ready", message: "Mounted" });
    expect(stderr).toBe(
      [
        "Checking Docker…",
        `${building}…`,
        "  Step 1/3",
        "  Step 2/3",
        "  Step 3/3",
        "Building the demo server image (first run only)…",
        "  Step 3/3",
        "Preparing the network…",
        "Connecting to web…",
        "",
      ].join("\n"),
    );
  });
});
