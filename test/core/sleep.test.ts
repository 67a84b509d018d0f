import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { sleep } from "../../src/core/sleep.js";

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
