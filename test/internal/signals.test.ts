import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deadlineSignal, linkSignals, sleep, untilAborted } from "../../src/internal/signals.js";

describe("sleep", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("resolves after the delay and leaves no timer behind", async () => {
    let done = false;
    const p = sleep(1000).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await p;
    expect(done).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects at once with the signal's reason when aborted mid-sleep, clearing its timer", async () => {
    const controller = new AbortController();
    const p = sleep(60_000, controller.signal);
    await vi.advanceTimersByTimeAsync(10);
    const reason = new Error("stop");
    controller.abort(reason);
    await expect(p).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects without waiting when the signal is already aborted", async () => {
    const reason = new Error("already");
    await expect(sleep(60_000, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("removes its abort listener when it ends normally", async () => {
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, "removeEventListener");
    const p = sleep(5, controller.signal);
    await vi.advanceTimersByTimeAsync(5);
    await p;
    expect(remove).toHaveBeenCalledWith("abort", expect.any(Function));
  });
});

describe("deadlineSignal", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("aborts with reason() when the time is up, and says so", async () => {
    const limited = deadlineSignal(100, () => new Error("late"));
    await vi.advanceTimersByTimeAsync(99);
    expect(limited.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(limited.signal.reason).toEqual(new Error("late"));
    expect(limited.timedOut()).toBe(true);
    limited.dispose();
  });

  it("aborts with the outer signal's reason, and the timer then never fires nor stays", async () => {
    const outer = new AbortController();
    let asked = 0;
    const limited = deadlineSignal(100, () => (asked += 1), outer.signal);
    outer.abort("cancelled");
    expect(limited.signal.reason).toBe("cancelled");
    await vi.advanceTimersByTimeAsync(200);
    expect(asked).toBe(0);
    expect(limited.timedOut()).toBe(false);
    limited.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("dispose removes the timer and the outer listener", () => {
    const outer = new AbortController();
    const limited = deadlineSignal(100, () => "late", outer.signal);
    limited.dispose();
    expect(vi.getTimerCount()).toBe(0);
    outer.abort("after");
    expect(limited.signal.aborted).toBe(false);
  });
});

describe("linkSignals", () => {
  it("aborts with the reason of whichever signal aborts first, and dispose detaches it", () => {
    const a = new AbortController();
    const b = new AbortController();
    const linked = linkSignals(a.signal, undefined, b.signal);
    b.abort("b");
    a.abort("a");
    expect(linked.signal.reason).toBe("b");
    const again = linkSignals(a.signal);
    expect(again.signal.reason).toBe("a");
    const c = new AbortController();
    const detached = linkSignals(c.signal);
    detached.dispose();
    c.abort("c");
    expect(detached.signal.aborted).toBe(false);
  });
});

describe("untilAborted", () => {
  it("passes the promise's value, or rejects with the signal's reason as soon as it aborts", async () => {
    expect(await untilAborted(Promise.resolve(1), new AbortController().signal)).toBe(1);
    const controller = new AbortController();
    const pending = untilAborted(new Promise(() => {}), controller.signal);
    controller.abort("stop");
    await expect(pending).rejects.toBe("stop");
  });
});
