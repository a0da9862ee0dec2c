import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { containerLogs, removeContainer } from "../../helper/docker/containers";
import { contextFiles, contextHash, ensureImage } from "../../helper/docker/image";
import { runCommand } from "../../helper/process";
import { createRuntime, mountImageDir } from "../../helper/runtime";
import { repoRoot } from "./harness";

/**
 * Raycast's store builds the extension with a plain `ray build` on the committed tree and ships
 * only the bundle's assets/. The bundle is built here exactly so, or taken from SSHMOUNT_BUNDLE (a bundle
 * directory already built, as .ci/run does), and the extension's image is built from it as Raycast runs it.
 */
let bundle: string;
let ownBundle: string | undefined;
let scratch: { remove: () => Promise<void> } | undefined;

const seconds = (started: number) => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const bundleContext = () => path.join(bundle, "assets", "container");

beforeAll(async () => {
  if (process.env.SSHMOUNT_BUNDLE) {
    bundle = path.resolve(process.env.SSHMOUNT_BUNDLE);
    return;
  }
  ownBundle = await fs.mkdtemp(path.join(os.tmpdir(), "sshmount-bundle-"));
  const started = Date.now();
  const result = await runCommand("npx", ["ray", "build", "-e", "dist", "-o", ownBundle], {
    cwd: repoRoot,
    timeoutMs: 300_000,
  });
  if (result.exitCode !== 0) {
    const output = `${result.stdout}${result.stderr}`.trim().split("\n").slice(-20).join("\n");
    throw new Error(
      `npx ray build -e dist -o ${ownBundle} failed (exit ${result.exitCode}${result.timedOut ? ", timed out" : ""}):\n${output}`,
    );
  }
  process.stderr.write(`e2e: ray build in ${seconds(started)}\n`);
  bundle = ownBundle;
}, 300_000);

afterAll(async () => {
  await scratch?.remove();
  if (ownBundle) await fs.rm(ownBundle, { recursive: true, force: true });
}, 60_000);

interface Copy {
  sources: string[];
  destination: string;
}

/** The COPY and ADD instructions that read the build context (not --from another stage, not a URL). */
function contextCopies(dockerfile: string): Copy[] {
  // Docker drops comment lines before it joins continued lines.
  const lines = dockerfile
    .split(/\r?\n/)
    .filter((line) => !/^\s*#/.test(line))
    .join("\n")
    .replace(/\\\n/g, " ")
    .split("\n");
  const copies: Copy[] = [];
  for (const line of lines) {
    const instruction = /^\s*(?:COPY|ADD)\s+(.*)$/i.exec(line);
    if (!instruction) continue;
    let rest = instruction[1].trim();
    const flags: string[] = [];
    for (let flag = /^(--\S+)\s+/.exec(rest); flag; flag = /^(--\S+)\s+/.exec(rest)) {
      flags.push(flag[1]);
      rest = rest.slice(flag[0].length);
    }
    if (flags.some((flag) => flag.startsWith("--from="))) continue;
    const args: string[] = rest.startsWith("[") ? JSON.parse(rest) : rest.split(/\s+/);
    const sources = args.slice(0, -1).filter((source) => !/^(https?:\/\/|git@)/.test(source));
    copies.push({ sources, destination: args[args.length - 1] });
  }
  return copies;
}

describe("the store's bundle, built by a plain ray build, carries the image", () => {
  it("every file the Dockerfile copies or adds is a real file in the bundle's assets/container", async () => {
    const context = bundleContext();
    const dockerfile = await fs.readFile(path.join(context, "Dockerfile"), "utf8").catch((error: Error) => {
      throw new Error(`The bundle has no image build context: ${error.message}`);
    });
    const sources = contextCopies(dockerfile).flatMap((copy) => copy.sources);
    expect(sources.length).toBeGreaterThan(0);
    const wrong: string[] = [];
    for (const source of sources) {
      const file = path.resolve(context, source);
      const stat = await fs.lstat(file).catch(() => undefined);
      if (!file.startsWith(context + path.sep)) wrong.push(`${source} (outside the context)`);
      else if (!stat) wrong.push(`${source} (missing)`);
      // ray build turns a link inside assets/ into an absolute link to this tree: dangling once shipped.
      else if (stat.isSymbolicLink()) wrong.push(`${source} (a symlink, to ${await fs.readlink(file)})`);
    }
    if (wrong.length > 0) {
      throw new Error(`The bundle's ${context} lacks what its Dockerfile copies: ${wrong.join(", ")}`);
    }
  });

  it("the bundle's context hashes to the same image tag as the tree's", async () => {
    expect(await contextFiles(bundleContext())).toEqual(await contextFiles(mountImageDir()));
    expect(await contextHash(bundleContext())).toBe(await contextHash(mountImageDir()));
  });

  it("the mount's own image build, given Raycast's assetsPath, builds from the bundle an image with sshfs and smbd", async () => {
    const runtime = await createRuntime({ assetsPath: path.join(bundle, "assets") });
    expect(runtime.mountImageDir).toBe(bundleContext());
    // A repository of its own, so the build really runs instead of finding the mount image's tag.
    const repository = `sshmount-bundle-e2e-${randomBytes(3).toString("hex")}`;
    const started = Date.now();
    const image = await ensureImage(runtime.docker, { dir: runtime.mountImageDir, repository });
    scratch = {
      remove: () =>
        runtime.docker
          .getImage(image.tag)
          .remove({ force: true })
          .catch(() => undefined),
    };
    process.stderr.write(`e2e: built ${image.tag} from the bundle in ${seconds(started)}\n`);
    expect(image).toEqual({ tag: `${repository}:${await contextHash(mountImageDir())}`, built: true });

    const dockerfile = await fs.readFile(path.join(bundleContext(), "Dockerfile"), "utf8");
    const destinations = contextCopies(dockerfile).map((copy) => copy.destination);
    const container = await runtime.docker.createContainer({
      Image: image.tag,
      Entrypoint: [
        "sh",
        "-c",
        'for file; do test -e "$file" || { echo "missing $file"; exit 1; }; done; sshfs --version && smbd --version',
        "sh",
        ...destinations,
      ],
      HostConfig: { NetworkMode: "none" },
    });
    try {
      await container.start();
      const { StatusCode } = await container.wait();
      const output = await containerLogs(container);
      expect({ status: StatusCode, output }).toEqual({ status: 0, output: expect.stringMatching(/SSHFS version \d/) });
      expect(output).toMatch(/^Version 4\.\d+/m);
    } finally {
      await removeContainer(container);
    }
  }, 900_000);
});
