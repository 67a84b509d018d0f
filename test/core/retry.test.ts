import { describe, expect, it } from "vitest";
import {
  backoffDelay,
  DEFAULT_RETRY,
  fitsBeforeDeadline,
  parseRetryAfter,
  resolveRetryPolicy,
  retryDecision,
  retryDelay,
} from "../../src/core/retry.js";

const headers = (h: Record<string, string>) => (name: string) => h[name];
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

describe("resolveRetryPolicy", () => {
  it("defaults: 2 retries, 0.5 s doubling to 8 s, Retry-After up to 60 s, 408/429/502/503/504", () => {
    const p = resolveRetryPolicy();
    expect(p).toMatchObject({ maxRetries: 2, initialDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 60_000 });
    expect([...p.statusCodes]).toEqual([408, 429, 502, 503, 504]);
  });

  it("the call's options win over the client's, field by field; false turns retries off", () => {
    const p = resolveRetryPolicy({ maxRetries: 5, maxDelayMs: 100 }, { maxRetries: 1 });
    expect(p).toMatchObject({ maxRetries: 1, maxDelayMs: 100, initialDelayMs: 500 });
    expect(resolveRetryPolicy({ maxRetries: 5 }, false).maxRetries).toBe(0);
    expect(resolveRetryPolicy(false).maxRetries).toBe(0);
    expect(resolveRetryPolicy(false, { maxRetries: 3 }).maxRetries).toBe(3); // the call turns them back on
    expect([...resolveRetryPolicy(undefined, { statusCodes: [500] }).statusCodes]).toEqual([500]);
  });

  it.each([
    [{ maxRetries: Number.NaN }, "retry.maxRetries"],
    [{ maxRetries: -1 }, "retry.maxRetries"],
    [{ maxRetries: 1.5 }, "retry.maxRetries"],
    [{ initialDelayMs: Infinity }, "retry.initialDelayMs"],
    [{ maxDelayMs: 2 ** 31 }, "retry.maxDelayMs"],
  ])("refuses %j with a ConfigError naming the option", (options, name) => {
    expect(() => resolveRetryPolicy(options)).toThrow(name);
  });

  it("does not share the default status set", () => {
    expect(resolveRetryPolicy().statusCodes).not.toBe(DEFAULT_RETRY.statusCodes);
  });
});

describe("retryDecision", () => {
  const policy = resolveRetryPolicy();

  it.each([408, 429, 502, 503, 504])("retries status %i", (status) => {
    expect(retryDecision({ kind: "status", status }, 0, policy)).toEqual({ retry: true, reason: `status ${status}` });
  });

  it.each([400, 404, 422, 500, 501])(
    "does not retry status %i (500: a model failing on this input fails again)",
    (status) => {
      expect(retryDecision({ kind: "status", status }, 0, policy).retry).toBe(false);
    },
  );

  it("retries connection failures and attempt timeouts, never a cancel or the call's deadline", () => {
    expect(retryDecision({ kind: "connection" }, 0, policy).retry).toBe(true);
    expect(retryDecision({ kind: "attempt-timeout" }, 1, policy).retry).toBe(true);
    expect(retryDecision({ kind: "final" }, 0, policy).retry).toBe(false);
  });

  it("stops when the retries are used up", () => {
    expect(retryDecision({ kind: "connection" }, 2, policy)).toEqual({ retry: false, reason: "no retries left (2)" });
    expect(retryDecision({ kind: "connection" }, 0, resolveRetryPolicy(false)).retry).toBe(false);
  });
});

describe("backoffDelay", () => {
  const policy = resolveRetryPolicy();

  it("doubles from 500 ms and stops at 8 s", () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => backoffDelay(n, policy, () => 0))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
  });

  it("takes off at most 25% as jitter", () => {
    expect(backoffDelay(1, policy, () => 0.999999)).toBe(375);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(1750);
  });
});

describe("parseRetryAfter", () => {
  it("reads retry-after-ms first", () => {
    expect(parseRetryAfter(headers({ "retry-after-ms": "250", "retry-after": "9" }), NOW)).toBe(250);
    expect(parseRetryAfter(headers({ "retry-after-ms": "12.5" }), NOW)).toBe(12.5);
  });

  it("reads delay-seconds", () => {
    expect(parseRetryAfter(headers({ "retry-after": "3" }), NOW)).toBe(3000);
    expect(parseRetryAfter(headers({ "retry-after": " 0 " }), NOW)).toBe(0);
  });

  it("reads HTTP dates in all three forms, relative to now", () => {
    expect(parseRetryAfter(headers({ "retry-after": "Mon, 23 Nov 2026 12:00:05 GMT" }), NOW)).toBe(5000);
    expect(parseRetryAfter(headers({ "retry-after": "Monday, 23-Nov-26 12:00:07 GMT" }), NOW)).toBe(7000);
    expect(parseRetryAfter(headers({ "retry-after": "Mon Nov 23 12:00:09 2026" }), NOW)).toBe(9000);
  });

  it("treats a date in the past as now", () => {
    expect(parseRetryAfter(headers({ "retry-after": "Mon, 23 Nov 2026 11:00:00 GMT" }), NOW)).toBe(0);
  });

  it.each(["", "soon", "soon 5", "-3", "1.5", "1e3", "Mon, 99 Foo 2026", "2026-11-23T12:00:05Z"])(
    "gives undefined for %j, so backoff applies",
    (value) => {
      expect(parseRetryAfter(headers({ "retry-after": value }), NOW)).toBeUndefined();
    },
  );

  it("ignores a garbage retry-after-ms and reads Retry-After", () => {
    expect(parseRetryAfter(headers({ "retry-after-ms": "x", "retry-after": "2" }), NOW)).toBe(2000);
    expect(parseRetryAfter(headers({}), NOW)).toBeUndefined();
  });
});

describe("retryDelay and fitsBeforeDeadline", () => {
  const policy = resolveRetryPolicy();

  it("uses the server's delay without jitter, capped; backoff otherwise", () => {
    expect(retryDelay(1, 1234, policy, () => 0.9)).toBe(1234);
    expect(retryDelay(1, 3_600_000, policy)).toBe(60_000);
    expect(retryDelay(2, undefined, policy, () => 0)).toBe(1000);
  });

  it("never plans a wait that ends at or past the deadline", () => {
    expect(fitsBeforeDeadline(500, 1000, 2000)).toBe(true);
    expect(fitsBeforeDeadline(1000, 1000, 2000)).toBe(false);
    expect(fitsBeforeDeadline(5000, 1000, 2000)).toBe(false);
    expect(fitsBeforeDeadline(1e9, 0, undefined)).toBe(true);
  });
});
