import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import {
  backoffDelay,
  DEFAULT_RETRY,
  fitsBeforeDeadline,
  milliseconds,
  parseRetryAfter,
  resolveRetryPolicy,
  retryDecision,
  retryDelay,
  type RetryPolicy,
} from "../../src/core/retry.js";
import { MAX_TIMER_MS } from "../../src/internal/signals.js";
import { thrown } from "../helpers.js";

const headers = (h: Record<string, string>) => (name: string) => h[name];
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

const DEFAULT_POLICY: RetryPolicy = {
  maxRetries: 2,
  initialDelayMs: 500,
  maxDelayMs: 8000,
  maxRetryAfterMs: 60_000,
  attemptTimeoutMs: undefined,
  statusCodes: new Set([408, 429, 502, 503, 504]),
};

describe("resolveRetryPolicy", () => {
  it("defaults: 2 retries, 0.5 s doubling to 8 s, Retry-After up to 60 s, no attempt limit, 408/429/502/503/504", () => {
    const p = resolveRetryPolicy();
    expect(p).toEqual(DEFAULT_POLICY);
    expect([...p.statusCodes]).toEqual([408, 429, 502, 503, 504]);
    expect(resolveRetryPolicy({}, {})).toEqual(DEFAULT_POLICY);
  });

  it("takes every option from the client", () => {
    const client = {
      maxRetries: 4,
      initialDelayMs: 10,
      maxDelayMs: 20,
      maxRetryAfterMs: 30,
      attemptTimeoutMs: 40,
      statusCodes: [503],
    };
    expect(resolveRetryPolicy(client)).toEqual({ ...client, statusCodes: new Set([503]) });
  });

  it("takes every option from the call, over the client's", () => {
    const client = {
      maxRetries: 4,
      initialDelayMs: 10,
      maxDelayMs: 20,
      maxRetryAfterMs: 30,
      attemptTimeoutMs: 40,
      statusCodes: [503],
    };
    const call = {
      maxRetries: 1,
      initialDelayMs: 11,
      maxDelayMs: 21,
      maxRetryAfterMs: 31,
      attemptTimeoutMs: 41,
      statusCodes: [500, 502],
    };
    expect(resolveRetryPolicy(client, call)).toEqual({ ...call, statusCodes: new Set([500, 502]) });
    expect(resolveRetryPolicy(undefined, call)).toEqual({ ...call, statusCodes: new Set([500, 502]) });
  });

  it("the call's options win over the client's, field by field; false turns retries off", () => {
    const p = resolveRetryPolicy({ maxRetries: 5, maxDelayMs: 100 }, { maxRetries: 1 });
    expect(p).toEqual({ ...DEFAULT_POLICY, maxRetries: 1, maxDelayMs: 100 });
    expect(resolveRetryPolicy({ maxRetries: 5 }, false)).toEqual({ ...DEFAULT_POLICY, maxRetries: 0 });
    expect(resolveRetryPolicy(false)).toEqual({ ...DEFAULT_POLICY, maxRetries: 0 });
    expect([...resolveRetryPolicy(undefined, { statusCodes: [500] }).statusCodes]).toEqual([500]);
  });

  it("a call's options turn retries back on after the client's false, with the defaults for the rest", () => {
    expect(resolveRetryPolicy(false, { maxRetries: 3 })).toEqual({ ...DEFAULT_POLICY, maxRetries: 3 });
    expect(resolveRetryPolicy(false, { initialDelayMs: 5 })).toEqual({ ...DEFAULT_POLICY, initialDelayMs: 5 });
    expect(resolveRetryPolicy(false, {})).toEqual(DEFAULT_POLICY);
  });

  it("keeps a user's maxRetryAfterMs, and retryDelay caps the server's delay at it", () => {
    const p = resolveRetryPolicy({ maxRetryAfterMs: 5000 });
    expect(p.maxRetryAfterMs).toBe(5000);
    expect(retryDelay(1, 9000, p)).toBe(5000);
    expect(resolveRetryPolicy({ maxRetryAfterMs: 5000 }, { maxRetryAfterMs: 0 }).maxRetryAfterMs).toBe(0);
  });

  it("takes 0 retries and 0 ms as given", () => {
    expect(
      resolveRetryPolicy({
        maxRetries: 0,
        initialDelayMs: 0,
        maxDelayMs: 0,
        maxRetryAfterMs: 0,
        attemptTimeoutMs: 0,
      }),
    ).toEqual({
      ...DEFAULT_POLICY,
      maxRetries: 0,
      initialDelayMs: 0,
      maxDelayMs: 0,
      maxRetryAfterMs: 0,
      attemptTimeoutMs: 0,
    });
  });

  it("takes delays and time limits up to 2^31 - 1 ms, the longest a timer waits", () => {
    expect(MAX_TIMER_MS).toBe(2 ** 31 - 1);
    const options = {
      initialDelayMs: MAX_TIMER_MS,
      maxDelayMs: MAX_TIMER_MS,
      maxRetryAfterMs: MAX_TIMER_MS,
      attemptTimeoutMs: MAX_TIMER_MS,
    };
    expect(resolveRetryPolicy(options)).toEqual({ ...DEFAULT_POLICY, ...options });
    expect(resolveRetryPolicy({ maxRetries: Number.MAX_SAFE_INTEGER }).maxRetries).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("takes an attemptTimeoutMs of Infinity as no limit", () => {
    expect(resolveRetryPolicy({ attemptTimeoutMs: Infinity })).toEqual(DEFAULT_POLICY);
    expect(resolveRetryPolicy({ attemptTimeoutMs: 100 }, { attemptTimeoutMs: Infinity }).attemptTimeoutMs).toBe(
      undefined,
    );
  });

  it.each([
    [{ maxRetries: Number.NaN }, "retry.maxRetries must be a whole number of at least 0, got NaN."],
    [{ maxRetries: -1 }, "retry.maxRetries must be a whole number of at least 0, got -1."],
    [{ maxRetries: 1.5 }, "retry.maxRetries must be a whole number of at least 0, got 1.5."],
    [{ maxRetries: Infinity }, "retry.maxRetries must be a whole number of at least 0, got Infinity."],
    [{ maxRetries: 2 ** 53 }, "retry.maxRetries must be a whole number of at least 0, got 9007199254740992."],
    [
      { initialDelayMs: Infinity },
      "retry.initialDelayMs must be a number of milliseconds from 0 to 2147483647, got Infinity.",
    ],
    [{ initialDelayMs: -1 }, "retry.initialDelayMs must be a number of milliseconds from 0 to 2147483647, got -1."],
    [
      { maxDelayMs: 2 ** 31 },
      "retry.maxDelayMs must be a number of milliseconds from 0 to 2147483647, got 2147483648.",
    ],
    [
      { maxRetryAfterMs: Number.NaN },
      "retry.maxRetryAfterMs must be a number of milliseconds from 0 to 2147483647, got NaN.",
    ],
    [
      { maxRetryAfterMs: -Infinity },
      "retry.maxRetryAfterMs must be a number of milliseconds from 0 to 2147483647, got -Infinity.",
    ],
    [{ attemptTimeoutMs: -1 }, "retry.attemptTimeoutMs must be a number of milliseconds from 0 to 2147483647, got -1."],
    [
      { attemptTimeoutMs: Number.NaN },
      "retry.attemptTimeoutMs must be a number of milliseconds from 0 to 2147483647, got NaN.",
    ],
    [
      { attemptTimeoutMs: 2 ** 31 },
      "retry.attemptTimeoutMs must be a number of milliseconds from 0 to 2147483647, got 2147483648.",
    ],
    [
      { attemptTimeoutMs: -Infinity },
      "retry.attemptTimeoutMs must be a number of milliseconds from 0 to 2147483647, got -Infinity.",
    ],
  ])("refuses %j with a ConfigError naming the option", (options, message) => {
    expect(thrown(ConfigError, () => resolveRetryPolicy(options)).message).toBe(`[invalid_argument] ${message}`);
    expect(thrown(ConfigError, () => resolveRetryPolicy(undefined, options)).message).toBe(
      `[invalid_argument] ${message}`,
    );
  });

  it("refuses a delay given as a string, as a JavaScript caller might", () => {
    const options = { initialDelayMs: "500" } as unknown as { initialDelayMs: number };
    expect(thrown(ConfigError, () => resolveRetryPolicy(options)).message).toBe(
      "[invalid_argument] retry.initialDelayMs must be a number of milliseconds from 0 to 2147483647, got 500.",
    );
  });

  it("does not share the default status set", () => {
    expect(resolveRetryPolicy().statusCodes).not.toBe(DEFAULT_RETRY.statusCodes);
  });
});

describe("milliseconds", () => {
  it("passes 0 to 2^31 - 1 through, fractions included", () => {
    expect(milliseconds(0, "x")).toBe(0);
    expect(milliseconds(0.5, "x")).toBe(0.5);
    expect(milliseconds(MAX_TIMER_MS, "x")).toBe(MAX_TIMER_MS);
  });

  it.each([-0.5, MAX_TIMER_MS + 0.5, Number.NaN, Infinity, "1", null, undefined])(
    "refuses %s, naming the option",
    (value) => {
      expect(thrown(ConfigError, () => milliseconds(value as number, "b: maxDelayMs")).message).toBe(
        `[invalid_argument] b: maxDelayMs must be a number of milliseconds from 0 to 2147483647, got ${String(value)}.`,
      );
    },
  );
});

describe("retryDecision", () => {
  const policy = resolveRetryPolicy();

  it.each([408, 429, 502, 503, 504])("retries status %i", (status) => {
    expect(retryDecision({ kind: "status", status }, 0, policy)).toEqual({ retry: true, reason: `status ${status}` });
  });

  it.each([400, 404, 422, 500, 501])(
    "does not retry status %i (500: a model failing on this input fails again)",
    (status) => {
      expect(retryDecision({ kind: "status", status }, 0, policy)).toEqual({
        retry: false,
        reason: `status ${status} is not retried`,
      });
    },
  );

  it("retries the statuses the policy lists, and only those", () => {
    const only500 = resolveRetryPolicy({ statusCodes: [500] });
    expect(retryDecision({ kind: "status", status: 500 }, 0, only500)).toEqual({ retry: true, reason: "status 500" });
    expect(retryDecision({ kind: "status", status: 503 }, 0, only500)).toEqual({
      retry: false,
      reason: "status 503 is not retried",
    });
  });

  it("retries connection failures and attempt timeouts, saying which", () => {
    expect(retryDecision({ kind: "connection" }, 0, policy)).toEqual({ retry: true, reason: "connection failed" });
    expect(retryDecision({ kind: "attempt-timeout" }, 1, policy)).toEqual({
      retry: true,
      reason: "attempt timed out",
    });
  });

  it("never retries a cancel or the call's deadline, even with retries left", () => {
    expect(retryDecision({ kind: "final" }, 0, policy)).toEqual({
      retry: false,
      reason: "cancelled or past the deadline",
    });
    expect(retryDecision({ kind: "final" }, 5, policy)).toEqual({
      retry: false,
      reason: "cancelled or past the deadline",
    });
  });

  it("retries gRPC UNAVAILABLE", () => {
    expect(retryDecision({ kind: "grpc", code: "unavailable" }, 0, policy)).toEqual({
      retry: true,
      reason: "gRPC UNAVAILABLE",
    });
  });

  it.each(["unknown", "deadline_exceeded", "resource_exhausted", "internal", "invalid_argument", "aborted"] as const)(
    "does not retry gRPC %s: any code but UNAVAILABLE is the server's answer",
    (code) => {
      expect(retryDecision({ kind: "grpc", code }, 0, policy)).toEqual({
        retry: false,
        reason: `gRPC ${code} is not retried`,
      });
    },
  );

  it("stops when the retries are used up, whatever the outcome", () => {
    expect(retryDecision({ kind: "connection" }, 1, policy).retry).toBe(true);
    for (const outcome of [
      { kind: "connection" },
      { kind: "attempt-timeout" },
      { kind: "grpc", code: "unavailable" },
      { kind: "status", status: 503 },
    ] as const) {
      expect(retryDecision(outcome, 2, policy)).toEqual({ retry: false, reason: "no retries left (2)" });
      expect(retryDecision(outcome, 3, policy)).toEqual({ retry: false, reason: "no retries left (2)" });
    }
    expect(retryDecision({ kind: "connection" }, 0, resolveRetryPolicy(false))).toEqual({
      retry: false,
      reason: "no retries left (0)",
    });
  });
});

describe("backoffDelay", () => {
  const policy = resolveRetryPolicy();

  it("doubles from 500 ms and stops at 8 s", () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => backoffDelay(n, policy, () => 0))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
  });

  it("takes the first delay for a retry number below 1", () => {
    expect(backoffDelay(0, policy, () => 0)).toBe(500);
  });

  it("takes off at most 25% as jitter", () => {
    expect(backoffDelay(1, policy, () => 0.999999)).toBe(375);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(1750);
  });
});

