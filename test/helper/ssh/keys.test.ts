import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "@jest/globals";
import { runCommand } from "../../../helper/process";
import { isEncryptedPrivateKey } from "../../../helper/ssh/keys";
import { useTempDir } from "../../temp-dir";

describe("isEncryptedPrivateKey on keys made by the real ssh-keygen", () => {
  const tempDir = useTempDir("keys");

  it.each([
    ["ed25519", [], false],
    ["ed25519", ["-N", "secret phrase"], true],
    ["ecdsa", ["-N", "secret"], true],
    ["rsa-pem", ["-m", "PEM"], false],
    ["rsa-pem", ["-m", "PEM", "-N", "secret"], true],
    ["rsa-pkcs8", ["-m", "PKCS8", "-N", "secret"], true],
  ])("%s %j → %s", async (kind, extra, encrypted) => {
    const file = path.join(tempDir(), `${kind}-${encrypted}-${extra.length}`);
    const type = kind.startsWith("rsa") ? ["-t", "rsa", "-b", "2048"] : ["-t", kind];
    const args = ["-q", ...type, ...(extra.includes("-N") ? [] : ["-N", ""]), ...extra, "-f", file];
    const made = await runCommand("ssh-keygen", args);
    expect(made.exitCode).toBe(0);
    expect(isEncryptedPrivateKey(await fs.readFile(file, "latin1"))).toBe(encrypted);
  });

  it("does not call a public key or garbage encrypted", () => {
    expect(isEncryptedPrivateKey("ssh-ed25519 AAAA comment")).toBe(false);
    expect(isEncryptedPrivateKey("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----")).toBe(
      false,
    );
  });
});
