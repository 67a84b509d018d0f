import { describe, expect, it } from "vitest";
import {
  batchTimeoutMs,
  notBatchable,
  resolveBatchLimits,
  retriesAlone,
  takeCount,
} from "../../src/core/batch-policy.js";
import {
  AbortError,
  ConfigError,
  ConnectionError,
  HttpError,
  KServeError,
  ProtocolError,
  TimeoutError,
  ValidationError,
} from "../../src/core/errors.js";
import { thrown } from "../helpers.js";

describe("resolveBatchLimits", () => {
  it("defaults: 64 rows, 2 ms, 4 in flight, 10,000 rows waiting", () => {
    expect(resolveBatchLimits(undefined, "b")).toEqual({
      maxBatchSize: 64,
      maxDelayMs: 2,
      maxConcurrentBatches: 4,
      maxQueuedRows: 10_000,
    });
  });

  it("maxQueuedRows defaults to maxBatchSize when that is larger, so a batch can always fill", () => {
    expect(resolveBatchLimits({ maxBatchSize: 20_000 }, "b").maxQueuedRows).toBe(20_000);
  });

  it("takes 1 as the least of each count", () => {
    expect(
      resolveBatchLimits({ maxBatchSize: 1, maxConcurrentBatches: 1, maxQueuedRows: 1, maxDelayMs: 1 }, "b"),
    ).toEqual({ maxBatchSize: 1, maxDelayMs: 1, maxConcurrentBatches: 1, maxQueuedRows: 1 });
  });

  it("takes 0 ms as no wait beyond the current turn", () => {
    expect(resolveBatchLimits({ maxDelayMs: 0 }, "b").maxDelayMs).toBe(0);
  });

  it.each([
    [{ maxBatchSize: 0 }, "maxBatchSize must be a whole number of at least 1, got 0"],
    [{ maxBatchSize: 1.5 }, "maxBatchSize"],
    [{ maxConcurrentBatches: 0 }, "maxConcurrentBatches"],
    [{ maxQueuedRows: Number.NaN }, "maxQueuedRows"],
    [{ maxDelayMs: -1 }, "maxDelayMs must be a number of milliseconds"],
    [{ maxDelayMs: Infinity }, "maxDelayMs"],
    [{ maxBatchSize: 10, maxQueuedRows: 5 }, "maxQueuedRows (5) is less than maxBatchSize (10)"],
  ])("refuses %j with a ConfigError that names the batcher and the option", (options, text) => {
    const error = thrown(ConfigError, () => resolveBatchLimits(options, 'createBatcher("iris")'));
    expect(error.message).toContain('createBatcher("iris")');
    expect(error.message).toContain(text);
  });
});

describe("takeCount", () => {
  const rows = (...r: number[]) => r.map((n) => ({ rows: n }));

  it("takes calls from the head while they fit", () => {
    expect(takeCount(rows(1, 1, 1, 1, 1), 3)).toBe(3);
    expect(takeCount(rows(2, 2, 1), 4)).toBe(2);
    expect(takeCount(rows(1, 1), 8)).toBe(2);
  });

  it("never lets a later, smaller call overtake one that does not fit", () => {
    expect(takeCount(rows(3, 2, 1), 4)).toBe(1);
  });

  it("starts at `head`, the first call still waiting", () => {
    expect(takeCount(rows(5, 5, 1, 1, 1), 2, 2)).toBe(2);
    expect(takeCount(rows(1, 1), 4, 2)).toBe(0);
  });

  it("always takes the first call, even one larger than the limit, and nothing from an empty queue", () => {
    expect(takeCount(rows(9, 1), 4)).toBe(1);
    expect(takeCount([], 4)).toBe(0);
  });
});

describe("batchTimeoutMs", () => {
  it("runs until the latest deadline of the batch's calls", () => {
    expect(batchTimeoutMs([1_100, 1_500, 1_200], 1_000)).toBe(500);
  });

  it("is undefined (the client's own timeoutMs) when a call has no deadline", () => {
    expect(batchTimeoutMs([1_100, undefined], 1_000)).toBeUndefined();
  });

  it("is at least 1 ms", () => {
    expect(batchTimeoutMs([900], 1_000)).toBe(1);
  });
});

describe("retriesAlone", () => {
  const http = (status: number) => new HttpError(`HTTP ${status}`, { status, headers: {}, body: "" });

  it.each([400, 422, 500])("sends each call again alone after HTTP %i (the model failed on the input)", (status) => {
    expect(retriesAlone(http(status))).toBe(true);
  });

  it.each([404, 429, 501, 503])("fails every call with HTTP %i: it is not about one call's rows", (status) => {
    expect(retriesAlone(http(status))).toBe(false);
  });

  it("over gRPC: INVALID_ARGUMENT and INTERNAL from the server, nothing else", () => {
    expect(retriesAlone(new KServeError("invalid_argument", "bad", { grpcCode: 3 }))).toBe(true);
    expect(retriesAlone(new KServeError("internal", "raised", { grpcCode: 2 }))).toBe(true); // KServe 0.14's UNKNOWN
    expect(retriesAlone(new KServeError("not_found", "no model", { grpcCode: 5 }))).toBe(false);
    expect(retriesAlone(new KServeError("unavailable", "down", { grpcCode: 14 }))).toBe(false);
  });

  it("a joined request refused before sending is tried call by call; a broken answer or a lost connection is not", () => {
    expect(retriesAlone(new ValidationError("NaN in JSON"))).toBe(true);
    expect(retriesAlone(new ProtocolError("not JSON"))).toBe(false);
    expect(retriesAlone(new ConnectionError("refused"))).toBe(false);
    expect(retriesAlone(new TimeoutError("late"))).toBe(false);
    expect(retriesAlone(new AbortError("cancelled"))).toBe(false);
    expect(retriesAlone(new Error("not ours"))).toBe(false);
  });

  it("is false for what is not one of the SDK's errors, even with a status or gRPC code of a model failure", () => {
    expect(retriesAlone(Object.assign(new Error("another library's"), { status: 500 }))).toBe(false);
    expect(retriesAlone({ status: 400 })).toBe(false);
    expect(retriesAlone({ grpcCode: 3, code: "invalid_argument" })).toBe(false);
    expect(retriesAlone(undefined)).toBe(false);
    expect(retriesAlone(null)).toBe(false);
    expect(retriesAlone("HTTP 500")).toBe(false);
  });
});

describe("notBatchable", () => {
  it("is failed_precondition, names the model and what it did, and says what to do", () => {
    const error = notBatchable("summary", 'its output "total" has shape [1] for a batch of 3 rows');
    expect(error.code).toBe("failed_precondition");
    expect(error.model).toBe("summary");
    expect(error.message).toBe(
      '[failed_precondition] Model "summary" cannot be batched: its output "total" has shape [1] for a batch of 3 rows, so its answer cannot be split by caller. Call the client directly for this model; a batcher needs a model that answers one row per input row.',
    );
  });
});