describe("parseRetryAfter", () => {
  // First in this block on purpose: the HTTP-date forms are built on the first date read, so the mutation run
  // attributes them to this test alone; it must both accept each form and refuse what is none of them.
  it("reads HTTP dates in the three forms only, relative to now", () => {
    expect(parseRetryAfter(headers({ "retry-after": "2026-11-23T12:00:05Z" }), NOW)).toBeUndefined();
    expect(parseRetryAfter(headers({ "retry-after": "Mon, 23 Nov 2026 12:00:05 GMT" }), NOW)).toBe(5000);
    expect(parseRetryAfter(headers({ "retry-after": "Monday, 23-Nov-26 12:00:07 GMT" }), NOW)).toBe(7000);
    expect(parseRetryAfter(headers({ "retry-after": "Mon Nov 23 12:00:09 2026" }), NOW)).toBe(9000);
    expect(parseRetryAfter(headers({ "retry-after": "23 Nov 2026 12:00:05 GMT" }), NOW)).toBeUndefined();
  });

  it("reads an IMF-fixdate (Sun, 06 Nov 1994 08:49:37 GMT)", () => {
    const now = Date.UTC(1994, 10, 6, 8, 49, 30);
    expect(parseRetryAfter(headers({ "retry-after": "Sun, 06 Nov 1994 08:49:37 GMT" }), now)).toBe(7000);
    for (const value of [
      "Sun, 6 Nov 1994 08:49:37 GMT",
      "Sun, 06 Nov 94 08:49:37 GMT",
      "Sun, 06 Nov 1994 08:49:37 UTC",
      "Sun, 06 Nov 1994 08:49 GMT",
      "Sunday, 06 Nov 1994 08:49:37 GMT",
      "Sun, 06 November 1994 08:49:37 GMT",
      "xSun, 06 Nov 1994 08:49:37 GMT",
      "Sun, 06 Nov 1994 08:49:37 GMTx",
    ]) {
      expect(parseRetryAfter(headers({ "retry-after": value }), now), value).toBeUndefined();
    }
  });

  it("reads an RFC 850 date (Sunday, 06-Nov-94 08:49:37 GMT)", () => {
    const now = Date.UTC(1994, 10, 6, 8, 49, 30);
    expect(parseRetryAfter(headers({ "retry-after": "Sunday, 06-Nov-94 08:49:37 GMT" }), now)).toBe(7000);
    for (const value of [
      "Sun, 06-Nov-94 08:49:37 GMT",
      "Sunday, 6-Nov-94 08:49:37 GMT",
      "Sunday, 06-Nov-1994 08:49:37 GMT",
      "Sunday, 06 Nov 94 08:49:37 GMT",
      "Sunday, 06-Nov-94 08:49:37",
      "xSunday, 06-Nov-94 08:49:37 GMT",
    ]) {
      expect(parseRetryAfter(headers({ "retry-after": value }), now), value).toBeUndefined();
    }
  });

  it("reads an asctime date (Sun Nov  6 08:49:37 1994), with the day padded by a space or a digit", () => {
    const now = Date.UTC(1994, 10, 6, 8, 49, 30);
    expect(parseRetryAfter(headers({ "retry-after": "Sun Nov  6 08:49:37 1994" }), now)).toBe(7000);
    expect(parseRetryAfter(headers({ "retry-after": "Sun Nov 06 08:49:37 1994" }), now)).toBe(7000);
    expect(parseRetryAfter(headers({ "retry-after": "Sun Nov 16 08:49:37 1994" }), now)).toBe(864_007_000);
    for (const value of [
      "Sun Nov 6 08:49:37 1994",
      "Sun Nov  6 08:49:37 94",
      "Sun Nov  6 08:49:37 1994 GMT",
      "Sunday Nov  6 08:49:37 1994",
      "Sun Nov  6 08:49:37 1994x",
    ]) {
      expect(parseRetryAfter(headers({ "retry-after": value }), now), value).toBeUndefined();
    }
  });

  describe("on a machine whose local time is not GMT", () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it("reads every form as GMT, asctime (which names no zone) included, not as local time", () => {
      // Date.parse reads a date that names no zone as local time: here an hour ahead of GMT, as in Berlin in
      // November. (Setting process.env.TZ would do it for real, but not in a worker thread, where Stryker runs.)
      const parse = Date.parse;
      vi.spyOn(Date, "parse").mockImplementation((text) => parse(text) - (/ GMT$/.test(text) ? 0 : 3_600_000));
      expect(parseRetryAfter(headers({ "retry-after": "Mon, 23 Nov 2026 12:00:05 GMT" }), NOW)).toBe(5000);
      expect(parseRetryAfter(headers({ "retry-after": "Monday, 23-Nov-26 12:00:07 GMT" }), NOW)).toBe(7000);
      expect(parseRetryAfter(headers({ "retry-after": "Mon Nov 23 12:00:09 2026" }), NOW)).toBe(9000);
    });
  });

  it("gives undefined for a date of the right form that is no date, so backoff applies", () => {
    expect(parseRetryAfter(headers({ "retry-after": "Mon, 99 Nov 2026 12:00:05 GMT" }), NOW)).toBeUndefined();
    expect(parseRetryAfter(headers({ "retry-after": "Mon, 23 Nov 2026 99:00:05 GMT" }), NOW)).toBeUndefined();
  });

  it("reads retry-after-ms first", () => {
    expect(parseRetryAfter(headers({ "retry-after-ms": "250", "retry-after": "9" }), NOW)).toBe(250);
    expect(parseRetryAfter(headers({ "retry-after-ms": "12.5" }), NOW)).toBe(12.5);
    expect(parseRetryAfter(headers({ "retry-after-ms": "12.25" }), NOW)).toBe(12.25);
    expect(parseRetryAfter(headers({ "retry-after-ms": "0", "retry-after": "9" }), NOW)).toBe(0);
    expect(parseRetryAfter(headers({ "retry-after-ms": " 250 ", "retry-after": "9" }), NOW)).toBe(250);
  });

  it.each(["x250", "250x", "-250", "1e3", ".5", "5.", "2 50", "", " ", "Infinity"])(
    "ignores a retry-after-ms of %j and reads Retry-After",
    (value) => {
      expect(parseRetryAfter(headers({ "retry-after-ms": value, "retry-after": "2" }), NOW)).toBe(2000);
      expect(parseRetryAfter(headers({ "retry-after-ms": value }), NOW)).toBeUndefined();
    },
  );

  it("reads delay-seconds", () => {
    expect(parseRetryAfter(headers({ "retry-after": "3" }), NOW)).toBe(3000);
    expect(parseRetryAfter(headers({ "retry-after": "30" }), NOW)).toBe(30_000);
    expect(parseRetryAfter(headers({ "retry-after": "007" }), NOW)).toBe(7000);
    expect(parseRetryAfter(headers({ "retry-after": " 0 " }), NOW)).toBe(0);
  });

  it("treats a date in the past as now", () => {
    expect(parseRetryAfter(headers({ "retry-after": "Mon, 23 Nov 2026 11:00:00 GMT" }), NOW)).toBe(0);
  });

  it.each(["", " ", "soon", "soon 5", "-3", "1.5", "1e3", "3 s", "x3", "Mon, 99 Foo 2026", "2026-11-23T12:00:05Z"])(
    "gives undefined for %j, so backoff applies",
    (value) => {
      expect(parseRetryAfter(headers({ "retry-after": value }), NOW)).toBeUndefined();
    },
  );

  it("gives undefined without either header", () => {
    expect(parseRetryAfter(headers({}), NOW)).toBeUndefined();
    expect(parseRetryAfter(() => null, NOW)).toBeUndefined();
  });

  it("asks for the headers by their lower-case names", () => {
    const asked: string[] = [];
    parseRetryAfter((name) => {
      asked.push(name);
      return undefined;
    }, NOW);
    expect(asked).toEqual(["retry-after-ms", "retry-after"]);
  });
});

describe("retryDelay and fitsBeforeDeadline", () => {
  const policy = resolveRetryPolicy();

  it("uses the server's delay without jitter, capped; backoff otherwise", () => {
    expect(retryDelay(1, 1234, policy, () => 0.9)).toBe(1234);
    expect(retryDelay(1, 0, policy, () => 0.9)).toBe(0);
    expect(retryDelay(1, 60_000, policy)).toBe(60_000);
    expect(retryDelay(1, 3_600_000, policy)).toBe(60_000);
    expect(retryDelay(2, undefined, policy, () => 0)).toBe(1000);
    expect(retryDelay(2, undefined, policy, () => 0.5)).toBe(875);
  });

  it("never plans a wait that ends at or past the deadline", () => {
    expect(fitsBeforeDeadline(500, 1000, 2000)).toBe(true);
    expect(fitsBeforeDeadline(999, 1000, 2000)).toBe(true);
    expect(fitsBeforeDeadline(1000, 1000, 2000)).toBe(false);
    expect(fitsBeforeDeadline(5000, 1000, 2000)).toBe(false);
    expect(fitsBeforeDeadline(1e9, 0, undefined)).toBe(true);
  });
});
