import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "@jest/globals";
import { contextFiles, contextHash } from "../../../helper/docker/image";

describe("contextHash", () => {
  it("changes with any edit, exec bit or new file, and not otherwise", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "sshmount-ctx-"));
    await fs.mkdir(path.join(dir, "sub"));
    await fs.writeFile(path.join(dir, "Dockerfile"), "FROM debian:bookworm-slim\n");
    await fs.writeFile(path.join(dir, "sub", "entrypoint.sh"), "echo hi\n");
    expect(await contextFiles(dir)).toEqual(["Dockerfile", "sub/entrypoint.sh"]);
    const first = await contextHash(dir);
    expect(await contextHash(dir)).toBe(first);

    await fs.chmod(path.join(dir, "sub", "entrypoint.sh"), 0o755);
    const executable = await contextHash(dir);
    expect(executable).not.toBe(first);

    await fs.writeFile(path.join(dir, "sub", "entrypoint.sh"), "echo hello\n");
    const edited = await contextHash(dir);
    expect(edited).not.toBe(executable);

    await fs.writeFile(path.join(dir, "extra"), "");
    expect(await contextHash(dir)).not.toBe(edited);
    await fs.rm(dir, { recursive: true });
  });
});
