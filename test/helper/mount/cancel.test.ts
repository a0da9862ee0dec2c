import { describe, expect, it } from "@jest/globals";
import type Docker from "dockerode";
import { AbortUndo, RemovedOnAbort, untilAborted } from "../../../helper/mount/cancel";

/** A container whose forced removals are counted; each finishes when the test says so. */
function container() {
  const removals: { force?: boolean; finish: () => void }[] = [];
  const stub = {
    remove: (options: { force?: boolean }) =>
      new Promise<void>((resolve) => removals.push({ force: options.force, finish: resolve })),
  };
  return { removals, container: stub as unknown as Docker.Container };
}

describe("AbortUndo", () => {
  it("sends the undo inside abort() itself, before any await, and only once", () => {
    const controller = new AbortController();
    let sent = 0;
    const undo = new AbortUndo(controller.signal, async () => {
      sent += 1;
    });
    expect(undo.fired).toBe(false);
    controller.abort();
    expect(sent).toBe(1);
    expect(undo.fired).toBe(true);
    controller.signal.dispatchEvent(new Event("abort"));
    expect(sent).toBe(1);
  });

  it("sends it at once for a signal that was already aborted", () => {
    let sent = 0;
    new AbortUndo(AbortSignal.abort(), async () => {
      sent += 1;
    });
    expect(sent).toBe(1);
  });

  it("sends nothing for an abort after release (the mount is complete)", async () => {
    const controller = new AbortController();
    let sent = 0;
    const undo = new AbortUndo(controller.signal, async () => {
      sent += 1;
    });
    undo.release();
    controller.abort();
    await undo.settled();
    expect(sent).toBe(0);
    expect(undo.fired).toBe(false);
  });
});

describe("RemovedOnAbort", () => {
  it("remove() waits for the removal the abort sent instead of sending a second one", async () => {
    const controller = new AbortController();
    const { removals, container: stub } = container();
    const guard = new RemovedOnAbort(controller.signal, stub);
    controller.abort();
    expect(removals.map((each) => each.force)).toEqual([true]);
    let done = false;
    const removed = guard.remove().then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    removals[0].finish();
    await removed;
    expect(removals).toHaveLength(1);
  });

  it("remove() without an abort removes by force once", async () => {
    const { removals, container: stub } = container();
    const guard = new RemovedOnAbort(new AbortController().signal, stub);
    const removed = guard.remove();
    await Promise.resolve();
    await Promise.resolve();
    removals[0].finish();
    await removed;
    expect(removals.map((each) => each.force)).toEqual([true]);
  });
});

describe("untilAborted", () => {
  it("rejects as cancelled on abort although the work goes on", async () => {
    const controller = new AbortController();
    const waiting = untilAborted(new Promise(() => undefined), controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ kind: "cancelled" });
  });

  it("passes the work's own result through", async () => {
    await expect(untilAborted(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
  });
});
