import fs from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "@jest/globals";
import { buildInputFiles, type Credentials } from "../../../helper/mount/inputs";
import { runCommand } from "../../../helper/process";
import type { SshHostOptions } from "../../../helper/ssh/options";
import { hostOptions } from "../../fixtures/host-options";
import { useTempDir } from "../../temp-dir";

const agentSocket = "/tmp/ssh-XXXX/agent.1";

/** Keys made by the real ssh-keygen in a fake ~/.ssh, named as ssh -G lists the defaults. */
describe("buildInputFiles copies only what ssh would offer", () => {
  const tempDir = useTempDir("inputs");
  const file = (name: string) => path.join(tempDir(), name);
  const keygen = async (args: string[]) => expect((await runCommand("ssh-keygen", ["-q", ...args])).exitCode).toBe(0);

  beforeAll(async () => {
    await keygen(["-t", "ed25519", "-N", "", "-f", file("id_ed25519")]);
    await keygen(["-t", "ed25519", "-N", "", "-f", file("ca")]);
    await keygen(["-s", file("ca"), "-I", "laptop", "-n", "u", file("id_ed25519.pub")]);
    await keygen(["-t", "ed25519", "-N", "a passphrase", "-f", file("locked")]);
    await keygen(["-t", "ed25519", "-N", "", "-f", file("plain")]);
    // Files an IdentityFile may name that are no keys: a typo'd path to notes, a -cert.pub that is not one.
    await fs.writeFile(file("id_ecdsa"), "remember the milk\n");
    await fs.writeFile(file("plain-cert.pub"), "not a certificate\n");
  });

  /** What the container gets for one target host: the key files' names and contents, the ssh config. */
  async function inputsFor(overrides: Partial<SshHostOptions>, credentials: Credentials = {}) {
    const target = hostOptions(overrides);
    const inputs = await buildInputFiles({ target, chain: [] }, [], "smb", credentials);
    const keys = inputs.entries.filter((entry) => entry.path.startsWith("sshmount/keys/") && entry.content);
    const config = inputs.entries.find((entry) => entry.path === "sshmount/ssh_config")?.content?.toString() ?? "";
    return {
      agent: inputs.agent,
      keys: Object.fromEntries(keys.map((entry) => [entry.path.slice("sshmount/keys/".length), String(entry.content)])),
      identityLines: config.split("\n").filter((line) => /^ {2}Identit/.test(line)),
    };
  }

  const read = (name: string) => fs.readFile(file(name), "utf8");
  const defaults = () => ["id_rsa", "id_ecdsa", "id_ecdsa_sk", "id_ed25519", "id_ed25519_sk"].map(file);

  it("of OpenSSH's default identity list, only the files that exist and are private keys, with real certificates", async () => {
    const inputs = await inputsFor({ identityFiles: defaults() });
    expect(inputs.keys).toEqual({
      target_0: await read("id_ed25519"),
      "target_0-cert.pub": await read("id_ed25519-cert.pub"),
    });
    expect(inputs.identityLines).toEqual([
      "  IdentityFile /etc/sshmount/keys/target_0",
      "  IdentitiesOnly yes",
      "  IdentityAgent none",
    ]);
    expect(inputs.agent).toBe(false);
  });

  it("never a file beside a key that only claims to be its certificate", async () => {
    expect((await inputsFor({ identityFiles: [file("plain")] })).keys).toEqual({ target_0: await read("plain") });
  });

  it("with IdentitiesOnly and a key of its own, the host does not sign with the agent", async () => {
    const inputs = await inputsFor({ identityFiles: [file("plain")], identitiesOnly: true }, { agent: agentSocket });
    expect(inputs).toMatchObject({ agent: false, keys: { target_0: await read("plain") } });
    expect(inputs.identityLines).toContain("  IdentityAgent none");
  });

  it("without IdentitiesOnly, ssh offers the agent's keys and then the files: both go in", async () => {
    const inputs = await inputsFor({ identityFiles: defaults() }, { agent: agentSocket });
    expect(inputs.agent).toBe(true);
    expect(Object.keys(inputs.keys)).toEqual(["target_0", "target_0-cert.pub"]);
    expect(inputs.identityLines).toEqual(
      expect.arrayContaining(["  IdentitiesOnly no", "  IdentityAgent /run/sshmount/agent.sock"]),
    );
  });

  it.each([
    ["none", false],
    ["/Users/ann/.1password/agent.sock", false],
    ["SSH_AUTH_SOCK", true],
    ["$SSH_AUTH_SOCK", true],
    [agentSocket, true],
  ])("IdentityAgent %s: the forwarded agent is used → %s", async (identityAgent, used) => {
    expect((await inputsFor({ identityFiles: defaults(), identityAgent }, { agent: agentSocket })).agent).toBe(used);
  });

  it("with IdentitiesOnly, a locked key goes in as its public half, so ssh picks it from the agent", async () => {
    const inputs = await inputsFor({ identityFiles: [file("locked")], identitiesOnly: true }, { agent: agentSocket });
    expect(inputs.agent).toBe(true);
    expect(inputs.keys).toEqual({ "target_0.pub": await read("locked.pub") });
    expect(inputs.identityLines).toEqual([
      "  IdentityFile /etc/sshmount/keys/target_0",
      "  IdentitiesOnly yes",
      "  IdentityAgent /run/sshmount/agent.sock",
    ]);
  });

  it("an IdentityFile naming a public key selects that agent key, and nothing without an agent", async () => {
    const publicOnly = { identityFiles: [file("plain.pub")], identitiesOnly: true };
    expect(await inputsFor(publicOnly, { agent: agentSocket })).toMatchObject({
      agent: true,
      keys: { "target_0.pub": await read("plain.pub") },
    });
    expect(await inputsFor(publicOnly)).toMatchObject({ agent: false, keys: {} });
  });

  it("a locked key without an agent that ssh would use is refused", async () => {
    const locked = { identityFiles: [file("locked")], identitiesOnly: true };
    await expect(inputsFor(locked)).rejects.toMatchObject({ kind: "key-encrypted", facts: { file: file("locked") } });
    await expect(inputsFor({ ...locked, identityAgent: "none" }, { agent: agentSocket })).rejects.toMatchObject({
      kind: "key-encrypted",
    });
  });
});
