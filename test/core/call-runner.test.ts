/** The one attempt loop: retries by policy, waits that never pass the deadline, the protocol's endings, observers. */
import { describe, expect, it } from "vitest";
import { type AttemptFailure, type CallPlan, type Clock, runCall } from "../../src/core/call-runner.js";
import { ConnectionError, HttpError, KServeError } from "../../src/core/errors.js";
import { resolveRetryPolicy } from "../../src/core/retry.js";

/** A clock whose time only moves when the runner sleeps (0 ms waits: the policy's delays are tiny here). */
function fixedClock(start = 1000): Clock & { random: () => number } {
  return { now: () => start, random: () => 0 };
}

const connectionFailure = (): AttemptFailure => ({
  error: new ConnectionError("refused"),
  outcome: { kind: "connection" },
});

function plan<T>(overrides: Partial<CallPlan<T>> & Pick<CallPlan<T>, "send">): CallPlan<T> {
  return {
    method: "POST",
    url: "http://127.0.0.1:1/v2/models/m/infer",
    policy: resolveRetryPolicy({ maxRetries: 2, initialDelayMs: 0 }),
    deadline: undefined,
    signal: undefined,
    clock: fixedClock(),
    stopped: (_attempts, _last, reason) => reason,
    exhausted: (failure, attempts) => Object.assign(failure.error, { attemptsSeen: attempts }),
    ...overrides,
  };
}

describe("runCall", () => {
  it("returns the first value, retrying the failures send reports until then", async () => {
    const seen: number[] = [];
    const value = await runCall(
      plan({
        async send(attempt) {
          seen.push(attempt);
          if (attempt === 0) return { failure: connectionFailure() };
          if (attempt === 1)
            return {
              failure: {
                error: new HttpError("busy", { status: 503 }),
                outcome: { kind: "status", status: 503 },
                status: 503,
              },
            };
          return { value: "ok" };
        },
      }),
    );
    expect(value).toBe("ok");
    expect(seen).toEqual([0, 1, 2]);
  });

  it("ends with exhausted() after maxRetries, with the attempt count", async () => {
    let sends = 0;
    const error = await runCall(
      plan({
        async send() {
          sends += 1;
          return { failure: connectionFailure() };
        },
      }),
    ).catch((e: unknown) => e);
    expect(sends).toBe(3);
    expect(error).toMatchObject({ rawMessage: "refused", attemptsSeen: 3 });
  });

  it("ends at once with what send throws: the protocol's own ending", async () => {
    let sends = 0;
    const boom = new Error("not worth retrying");
    const error = await runCall(
      plan({
        async send() {
          sends += 1;
          throw boom;
        },
      }),
    ).catch((e: unknown) => e);
    expect(error).toBe(boom);
    expect(sends).toBe(1);
  });

  it("does not start a wait that would end past the deadline: exhausted() with the last failure", async () => {
    let sends = 0;
    const error = await runCall(
      plan({
        policy: resolveRetryPolicy({ maxRetries: 5, initialDelayMs: 500 }),
        deadline: 1200, // the clock stands at 1000: a 500 ms wait would end past it
        async send() {
          sends += 1;
          return { failure: connectionFailure() };
        },
      }),
    ).catch((e: unknown) => e);
    expect(sends).toBe(1);
    expect(error).toBeInstanceOf(ConnectionError);
  });

  it("ends with stopped() when the signal aborts during a wait", async () => {
    const controller = new AbortController();
    const stoppedWith: unknown[] = [];
    const pending = runCall(
      plan({
        policy: resolveRetryPolicy({ maxRetries: 5, initialDelayMs: 60_000 }),
        signal: controller.signal,
        async send() {
          return { failure: connectionFailure() };
        },
        stopped: (attempts, last, reason) => (
          stoppedWith.push(attempts, last.rawMessage, reason), new KServeError("canceled", "stopped")
        ),
      }),
    ).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort("user");
    expect(await pending).toMatchObject({ code: "canceled" });
    expect(stoppedWith).toEqual([1, "refused", "user"]);
  });

  it("tells the observer of every attempt and retry, and draws jitter from the clock", async () => {
    const events: unknown[] = [];
    let draws = 0;
    await runCall(
      plan({
        policy: resolveRetryPolicy({ maxRetries: 1, initialDelayMs: 8 }),
        clock: { now: () => 0, random: () => (draws++, 0.5) },
        observer: { attempt: (e) => events.push({ ...e, durationMs: 0 }), retry: (e) => events.push(e) },
        async send(attempt) {
          return attempt === 0 ? { failure: { ...connectionFailure(), status: undefined } } : { value: 1, status: 200 };
        },
      }),
    );
    expect(draws).toBe(1);
    expect(events).toEqual([
      { method: "POST", url: "http://127.0.0.1:1/v2/models/m/infer", attempt: 0, error: "refused", durationMs: 0 },
      {
        method: "POST",
        url: "http://127.0.0.1:1/v2/models/m/infer",
        attempt: 0,
        reason: "connection failed",
        delayMs: 7,
      },
      { method: "POST", url: "http://127.0.0.1:1/v2/models/m/infer", attempt: 1, status: 200, durationMs: 0 },
    ]);
  });
});
