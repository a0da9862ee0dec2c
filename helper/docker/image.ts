import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type Docker from "dockerode";
import { SshmountError } from "../errors";

const IMAGE_LABEL = "sshmount.image";

/** Every file of a build context, relative and sorted, so the hash does not depend on directory order. */
export async function contextFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .sort();
}

/** A hash of names, exec bits and contents: any edit gives a new tag, an unchanged tree the same one. */
export async function contextHash(dir: string): Promise<string> {
  const hash = createHash("sha256");
  for (const file of await contextFiles(dir)) {
    const full = path.join(dir, file);
    const stat = await fs.stat(full);
    hash.update(`${file}\0${stat.mode & 0o111 ? "x" : "-"}\0`);
    hash.update(await fs.readFile(full));
    hash.update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/** Where a build is: instruction `current` of the Dockerfile's `total`. */
export interface BuildStep {
  current: number;
  total: number;
}

export interface BuildProgress {
  /** One line of build output, e.g. "Step 3/9 : RUN apt-get …". */
  line: string;
  /** The step the build is at since its latest "Step n/m" line; absent before the first. */
  build?: BuildStep;
}

/**
 * Docker's legacy builder opens each Dockerfile instruction with "Step 3/9 : RUN …". That builder is the
 * one here: dockerode's buildImage asks for BuildKit only with version "2", which we never pass, and
 * BuildKit's progress would arrive as protobuf `aux` events instead, which this does not read.
 */
export function buildStepOf(line: string): BuildStep | undefined {
  const match = /^Step (\d{1,4})\/(\d{1,4}) : /.exec(line);
  if (!match) return undefined;
  const [current, total] = [Number(match[1]), Number(match[2])];
  return current >= 1 && current <= total ? { current, total } : undefined;
}

interface EnsureImageOptions {
  dir: string;
  repository: string;
  onProgress?: (progress: BuildProgress) => void;
  /** Aborting closes the build's connection, which makes the engine stop the build. */
  signal?: AbortSignal;
}

interface ImageResult {
  tag: string;
  built: boolean;
}

interface BuildEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

async function imageExists(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch {
    return false;
  }
}

function followBuild(docker: Docker, stream: NodeJS.ReadableStream, onLine: (line: string) => void): Promise<void> {
  const tail: string[] = [];
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, events: BuildEvent[]) => {
        const failed = error?.message ?? events.find((event) => event.error)?.error;
        if (failed) {
          reject(
            new SshmountError("image-build-failed", "Building the sshmount container image failed", {
              detail: [...tail.slice(-5), failed].join("\n"),
            }),
          );
        } else {
          resolve();
        }
      },
      (event: BuildEvent) => {
        const line = (event.stream ?? event.status ?? "").trim();
        if (!line) return;
        tail.push(line);
        if (tail.length > 20) tail.shift();
        onLine(line);
      },
    );
  });
}

/** Builds the image for a context directory unless an image for exactly this content already exists. */
export async function ensureImage(docker: Docker, options: EnsureImageOptions): Promise<ImageResult> {
  const tag = `${options.repository}:${await contextHash(options.dir)}`;
  if (await imageExists(docker, tag)) return { tag, built: false };
  const stream = await docker.buildImage(
    { context: options.dir, src: await contextFiles(options.dir) },
    { t: tag, labels: { [IMAGE_LABEL]: options.repository }, rm: true, forcerm: true, abortSignal: options.signal },
  );
  let build: BuildStep | undefined;
  try {
    await followBuild(docker, stream, (line) => {
      build = buildStepOf(line) ?? build;
      options.onProgress?.({ line, ...(build ? { build } : {}) });
    });
  } finally {
    // An aborted build's stream fails with "aborted" (or merely closes): the abort is what happened.
    options.signal?.throwIfAborted();
  }
  await removeStaleImages(docker, options.repository, tag);
  return { tag, built: true };
}

/** Images of earlier contexts are dead weight once a new one exists; one still used by a container stays. */
async function removeStaleImages(docker: Docker, repository: string, keep: string): Promise<void> {
  const images = await docker.listImages({ filters: { label: [`${IMAGE_LABEL}=${repository}`] } });
  for (const image of images) {
    if ((image.RepoTags ?? []).includes(keep)) continue;
    await docker
      .getImage(image.Id)
      .remove()
      .catch(() => undefined);
  }
}
