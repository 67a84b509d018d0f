/**
 * The batch queue's timing and bookkeeping with driven timers (vi.useFakeTimers): when a batch goes, what time
 * limit and signal its request gets, and how calls sent again alone take their turn. The sender is the protocol's
 * seam: here it records what it is asked to send and answers when told. Protocols over real servers are tested
 * in test/v2, test/v1 and test/grpc.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resolveBatchLimits } from "../../src/core/batch-policy.js";
import { createBatchQueue } from "../../src/core/batch-queue.js";
import { HttpError, type KServeError } from "../../src/core/errors.js";

interface Sent {
  items: readonly string[];
  timeoutMs: number | undefined;
  signal: AbortSignal;
  answer(): void;
  fail(error: unknown): void;
}

/** A queue over a sender that records each batch and answers (each item upper-cased) when told. */
function queue(options: Parameters<typeof resolveBatchLimits>[0]) {
  const sent: Sent[] = [];
  const q = createBatchQueue<string, string>(
    {
      model: "m",
      send: (items, call) =>
        new Promise((resolve, reject) => {
          sent.push({
            items,
            ...call,
            answer: () => resolve(items.map((item) => item.toUpperCase())),
            fail: reject,
          });
        }),
    },
    resolveBatchLimits(options, "test"),
  );
  const submit = (item: string, call?: Parameters<typeof q.submit>[1], key: string | undefined = "k") =>
    q.submit({ item, rows: 1, key }, call);
  return { q, sent, submit };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("createBatchQueue", () => {
  it("sends a partial batch maxDelayMs after its first call, not before; later calls do not restart the wait", async () => {
    const { sent, submit } = queue({ maxBatchSize: 10, maxDelayMs: 5 });
    const a = submit("a");
    vi.advanceTimersByTime(3);
    const b = submit("b");
    vi.advanceTimersByTime(1);
    expect(sent).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(sent.map((s) => s.items)).toEqual([["a", "b"]]);
    sent[0]!.answer();
    await expect(Promise.all([a, b])).resolves.toEqual(["A", "B"]);
  });

  it("sends a full batch at once, and the rest after their own wait", () => {
    const { sent, submit } = queue({ maxBatchSize: 2, maxDelayMs: 5 });
    for (const item of ["a", "b", "c"]) void submit(item);
    expect(sent.map((s) => s.items)).toEqual([["a", "b"]]);
    vi.advanceTimersByTime(5);
    expect(sent.map((s) => s.items)).toEqual([["a", "b"], ["c"]]);
  });

  it("keeps groups apart, and sends the group whose first call is oldest first when a slot frees", () => {
    const { sent, submit } = queue({ maxBatchSize: 10, maxDelayMs: 0, maxConcurrentBatches: 1 });
    void submit("a", {}, "one");
    vi.advanceTimersByTime(0);
    void submit("b", {}, "two");
    void submit("c", {}, "one");
    void submit("d", {}, "two");
    vi.advanceTimersByTime(0);
    expect(sent.map((s) => s.items)).toEqual([["a"]]);
    sent[0]!.answer();
    return vi.waitFor(() => expect(sent.map((s) => s.items)).toEqual([["a"], ["b", "d"]]));
  });

  it("gives the batch request the latest deadline of its calls, or none when one has none", () => {
    const { sent, submit } = queue({ maxBatchSize: 2, maxDelayMs: 60_000 });
    void submit("a", { timeoutMs: 1_000 });
    vi.advanceTimersByTime(100);
    void submit("b", { timeoutMs: 5_000 });
    expect(sent[0]!.timeoutMs).toBe(5_000);
    void submit("c", { timeoutMs: 1_000 });
    void submit("d");
    expect(sent[1]!.timeoutMs).toBeUndefined();
  });

  it("cancels the request of a batch once every one of its callers has left", async () => {
    const { sent, submit } = queue({ maxBatchSize: 2, maxDelayMs: 0 });
    const first = new AbortController();
    const a = submit("a", { signal: first.signal });
    const b = submit("b", { timeoutMs: 50 });
    first.abort();
    await expect(a).rejects.toMatchObject({ code: "canceled" });
    expect(sent[0]!.signal.aborted).toBe(false); // b is still waiting for it
    vi.advanceTimersByTime(50);
    await expect(b).rejects.toMatchObject({ code: "deadline_exceeded" });
    expect(sent[0]!.signal.aborted).toBe(true);
  });

  it("sends the calls of a batch the model failed on again one by one, within maxConcurrentBatches", async () => {
    const { q, sent, submit } = queue({ maxBatchSize: 3, maxDelayMs: 0, maxConcurrentBatches: 1 });
    const outcomes = Promise.allSettled(["a", "b", "c"].map((item) => submit(item)));
    sent[0]!.fail(new HttpError("bad input", { status: 400, headers: {}, body: "" }));
    await vi.waitFor(() => expect(sent.map((s) => s.items)).toEqual([["a", "b", "c"], ["a"]]));
    expect(q.stats()).toMatchObject({ inFlight: 1, queuedCalls: 2, retriedAlone: 3 });
    sent[1]!.answer();
    await vi.waitFor(() => expect(sent).toHaveLength(3));
    sent[2]!.fail(new HttpError("bad row", { status: 500, headers: {}, body: "" }));
    await vi.waitFor(() => expect(sent).toHaveLength(4));
    sent[3]!.answer();
    expect(
      (await outcomes).map((o) => (o.status === "fulfilled" ? o.value : (o.reason as KServeError).rawMessage)),
    ).toEqual(["A", "bad row", "C"]);
    expect(sent.map((s) => s.items)).toEqual([["a", "b", "c"], ["a"], ["b"], ["c"]]);
  });

  it("fails every call of a batch with an error that is not about one call's rows", async () => {
    const { sent, submit } = queue({ maxBatchSize: 2, maxDelayMs: 0 });
    const calls = ["a", "b"].map((item) => submit(item));
    const unavailable = new HttpError("down", { status: 503, headers: {}, body: "" });
    sent[0]!.fail(unavailable);
    const outcomes = await Promise.allSettled(calls);
    expect(outcomes.map((o) => o.status === "rejected" && o.reason)).toEqual([unavailable, unavailable]);
    expect(sent).toHaveLength(1);
  });

  it("serves a long queue in arrival order, batch after batch", async () => {
    const sent: string[][] = [];
    const q = createBatchQueue<string, string>(
      {
        model: "m",
        send: async (items) => {
          sent.push([...items]);
          return items.map((item) => item.toUpperCase());
        },
      },
      resolveBatchLimits({ maxBatchSize: 3, maxDelayMs: 60_000, maxConcurrentBatches: 1 }, "test"),
    );
    const items = Array.from({ length: 5000 }, (_, i) => `c${i}`);
    const calls = Promise.all(items.map((item) => q.submit({ item, rows: 1, key: "k" }, undefined)));
    expect(q.stats()).toMatchObject({ inFlight: 1, queuedCalls: 4997 });
    await q.close(); // the last two calls are not a full batch: close() sends them
    expect(await calls).toEqual(items.map((item) => item.toUpperCase()));
    expect(sent.flat()).toEqual(items);
    expect(sent.map((batch) => batch.length)).toEqual([...Array(1666).fill(3), 2]);
    expect(q.stats()).toMatchObject({ calls: 5000, batches: 1667, queuedCalls: 0, queuedRows: 0, inFlight: 0 });
  });

  it("close() sends waiting groups at once and resolves when the last answer is in", async () => {
    const { q, sent, submit } = queue({ maxBatchSize: 10, maxDelayMs: 60_000 });
    const a = submit("a");
    let closed = false;
    const closing = q.close().then(() => (closed = true));
    expect(sent.map((s) => s.items)).toEqual([["a"]]);
    await Promise.resolve();
    expect(closed).toBe(false);
    sent[0]!.answer();
    await closing;
    await expect(a).resolves.toBe("A");
  });
});
