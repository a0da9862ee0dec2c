import type Docker from "dockerode";
import { removeContainer } from "../docker/containers";
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
 * undo is sent from the abort listener itself, not at the next poll, and is one request the engine
 * finishes with the client gone (`DELETE …?force=true`; test/e2e/cancel.test.ts kills the process 1 ms
 * after the abort). A process that dies before its abort, or in the same tick, leaves it to abandoned().
 */
export class AbortUndo {
  private sent: Promise<void> | undefined;
  private readonly fire = () => {
    this.sent = this.undo().catch(() => undefined);
  };

  constructor(
    private readonly signal: AbortSignal | undefined,
    private readonly undo: () => Promise<void>,
  ) {
    if (signal?.aborted) this.fire();
    else signal?.addEventListener("abort", this.fire, { once: true });
  }

  /** Whether an abort has already sent the undo. */
  get fired(): boolean {
    return this.sent !== undefined;
  }

  /** The point of no return: an abort after this leaves the container as it is. */
  release(): void {
    this.signal?.removeEventListener("abort", this.fire);
  }

  /** Releases; resolves once the undo an abort sent has finished (at once when none was sent). */
  async settled(): Promise<void> {
    this.release();
    await this.sent;
  }
}

/** A container this call created: an abort removes it by force (what is running in it dies with it). */
export class RemovedOnAbort extends AbortUndo {
  constructor(
    signal: AbortSignal | undefined,
    private readonly container: Docker.Container,
  ) {
    super(signal, () => removeContainer(container));
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
