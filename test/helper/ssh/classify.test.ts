import { describe, expect, it } from "@jest/globals";
import { classifySshFailure } from "../../../helper/ssh/classify";
import { describeError } from "../../../helper/errors";
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
    // The first line is container/askpass.sh's own; the second is what ssh prints when no method is left.
    const lines = [
      "sshmount-askpass: refused prompt: Verification code: ",
      "demo@172.18.0.2: Permission denied (keyboard-interactive).",
    ];
    const error = classifySshFailure(lines, context);
    expect(error.kind).toBe("auth-interactive");
    expect(describeError(error).hint).toContain("ssh-copy-id web");
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
