/**
 * The batcher's decisions as pure functions (the queue in batch-queue.ts applies them): its limits and their
 * defaults, how many waiting calls the next batch takes, how long a batch request may run, which failures are
 * worth sending each call again alone, and the errors a batcher ends a call with.
 */
import type { Telemetry } from "./request-context.js";
import { ConfigError, isKServeError, KServeError, ValidationError } from "./errors.js";
import { milliseconds } from "./retry.js";

/** Options of a batcher (`createBatcher`, `createV1Batcher`). */
export interface BatchLimitOptions {
  /** The most rows in one batch request. Default 64. A call with more rows than this is sent alone. */
  maxBatchSize?: number | undefined;
  /**
   * How long the first call of a batch waits for others to join it, in ms. Default 2. A batch goes as soon as it
   * has `maxBatchSize` rows, or `maxDelayMs` after its first call, whichever comes first.
   */
  maxDelayMs?: number | undefined;
  /** Batch requests in flight at once; the others wait (and grow) until one answers. Default 4. */
  maxConcurrentBatches?: number | undefined;
  /**
   * The most rows waiting to be sent. A call that would pass it fails at once with `resource_exhausted`, rather
   * than waiting behind a server that is not keeping up. Default 10,000, or `maxBatchSize` if that is larger.
   */
  maxQueuedRows?: number | undefined;
  /** OpenTelemetry for each caller's call: `telemetry()` from `kserve-client/otel` (a span per call, not per batch). */
  telemetry?: Telemetry | undefined;
}

/** The limits, checked and with their defaults. */
export interface BatchLimits {
  maxBatchSize: number;
  maxDelayMs: number;
  maxConcurrentBatches: number;
  maxQueuedRows: number;
}

const DEFAULT_MAX_BATCH_SIZE = 64;
const DEFAULT_MAX_DELAY_MS = 2;
const DEFAULT_MAX_CONCURRENT_BATCHES = 4;
const DEFAULT_MAX_QUEUED_ROWS = 10_000;

/**
 * `options` checked, with the defaults filled in; `who` names the batcher in messages (`createBatcher("iris")`).
 *
 * @throws {ConfigError} for a count that is not a whole number of at least 1, a delay that is not a number of
 *   milliseconds, or `maxQueuedRows` below `maxBatchSize` (a batch could never fill)
 */
export function resolveBatchLimits(options: BatchLimitOptions | undefined, who: string): BatchLimits {
  const count = (name: Exclude<keyof BatchLimitOptions, "telemetry">, fallback: number): number => {
    const value = options?.[name] ?? fallback;
    if (!Number.isSafeInteger(value) || value < 1)
      throw new ConfigError(`${who}: ${name} must be a whole number of at least 1, got ${String(value)}.`);
    return value;
  };
  const maxBatchSize = count("maxBatchSize", DEFAULT_MAX_BATCH_SIZE);
  const maxQueuedRows = count("maxQueuedRows", Math.max(DEFAULT_MAX_QUEUED_ROWS, maxBatchSize));
  if (maxQueuedRows < maxBatchSize) {
    throw new ConfigError(
      `${who}: maxQueuedRows (${maxQueuedRows}) is less than maxBatchSize (${maxBatchSize}), so no batch could fill; raise maxQueuedRows or lower maxBatchSize.`,
    );
  }
  return {
    maxBatchSize,
    maxDelayMs: milliseconds(options?.maxDelayMs ?? DEFAULT_MAX_DELAY_MS, `${who}: maxDelayMs`),
    maxConcurrentBatches: count("maxConcurrentBatches", DEFAULT_MAX_CONCURRENT_BATCHES),
    maxQueuedRows,
  };
}

/**
 * How many calls from the head of a queue (oldest first, from index `head`) the next batch takes: as many as fit in
 * `maxRows`, in order (a call is never overtaken by a later, smaller one), and always at least one.
 */
export function takeCount(queue: readonly { rows: number }[], maxRows: number, head = 0): number {
  if (head >= queue.length) return 0;
  let end = head + 1;
  let rows = queue[head]!.rows;
  while (end < queue.length && rows + queue[end]!.rows <= maxRows) rows += queue[end++]!.rows;
  return end - head;
}

/**
 * The time limit of a batch request, from its calls' deadlines (ms on the same clock as `now`): until the latest
 * of them, so that no call's answer is cut short by another's deadline. `undefined` (the client's own `timeoutMs`
 * applies) when a call has none. At least 1 ms: a call whose deadline has come has already left the batch.
 */
export function batchTimeoutMs(deadlines: readonly (number | undefined)[], now: number): number | undefined {
  let latest = -Infinity;
  for (const deadline of deadlines) {
    if (deadline === undefined) return undefined;
    if (deadline > latest) latest = deadline;
  }
  return Math.max(1, latest - now);
}

/** HTTP statuses of a model that failed on its input: 400 (bad input), 422 (a body FastAPI refused), 500 (the model raised). */
const MODEL_FAILURES: ReadonlySet<number> = new Set([400, 422, 500]);

/**
 * Whether a batch that failed with `error` should be sent again call by call, so that the call that caused it
 * fails alone with its own error and the others get their answers: the model failed on the input (400, 422, 500;
 * over gRPC INVALID_ARGUMENT and INTERNAL), or the joined request was refused before it was sent (a value the
 * chosen encoding cannot carry). Anything else (the server unreachable, a deadline, a broken answer) would fail
 * each call alike, so every call gets that error.
 */
export function retriesAlone(error: unknown): boolean {
  if (!isKServeError(error)) return false;
  if (error instanceof ValidationError) return true;
  if (error.status !== undefined) return MODEL_FAILURES.has(error.status);
  return error.grpcCode !== undefined && (error.code === "invalid_argument" || error.code === "internal");
}

/**
 * The error every caller of a batch gets when the model's answer does not keep the batch dimension (`what` says
 * how), so it cannot be cut back into the callers' answers.
 */
export function notBatchable(model: string, what: string): KServeError {
  return new KServeError(
    "failed_precondition",
    `Model "${model}" cannot be batched: ${what}, so its answer cannot be split by caller. Call the client directly for this model; a batcher needs a model that answers one row per input row.`,
    { model },
  );
}
