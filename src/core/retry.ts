import { ConfigError, type ErrorCode } from "./errors.js";
import { MAX_TIMER_MS } from "../internal/signals.js";

/**
 * Retry policy as pure functions (ARCHITECTURE.md, where each concern lives): whether an attempt's outcome is worth another try, how long
 * to wait, what the server's Retry-After asks for, and whether the call's deadline leaves room for the wait.
 * The request loop composes these; nothing here sleeps or reads a clock.
 */

/** Overrides of the default retry policy; `retry: false` turns retries off. */
export interface RetryOptions {
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number | undefined;
  /** First backoff delay; doubles per retry. Default 500 ms. */
  initialDelayMs?: number | undefined;
  /** Ceiling of the backoff delay. Default 8 s. */
  maxDelayMs?: number | undefined;
  /** Ceiling of a server-requested delay (Retry-After). Default 60 s. */
  maxRetryAfterMs?: number | undefined;
  /** Give up on one attempt after this long and retry (within the call's `timeoutMs`). Default: no limit. */
  attemptTimeoutMs?: number | undefined;
  /**
   * Statuses worth another attempt. Default 408, 429, 502, 503, 504 — not 500: on a model server a 500 is
   * usually the model failing on this input, and it will fail again.
   */
  statusCodes?: readonly number[] | undefined;
}

/** A fully resolved policy. */
export interface RetryPolicy {
  maxRetries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
  attemptTimeoutMs: number | undefined;
  statusCodes: ReadonlySet<number>;
}

export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({
  maxRetries: 2,
  initialDelayMs: 500,
  maxDelayMs: 8000,
  maxRetryAfterMs: 60_000,
  attemptTimeoutMs: undefined,
  statusCodes: new Set([408, 429, 502, 503, 504]),
});

/**
 * The policy for a client option and a per-call option. The call's wins: `false` turns retries off, options
 * override the client's field by field (and turn retries back on if the client had `retry: false`).
 *
 * @throws {ConfigError} for a count or delay that is not a finite, non-negative number
 */
export function resolveRetryPolicy(client?: RetryOptions | false, call?: RetryOptions | false): RetryPolicy {
  if (call === false || (client === false && call === undefined)) return { ...DEFAULT_RETRY, maxRetries: 0 };
  const base = client || undefined;
  const pick = <K extends keyof RetryOptions>(key: K) => call?.[key] ?? base?.[key];
  const delay = (key: "initialDelayMs" | "maxDelayMs" | "maxRetryAfterMs") =>
    milliseconds(pick(key) ?? DEFAULT_RETRY[key], `retry.${key}`);
  const attemptTimeoutMs = pick("attemptTimeoutMs"); // Infinity is no limit, as leaving it out is
  return {
    maxRetries: count(pick("maxRetries") ?? DEFAULT_RETRY.maxRetries, "retry.maxRetries"),
    initialDelayMs: delay("initialDelayMs"),
    maxDelayMs: delay("maxDelayMs"),
    maxRetryAfterMs: delay("maxRetryAfterMs"),
    attemptTimeoutMs:
      attemptTimeoutMs === undefined || attemptTimeoutMs === Infinity
        ? undefined
        : milliseconds(attemptTimeoutMs, "retry.attemptTimeoutMs"),
    statusCodes: new Set(pick("statusCodes") ?? DEFAULT_RETRY.statusCodes),
  };
}

function count(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new ConfigError(`${name} must be a whole number of at least 0, got ${String(value)}.`);
  return value;
}

/** A delay or time limit: finite, 0 to {@link MAX_TIMER_MS}. Internal. */
export function milliseconds(value: number, name: string): number {
  // Number.isFinite is false for anything but a number: a string from a JavaScript caller is refused too.
  if (!Number.isFinite(value) || value < 0 || value > MAX_TIMER_MS) {
    throw new ConfigError(`${name} must be a number of milliseconds from 0 to ${MAX_TIMER_MS}, got ${String(value)}.`);
  }
  return value;
}

/** What one attempt ended in, as far as retrying is concerned. */
export type AttemptOutcome =
  | { kind: "status"; status: number }
  /** No complete answer: refused, reset, DNS, TLS. */
  | { kind: "connection" }
  /** This attempt's own time limit passed (not the call's deadline). */
  | { kind: "attempt-timeout" }
  /** A gRPC status the server sent: only UNAVAILABLE is retried (any other code is the server's answer). */
  | { kind: "grpc"; code: ErrorCode }
  /** The caller cancelled, or the call's deadline passed: never retried. */
  | { kind: "final" };

