import { describe, expect, it } from "@jest/globals";
import { classifySshFailure } from "../../../helper/ssh/classify";
import { describeError } from "../../../helper/words/describe";
import { sshFailures } from "../../fixtures/ssh-failures";

const context = { alias: "web", host: "172.18.0.2", remotePath: "/does/not/exist" };

describe("classifySshFailure", () => {
  it.each(Object.entries(sshFailures))("%s", (_, { lines, kind }) => {
    const error = classifySshFailure(lines, context);
    expect(error.kind).toBe(kind);
    expect(error.facts.detail).not.toMatch(/^read: |@@@/);
    expect(error.facts.detail).not.toBe("");
  });

  it("keeps the lines that carry the reason", () => {
    expect(classifySshFailure(sshFailures["changed host key"].lines, context).facts.detail).toBe(
      "Host key for 172.18.0.2 has changed and you have requested strict checking. Host key verification failed.",
    );
    expect(describeError(classifySshFailure(sshFailures["wrong key"].lines, context)).message).toBe(
      "web refused the login: demo@172.18.0.2: Permission denied (publickey).",
    );
  });

  it("reads a prompt our askpass refused as a second factor, before ssh's own denial", () => {
    // The first line is assets/container/askpass.sh's own; the second is what ssh prints when no method is left.
    const lines = [
      "sshmount-askpass: refused prompt: Verification code: ",
      "demo@172.18.0.2: Permission denied (keyboard-interactive).",
    ];
    const error = classifySshFailure(lines, context);
    expect(error.kind).toBe("auth-interactive");
    expect(describeError(error).hint).toContain("ssh-copy-id web");
  });

  it("calls a key of a type known_hosts has none of a new key type, not a plain change", () => {
    const error = classifySshFailure(
      sshFailures["known_hosts has only an RSA key, the server sends ED25519"].lines,
      context,
    );
    expect(error).toMatchObject({
      kind: "host-key-changed",
      message:
        "web offers an ED25519 host key, a key type it has not used before: your known_hosts has only its RSA key",
    });
    expect(error.facts.hostKey).toBeUndefined();
    expect(classifySshFailure(sshFailures["changed host key"].lines, context).message).toBe(
      "The host key of web has changed",
    );
  });

  it("ignores a banner's words: a line with a carriage return inside is the server's text, not ssh's", () => {
    // What a hostile banner looked like at LogLevel INFO: "Host key verification failed" and, after a
    // carriage return, a forged scan line; then ssh's own denial (its lines end in \r\n, which the
    // entrypoint strips).
    const lines = [
      "Welcome.",
      "Host key verification failed.\rsshmount: hostkey: hop1 bastion.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIForged",
      "demo@172.18.0.2: Permission denied (publickey).",
      "read: Connection reset by peer",
    ];
    const error = classifySshFailure(lines, context);
    expect(error).toMatchObject({ kind: "auth-failed", facts: { authMethods: ["publickey"] } });
    expect(error.facts.detail).not.toContain("hostkey");
  });

  it("reads no host-key or login failure from what follows the login marker: the server wrote that", () => {
    // OpenSSH's sshd drops a subsystem's stderr, but another server may send ssh's words on the SFTP
    // session's stderr and end it; sshfs then reads EOF.
    const forced = [
      "logged in",
      "Host key verification failed.",
      "Permission denied (publickey).",
      "read: Connection reset by peer",
    ];
    const error = classifySshFailure(forced, context);
    expect(error.kind).toBe("host-unreachable");
    expect(error.facts.authMethods).toBeUndefined();
    // A second marker from the server moves nothing: the first one counts.
    expect(classifySshFailure(["logged in", "Host key verification failed.", "logged in"], context).kind).toBe(
      "mount-failed",
    );
    // Before the marker ssh's own lines still decide, and what follows it still names a missing folder.
    expect(classifySshFailure(["Host key verification failed.", "logged in"], context).kind).toBe("host-key-unknown");
    expect(
      classifySshFailure(["logged in", "target:/does/not/exist: No such file or directory"], context),
    ).toMatchObject({ kind: "path-missing", facts: { detail: "target:/does/not/exist: No such file or directory" } });
  });

  it("uses the entrypoint's summary when ssh said nothing", () => {
    const paused = classifySshFailure([], context, "no answer from the server within 25s");
    expect(paused).toMatchObject({ kind: "timeout", facts: { detail: "no answer from the server within 25s" } });
    const invalid = classifySshFailure([], context, "SSHMOUNT_SHARE 'global' is reserved by Samba");
    expect(invalid).toMatchObject({
      kind: "mount-failed",
      facts: { detail: "SSHMOUNT_SHARE 'global' is reserved by Samba" },
    });
  });
});
