import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "@jest/globals";
import { createTar, readTar } from "../../../helper/docker/archive";

describe("createTar", () => {
  it("writes an archive GNU tar reads with the modes and owners we set", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "sshmount-tar-"));
    const file = path.join(dir, "a.tar");
    const big = "x".repeat(1500);
    await fs.writeFile(
      file,
      createTar([
        { path: "sshmount/", mode: 0o700 },
        { path: "sshmount/secret", mode: 0o600, content: "s3cret" },
        { path: "sshmount/big", mode: 0o644, content: big, uid: 1000, gid: 1000 },
      ]),
    );
    const listing = execFileSync("tar", ["-tvf", file, "--numeric-owner"], { encoding: "utf8" });
    expect(listing).toMatch(/^drwx------ 0\/0 .* sshmount\/$/m);
    expect(listing).toMatch(/^-rw------- 0\/0 +6 .* sshmount\/secret$/m);
    expect(listing).toMatch(/^-rw-r--r-- 1000\/1000 +1500 .* sshmount\/big$/m);
    expect(execFileSync("tar", ["-xOf", file, "sshmount/big"], { encoding: "utf8" })).toBe(big);
    await fs.rm(dir, { recursive: true });
  });

  it("round-trips through readTar", () => {
    const files = readTar(
      createTar([
        { path: "smb_password", mode: 0o600, content: "pw" },
        { path: "d/", mode: 0o700 },
      ]),
    );
    expect([...files.keys()]).toEqual(["smb_password"]);
    expect(files.get("smb_password")?.toString()).toBe("pw");
  });

  it("refuses names ustar cannot hold", () => {
    expect(() => createTar([{ path: "x".repeat(101), mode: 0o600, content: "" }])).toThrow(/too long/);
  });
});