/** Whether to try again after `attempt` (0 for the first) ended in `outcome`, and why, for the log. */
export function retryDecision(
  outcome: AttemptOutcome,
  attempt: number,
  policy: RetryPolicy,
): { retry: boolean; reason: string } {
  if (outcome.kind === "final") return { retry: false, reason: "cancelled or past the deadline" };
  if (attempt >= policy.maxRetries) return { retry: false, reason: `no retries left (${policy.maxRetries})` };
  switch (outcome.kind) {
    case "connection":
      return { retry: true, reason: "connection failed" };
    case "attempt-timeout":
      return { retry: true, reason: "attempt timed out" };
    case "grpc":
      return outcome.code === "unavailable"
        ? { retry: true, reason: "gRPC UNAVAILABLE" }
        : { retry: false, reason: `gRPC ${outcome.code} is not retried` };
    case "status":
      return policy.statusCodes.has(outcome.status)
        ? { retry: true, reason: `status ${outcome.status}` }
        : { retry: false, reason: `status ${outcome.status} is not retried` };
  }
}

/**
 * Exponential backoff for retry number `retry` (1 for the first retry): initialDelay · 2^(retry-1), capped, minus
 * up to 25% jitter so that clients that failed together do not come back together.
 *
 * @param random a number in [0, 1); injectable so tests are deterministic
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.initialDelayMs * 2 ** Math.max(0, retry - 1), policy.maxDelayMs);
  return Math.round(base * (1 - 0.25 * random()));
}

/** Reads one response header by lower-case name. */
export type HeaderLookup = (name: string) => string | null | undefined;

/**
 * The delay a server asked for, in ms: `retry-after-ms` (milliseconds) first, then `Retry-After` as
 * delay-seconds or an HTTP date. Undefined when absent or unreadable (then backoff applies), so garbage never
 * stops a retry; negative or past values mean "now" (0).
 *
 * @param nowMs the current time, for HTTP dates
 */
export function parseRetryAfter(header: HeaderLookup, nowMs: number): number | undefined {
  const ms = header("retry-after-ms")?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Number(ms);
  const value = header("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Only the three HTTP-date forms (RFC 9110 §5.6.7); Date.parse alone reads "soon 5" as a date in 2001.
  if (!httpDates().some((form) => form.test(value))) return undefined;
  // asctime has no zone, and Date.parse would read it as local time; HTTP dates are all GMT.
  const at = Date.parse(value.replace(/\d$/, "$& GMT"));
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

const DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
const TIME = "\\d{2}:\\d{2}:\\d{2}";
/**
 * The three HTTP-date forms, built on first use: a table built at import time stays in every bundle that
 * imports this module, the gRPC client's included, which never reads Retry-After.
 */
let httpDateForms: readonly RegExp[] | undefined;
function httpDates(): readonly RegExp[] {
  return (httpDateForms ??= [
    new RegExp(`^${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT$`), // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
    new RegExp(`^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \\d{2}-${MONTH}-\\d{2} ${TIME} GMT$`), // RFC 850
    new RegExp(`^${DAY} ${MONTH} [ \\d]\\d ${TIME} \\d{4}$`), // asctime: Sun Nov  6 08:49:37 1994
  ]);
}

/**
 * The wait before retry number `retry`: the server's Retry-After (capped at `maxRetryAfterMs`, no jitter: the
 * server chose it) or else backoff.
 */
export function retryDelay(
  retry: number,
  retryAfterMs: number | undefined,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  return retryAfterMs === undefined
    ? backoffDelay(retry, policy, random)
    : Math.min(retryAfterMs, policy.maxRetryAfterMs);
}

/**
 * True if waiting `delayMs` from `nowMs` still leaves time for another attempt before `deadlineMs`. When it
 * does not, the call ends at once with the last error rather than sleeping past its deadline.
 */
export function fitsBeforeDeadline(delayMs: number, nowMs: number, deadlineMs: number | undefined): boolean {
  return deadlineMs === undefined || nowMs + delayMs < deadlineMs;
}
