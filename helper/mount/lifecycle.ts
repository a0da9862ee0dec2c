/** Starting a mount container that exists, and waiting until it serves or says why it cannot. */
import { setTimeout as sleep } from "node:timers/promises";
import type Docker from "dockerode";
import { containerLogs } from "../docker/containers";
import { engineAcceptsConnections } from "../docker/engine";
import { SshmountError } from "../errors";
import type { Runtime } from "../runtime";
import { classifySshFailure } from "../ssh/classify";
import type { SshHostOptions } from "../ssh/options";
import { cancelled, checkAborted, StoppedOnAbort } from "./cancel";
import { displayRemotePath } from "./naming";
import { latestRun, parseLog, runCount, statusFrom } from "./status";
import type { MountOptions } from "./types";

/**
 * Waits until start number `run` of the container says "ready" (earlier starts' lines stay in the log),
 * or turns its exit into the typed error its ssh output describes.
 */
export async function waitReady(
  runtime: Runtime,
  container: Docker.Container,
  run: number,
  host: SshHostOptions,
  remotePath: string,
  options: MountOptions,
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  const context = { alias: host.alias, host: host.hostName, remotePath: displayRemotePath(remotePath) };
  for (;;) {
    checkAborted(options.signal);
    const state = (await container.inspect()).State;
    const events = parseLog(await containerLogs(container));
    const current = runCount(events) >= run ? latestRun(events) : [];
    if (state.Running && statusFrom(state, current) === "ready") return;
    if (!state.Running && !state.Restarting) {
      if (current.at(-1)?.type === "stopped") throw await stoppedMidMount(runtime, host.alias);
      const sshLines = current.flatMap((event) => (event.type === "ssh" ? [event.text] : []));
      // Invalid input makes the entrypoint exit before it prints "connecting", so look past the run.
      const errorLine = [...events].reverse().find((event) => event.type === "error");
      throw classifySshFailure(sshLines, context, errorLine?.type === "error" ? errorLine.text : undefined);
    }
    if (Date.now() > deadline) {
      throw new SshmountError(
        "timeout",
        `${host.alias} did not answer within ${Math.round(timeoutMs / 1000)} s`,
        context,
      );
    }
    // Wakes on abort rather than sleeping out the interval; the check at the top then throws.
    await sleep(150, undefined, { signal: options.signal }).catch(() => undefined);
  }
}

/**
 * Starts an existing mount (restarts it too when `restart`) and waits until it serves. It is the user's
 * own mount, so an abort never removes it: one this call started is stopped again, as the user left it
 * (running on, it would retry its server in the background); one that was running is left running.
 */
export async function bringUp(
  runtime: Runtime,
  container: Docker.Container,
  state: string,
  restart: boolean,
  host: SshHostOptions,
  remotePath: string,
  options: MountOptions,
): Promise<void> {
  let run = runCount(parseLog(await containerLogs(container)));
  let undo: StoppedOnAbort | undefined;
  if (state !== "running" || restart) {
    options.onProgress?.({ step: "connecting", message: `Connecting to ${host.alias}` });
    checkAborted(options.signal);
    if (state === "running") await container.restart({ t: 5 });
    else {
      await container.start();
      undo = new StoppedOnAbort(options.signal, runtime.endpoint, container);
    }
    run += 1;
  }
  try {
    await waitReady(runtime, container, run, host, remotePath, options);
  } finally {
    await undo?.settled();
  }
  // It became ready while the abort was on its way: it has been stopped again all the same.
  if (undo?.fired) throw cancelled();
}

/** The entrypoint was told to stop before it served: the engine shutting down, or a `docker stop`. */
async function stoppedMidMount(runtime: Runtime, alias: string): Promise<SshmountError> {
  if (!(await engineAcceptsConnections(runtime.endpoint, runtime.dockerClient))) {
    return new SshmountError("docker-unavailable", `The Docker engine shut down while ${alias} was being mounted`, {
      alias,
      tried: [runtime.endpoint.host],
    });
  }
  return new SshmountError("mount-failed", `The mount container of ${alias} was stopped before it connected`, {
    alias,
    detail: "stopped from outside sshmount (docker stop?)",
  });
}

/**
 * Once the caller has aborted, whatever the work then fails with (a 404 from the container the abort
 * removed meanwhile…) is the cancellation.
 */
export async function cancellable<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw signal?.aborted ? cancelled() : error;
  }
}
