/**
 * The attempt loop of every call, REST and gRPC: try, decide on the outcome (retry.ts), wait (never past the
 * deadline, cut short by a cancel), try again. The protocols bring what differs, as functions: how to send one
 * attempt and classify what it met, and what the call throws when it ends. This is the one place where a call
 * and its attempts happen, and so where per-call observers (the logger today; telemetry and batching later)
 * attach.
 */
import type { KServeError } from "./errors.js";
import { type AttemptOutcome, fitsBeforeDeadline, retryDecision, retryDelay, type RetryPolicy } from "./retry.js";
import { sleep } from "../internal/signals.js";

/** The clock and randomness of a call, injectable for tests. */
export interface Clock {
  now(): number;
  random(): number;
}

/** The real clock, read at each use (so fake timers and spies installed later still apply). */
export const SYSTEM_CLOCK: Clock = { now: () => Date.now(), random: () => Math.random() };

/** A failed attempt, as the protocol classified it. */
export interface AttemptFailure {
  /** The error the call ends with if this is its last attempt. */
  error: KServeError;
  /** What the retry policy decides on. */
  outcome: AttemptOutcome;
  /** A delay the server asked for (Retry-After, grpc-retry-pushback-ms). */
  retryAfterMs?: number | undefined;
  /** The status of an answer that is a failure (REST's non-2xx): observers see it instead of the error. */
  status?: number | undefined;
  /** What to throw if the call ends here, for `exhausted` (gRPC keeps connect's error for its own ending). */
  thrown?: unknown;
}

/** One attempt's result: the call's value, or a failure that came as an answer. */
export type Attempted<T> = { value: T; status?: number | string | undefined } | { failure: AttemptFailure };

/** What happens in a call, for whoever watches calls (the logger; telemetry). */
export interface CallObserver {
  /** After each attempt: its number (0-based), its duration, and its status or error. */
  attempt?(event: {
    method: string;
    url: string;
    attempt: number;
    status?: number | string | undefined;
    error?: string | undefined;
    durationMs: number;
  }): void;
  /** Before each wait for a retry: why, and how long. */
  retry?(event: { method: string; url: string; attempt: number; reason: string; delayMs: number }): void;
}

/** A call, as a protocol describes it to the runner. */
export interface CallPlan<T> {
  /** For observers: `POST` and the URL, or `gRPC` and the RPC. */
  method: string;
  url: string;
  policy: RetryPolicy;
  /** The call's deadline on `clock`, if it has one. */
  deadline: number | undefined;
  /** Aborts when the call is cancelled or its deadline passes: the runner's waits end with it. */
  signal: AbortSignal | undefined;
  clock: Clock;
  observer?: CallObserver | undefined;
  /**
   * Send attempt `attempt` (0-based): the call's value, or a failure worth deciding on (a failed answer, a
   * connection that failed). What it throws ends the call as it is: the protocol has made it the call's error
   * (its cancel, its deadline, a failure not worth retrying).
   */
  send(attempt: number): Promise<Attempted<T>>;
  /** What the call throws when the signal aborts during a wait for a retry, after `attempts` attempts. */
  stopped(attempts: number, lastError: KServeError, reason: unknown): unknown;
  /** What the call throws when the policy or the deadline allows no further attempt. */
  exhausted(failure: AttemptFailure, attempts: number): unknown;
}

/**
 * Run `plan`: its value, or the error its attempts or the way it ended make. A wait that would end past the deadline
 * is not started: the call ends at once with the last failure, which is the real story.
 */
export async function runCall<T>(plan: CallPlan<T>): Promise<T> {
  const { clock, observer, policy, method, url } = plan;
  for (let attempt = 0; ; attempt++) {
    const started = clock.now();
    const told = (how: { status?: number | string | undefined } | { error: string }) =>
      observer?.attempt?.({ method, url, attempt, ...how, durationMs: clock.now() - started });
    const result = await plan.send(attempt);
    if ("value" in result) {
      told({ status: result.status });
      return result.value;
    }
    const { failure } = result;
    // A failed answer is told by its status; a failure without one (no answer, a timeout) by its error.
    told(failure.status === undefined ? { error: failure.error.rawMessage } : { status: failure.status });
    const decision = retryDecision(failure.outcome, attempt, policy);
    const delayMs = retryDelay(attempt + 1, failure.retryAfterMs, policy, clock.random);
    if (!decision.retry || !fitsBeforeDeadline(delayMs, clock.now(), plan.deadline))
      throw plan.exhausted(failure, attempt + 1);
    observer?.retry?.({ method, url, attempt, reason: decision.reason, delayMs });
    try {
      await sleep(delayMs, plan.signal);
    } catch (reason) {
      throw plan.stopped(attempt + 1, failure.error, reason);
    }
  }
}

/** The logger as a call observer: one debug line per attempt and per retry (never with credentials). */
export function loggingObserver(
  logger: { debug(message: string, fields: Record<string, unknown>): void } | undefined,
): CallObserver | undefined {
  return (
    logger && {
      attempt: (event) => logger.debug("kserve-client: attempt", event),
      retry: (event) => logger.debug("kserve-client: retrying", event),
    }
  );
}
