import type Docker from "dockerode";
import { ArmedRequest } from "../docker/armed-request";
import { removeContainer } from "../docker/containers";
import type { EngineEndpoint } from "../docker/engine";
import { SshmountError } from "../errors";

export function cancelled(): SshmountError {
  return new SshmountError("cancelled", "Mount cancelled");
}

export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelled();
}

/**
 * Undoes what a mount did to one container the moment its caller aborts. Raycast's docs say only that
 * a view command is "unloaded from memory" when the user pops back to the root search
 * (raycast/extensions docs/information/lifecycle/README.md), not how long its worker lives on, so the
 * undo leaves from the abort listener itself, not at the next poll, as one request armed in advance
 * (ArmedRequest) that the engine completes with the client gone; test/e2e/cancel.test.ts SIGKILLs the
 * process in the abort's own tick. Should the armed request be unusable, dockerode sends it instead.
 */
export class AbortUndo {
  private sent: Promise<void> | undefined;
  /** Only where something can abort: a call without a signal holds no extra engine connection. */
  private readonly armed: ArmedRequest | undefined;
  private readonly fire = () => {
    const armed = this.armed?.fire()?.then((status) => {
      // 304: already stopped; 404: already gone; 409: a removal already under way.
      if (status >= 300 && ![304, 404, 409].includes(status)) throw new Error(`HTTP ${status}`);
    });
    this.sent = (armed ? armed.catch(() => this.fallback()) : this.fallback()).then(
      () => undefined,
      () => undefined,
    );
  };

  constructor(
    private readonly signal: AbortSignal | undefined,
    endpoint: EngineEndpoint,
    request: { method: string; path: string },
    private readonly fallback: () => Promise<unknown>,
  ) {
    if (!signal) return;
    this.armed = new ArmedRequest(endpoint, request.method, request.path);
    if (signal.aborted) this.fire();
    else signal.addEventListener("abort", this.fire, { once: true });
  }

  /** Whether an abort has already sent the undo. */
  get fired(): boolean {
    return this.sent !== undefined;
  }

  /** The point of no return: an abort after this leaves the container as it is. */
  release(): void {
    this.signal?.removeEventListener("abort", this.fire);
    if (!this.fired) this.armed?.disarm();
  }

  /** Releases; resolves once the undo an abort sent has finished (at once when none was sent). */
  async settled(): Promise<void> {
    this.release();
    await this.sent;
  }
}

/** The user's own mount that this call started: an abort stops it again, as the user left it. */
export class StoppedOnAbort extends AbortUndo {
  constructor(signal: AbortSignal | undefined, endpoint: EngineEndpoint, container: Docker.Container) {
    super(signal, endpoint, { method: "POST", path: `/containers/${container.id}/stop?t=5` }, () =>
      container.stop({ t: 5 }),
    );
  }
}

/** A container this call created: an abort removes it by force (what is running in it dies with it). */
export class RemovedOnAbort extends AbortUndo {
  constructor(
    signal: AbortSignal | undefined,
    endpoint: EngineEndpoint,
    private readonly container: Docker.Container,
  ) {
    super(signal, endpoint, { method: "DELETE", path: `/containers/${container.id}?force=1&v=1` }, () =>
      removeContainer(container),
    );
  }

  /** Removes it now, or waits for the removal an abort already sent. */
  async remove(): Promise<void> {
    const fired = this.fired;
    await this.settled();
    if (!fired) await removeContainer(this.container);
  }
}

/** Rejects with `cancelled` as soon as the signal aborts; `work` itself goes on unobserved. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(cancelled());
    if (signal.aborted) abort();
    signal.addEventListener("abort", abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}
