import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "@jest/globals";
import {
  ARCHIVE_ROOT,
  INPUT,
  INPUT_DIR,
  inputEntry,
  inputPath,
  LOGGED_IN_MARKER,
  mountEnv,
  SCAN_RESULT_FILE,
  scanEnv,
  SMB_PORT,
  SMB_PORT_KEY,
  SSH_SETTINGS,
  TARGET_HOST,
} from "../../../helper/container/contract";
import { buildInputFiles } from "../../../helper/mount/inputs";
import { runCommand } from "../../../helper/process";
import { renderContainerSshConfig } from "../../../helper/ssh/container-config";
import { hostOptions } from "../../fixtures/host-options";
import { useTempDir } from "../../temp-dir";

const imageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../assets/container");
const read = (file: string) => fs.readFile(path.join(imageDir, file), "utf8");
/** A file of the image without its comment lines: what it runs or renders, not what it says. */
const code = async (file: string) =>
  (await read(file))
    .split("\n")
    .filter((line) => !/^\s*#/.test(line))
    .join("\n");
const namesIn = (text: string) => new Set(text.match(/\bSSHMOUNT_[A-Z_]+/g) ?? []);
const namesOf = (env: string[]) => new Set(env.map((entry) => entry.slice(0, entry.indexOf("="))));

const env = mountEnv({ share: "web", remotePath: "", product: "linux", agent: false, metadata: "mac" });
/** The environment as the helper gives it, with the container's /etc moved to `root`. */
const movedTo = (root: string, entries: string[]) =>
  Object.fromEntries([
    ["PATH", process.env.PATH ?? ""],
    ["TMPDIR", root],
    ...entries.map((entry) => {
      const [name, ...value] = entry.split("=");
      return [name, value.join("=").replace(ARCHIVE_ROOT, root)];
    }),
  ]);

describe("the container contract, as the image's scripts read it", () => {
  const dir = useTempDir("contract");

  it("names every variable the scripts read in the environment the helper sets, and sets none they ignore", async () => {
    const mountSide = new Set(
      [...(await Promise.all(["entrypoint.sh", "askpass.sh", "healthcheck.sh"].map(code)))].flatMap((text) => [
        ...namesIn(text),
      ]),
    );
    const scanSide = namesIn(await code("hostkey-scan.sh"));
    expect([...namesOf(env)].filter((name) => name.startsWith("SSHMOUNT_")).sort()).toEqual([...mountSide].sort());
    expect([...namesOf(scanEnv())].sort()).toEqual([...scanSide].sort());
    expect(mountEnv({ share: "web", remotePath: "", product: "linux", agent: true, metadata: "mac" })).toContain(
      "SSH_AUTH_SOCK=/run/sshmount/agent.sock",
    );
  });

  it("leaves the scripts no copy of a value the helper owns", async () => {
    for (const file of ["entrypoint.sh", "askpass.sh", "healthcheck.sh", "hostkey-scan.sh", "smb.conf.template"]) {
      const text = await code(file);
      for (const value of [INPUT_DIR, SCAN_RESULT_FILE, String(SMB_PORT), `'${LOGGED_IN_MARKER}'`, `${TARGET_HOST}:`]) {
        expect({ file, copy: text.includes(value) ? value : undefined }).toEqual({ file, copy: undefined });
      }
    }
    expect(await code("Dockerfile")).not.toContain(String(SMB_PORT));
    expect(SMB_PORT_KEY).toBe(`${SMB_PORT}/tcp`);
  });

  it("gives ssh its keep-alive and ciphers once: in the ssh config, which sshfs runs ssh with", async () => {
    const options = /^readonly sshfs_opts=(\S+)$/m.exec(await read("entrypoint.sh"))?.[1].split(",") ?? [];
    expect(options).toContain("reconnect");
    const set = options.map((option) => option.split("=")[0].toLowerCase());
    for (const option of Object.keys(SSH_SETTINGS)) expect(set).not.toContain(option.toLowerCase());
    const config = renderContainerSshConfig([], { password: false });
    for (const [option, value] of Object.entries(SSH_SETTINGS)) expect(config).toContain(`\n  ${option} ${value}\n`);
    expect(await read("entrypoint.sh")).toMatch(/sshfs -f -F "\$etc\/ssh_config"/);
  });

  it("has the entrypoint look for the inputs where the helper puts them, under the names it gives them", async () => {
    const root = dir();
    const entrypoint = path.join(imageDir, "entrypoint.sh");
    const run = () => runCommand("bash", [entrypoint], { env: movedTo(root, env) });
    await fs.mkdir(path.join(root, inputEntry("")), { recursive: true });
    expect(await run()).toMatchObject({
      exitCode: 2,
      stdout: `sshmount: error: missing ${path.join(root, inputEntry(INPUT.sshConfig))}\n`,
    });
    await fs.writeFile(path.join(root, inputEntry(INPUT.sshConfig)), "Host target\n");
    expect(await run()).toMatchObject({
      exitCode: 2,
      stdout: `sshmount: error: missing ${path.join(root, inputEntry(INPUT.smbPassword))}\n`,
    });
    expect(path.join(root, inputEntry(INPUT.smbPassword))).toBe(
      inputPath(INPUT.smbPassword).replace(ARCHIVE_ROOT, root),
    );
  });

  it("has the entrypoint refuse to start without the helper's environment", async () => {
    const entrypoint = path.join(imageDir, "entrypoint.sh");
    for (const name of ["SSHMOUNT_INPUT_DIR", "SSHMOUNT_SMB_PORT", "SSHMOUNT_SSH_HOST", "SSHMOUNT_LOGGED_IN"]) {
      const partial = env.filter((entry) => !entry.startsWith(`${name}=`));
      const result = await runCommand("bash", [entrypoint], { env: movedTo(dir(), partial) });
      expect(result.exitCode).toBe(2);
      expect(result.stdout).toContain(name);
    }
  });

  it("has askpass answer from the password files the helper writes", async () => {
    const root = path.join(dir(), "askpass");
    const target = hostOptions({ user: "ann" });
    const inputs = await buildInputFiles({ target, chain: [] }, [], "smb-secret", { sshPassword: "s3cret" });
    for (const entry of inputs.entries) {
      const file = path.join(root, entry.path);
      if (entry.content === undefined) await fs.mkdir(file, { recursive: true });
      else await fs.writeFile(file, entry.content);
    }
    const askpass = (prompt: string) =>
      runCommand("bash", [path.join(imageDir, "askpass.sh"), prompt], { env: movedTo(root, env) });
    expect(await askpass("ann@web.example's password: ")).toMatchObject({ exitCode: 0, stdout: "s3cret" });
    expect(await askpass("Verification code: ")).toMatchObject({ exitCode: 1, stdout: "" });
  });

  it("has the host-key scan read its inputs and write its result where the helper looks", async () => {
    const root = path.join(dir(), "scan");
    await fs.mkdir(path.join(root, inputEntry("")), { recursive: true });
    await fs.mkdir(path.join(root, path.dirname(SCAN_RESULT_FILE)), { recursive: true });
    const result = await runCommand("bash", [path.join(imageDir, "hostkey-scan.sh")], {
      env: { ...movedTo(root, scanEnv()), SSHMOUNT_SCAN_RESULT: path.join(root, SCAN_RESULT_FILE) },
    });
    expect(result).toMatchObject({
      exitCode: 1,
      stdout: "sshmount: error: every host key of the connection is already known\n",
    });
    expect(await fs.readFile(path.join(root, SCAN_RESULT_FILE), "utf8")).toBe("");
  });

  it("keeps resource forks where SSHMOUNT_METADATA says: in the container (mac, or unset) or in ._ files (server)", async () => {
    const entrypoint = await read("entrypoint.sh");
    const choice = /^case \$\{SSHMOUNT_METADATA[^\n]*\n(?:.*\n)*?esac$/m.exec(entrypoint)?.[0] ?? "";
    const render = /^sed -e "s\/@SHARE@\/.*$/m.exec(entrypoint)?.[0] ?? "";
    const rendered = async (metadata: string | undefined) => {
      const out = path.join(dir(), `smb-${metadata ?? "unset"}.conf`);
      const script = `invalid() { echo "$*"; exit 2; }\nshare=web allow=127.0.0.1 smb_port=${SMB_PORT}\n${choice}\n${render
        .replace(
          "/usr/local/share/sshmount/smb.conf.template",
          JSON.stringify(path.join(imageDir, "smb.conf.template")),
        )
        .replace("/etc/samba/smb.conf", JSON.stringify(out))}`;
      const env = { PATH: process.env.PATH ?? "", ...(metadata === undefined ? {} : { SSHMOUNT_METADATA: metadata }) };
      const result = await runCommand("bash", ["-c", script], { env });
      if (result.exitCode !== 0) return `exit ${result.exitCode}: ${result.stdout.trim()}`;
      return /^\s*fruit:resource = (\S+)$/m.exec(await fs.readFile(out, "utf8"))?.[1];
    };
    expect(await rendered("mac")).toBe("stream");
    expect(await rendered(undefined)).toBe("stream");
    expect(await rendered("server")).toBe("file");
    expect(await rendered("cloud")).toBe("exit 2: SSHMOUNT_METADATA must be mac or server, got 'cloud'");
  });

  it("has smbd serve the port the helper publishes", async () => {
    const render = /^sed -e "s\/@SHARE@\/.*$/m.exec(await read("entrypoint.sh"))?.[0] ?? "";
    expect(render).toContain("@PORT@");
    const out = path.join(dir(), "smb.conf");
    const script = `share=web allow=127.0.0.1 smb_port=${SMB_PORT}\n${render
      .replace("/usr/local/share/sshmount/smb.conf.template", JSON.stringify(path.join(imageDir, "smb.conf.template")))
      .replace("/etc/samba/smb.conf", JSON.stringify(out))}`;
    expect((await runCommand("bash", ["-c", script], { env: { PATH: process.env.PATH } })).exitCode).toBe(0);
    expect(await fs.readFile(out, "utf8")).toMatch(new RegExp(`^\\s*smb ports = ${SMB_PORT}$`, "m"));
  });
});
