import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "@jest/globals";
import type Docker from "dockerode";
import { buildStepOf, contextFiles, contextHash, ensureImage, type BuildProgress } from "../../../helper/docker/image";

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

describe("buildStepOf", () => {
  // Docker's legacy builder as POST /build streams it, trimmed as followBuild does. FROM, LABEL and the
  // "--->", "Removing", "Successfully" lines are as Docker Engine 20.10.24 here sent them (the ensureImage
  // test's Dockerfile); the RUN apt-get and ENV steps are the same shape with other numbers (ENV's was
  // 3/3), the "Get:1" line what apt-get prints inside a RUN; the last four are near misses.
  it.each([
    ["Step 1/3 : FROM debian:bookworm-slim", { current: 1, total: 3 }],
    ["Step 3/3 : LABEL sshmount.image=sshmount-test", { current: 3, total: 3 }],
    [
      "Step 3/9 : RUN apt-get update && apt-get install -y --no-install-recommends sshfs samba",
      { current: 3, total: 9 },
    ],
    ["Step 12/12 : ENV A=b", { current: 12, total: 12 }],
  ])("%s", (line, step) => {
    expect(buildStepOf(line)).toEqual(step);
  });

  it.each([
    "---> Running in 410172e259ee",
    "Removing intermediate container 410172e259ee",
    "---> 799c70743b48",
    "Successfully built ad1b60d0a7ce",
    "Successfully tagged sshmount-test:0123456789abcdef",
    "Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]",
    "echo Step 3/9 : RUN",
    "Step 10/9 : RUN x",
    "Step 0/9 : RUN x",
    "Step 3/9: RUN x",
  ])("%s is no step", (line) => {
    expect(buildStepOf(line)).toBeUndefined();
  });
});

describe("ensureImage", () => {
  it("reports each line with the step the build is at since the latest Step line", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "sshmount-ctx-"));
    await fs.writeFile(path.join(dir, "Dockerfile"), "FROM debian:bookworm-slim\nRUN true\n");
    // The events Docker Engine 20.10.24 here sent dockerode's followProgress for this Dockerfile, built
    // with ensureImage's options: the engine counts the image's labels as a step of their own.
    const events = [
      { stream: "Step 1/3 : FROM debian:bookworm-slim" },
      { stream: "\n" },
      { stream: " ---> 799c70743b48\n" },
      { stream: "Step 2/3 : RUN true" },
      { stream: "\n" },
      { stream: " ---> Running in ed7b3abedd9a\n" },
      { stream: "Removing intermediate container ed7b3abedd9a\n" },
      { stream: " ---> 1719b0bc9efb\n" },
      { stream: "Step 3/3 : LABEL sshmount.image=sshmount-test" },
      { stream: "\n" },
      { stream: " ---> Running in 5cc35021adc7\n" },
      { stream: "Removing intermediate container 5cc35021adc7\n" },
      { stream: " ---> 78070e961ecf\n" },
      { aux: { ID: "sha256:78070e961ecfcfb1e13f1595080641ea6ee572968aa9a9ba9d91e717f70c3253" } },
      { stream: "Successfully built 78070e961ecf\n" },
      { stream: "Successfully tagged sshmount-test:0123456789abcdef\n" },
    ];
    const docker = {
      getImage: () => ({ inspect: () => Promise.reject(new Error("no such image")) }),
      buildImage: async () => Readable.from([]),
      listImages: async () => [],
      modem: {
        followProgress: (
          _stream: unknown,
          done: (error: Error | null, all: object[]) => void,
          each: (event: object) => void,
        ) => {
          events.forEach(each);
          done(null, events);
        },
      },
    } as unknown as Docker;
    const seen: BuildProgress[] = [];
    await expect(
      ensureImage(docker, { dir, repository: "sshmount-test", onProgress: (progress) => seen.push(progress) }),
    ).resolves.toMatchObject({ built: true });
    const [one, two, three] = [1, 2, 3].map((current) => ({ current, total: 3 }));
    expect(seen).toEqual([
      { line: "Step 1/3 : FROM debian:bookworm-slim", build: one },
      { line: "---> 799c70743b48", build: one },
      { line: "Step 2/3 : RUN true", build: two },
      { line: "---> Running in ed7b3abedd9a", build: two },
      { line: "Removing intermediate container ed7b3abedd9a", build: two },
      { line: "---> 1719b0bc9efb", build: two },
      { line: "Step 3/3 : LABEL sshmount.image=sshmount-test", build: three },
      { line: "---> Running in 5cc35021adc7", build: three },
      { line: "Removing intermediate container 5cc35021adc7", build: three },
      { line: "---> 78070e961ecf", build: three },
      { line: "Successfully built 78070e961ecf", build: three },
      { line: "Successfully tagged sshmount-test:0123456789abcdef", build: three },
    ]);
    await fs.rm(dir, { recursive: true });
  });
});
