/**
 * `waitForModelReady`, the same for REST and gRPC: poll a readiness check with backoff until the model is ready,
 * treating failures while a model scales up as progress, and on timeout name the last answer a check got.
 */
import { AbortError, isKServeError, TimeoutError } from "./errors.js";
import { sleep } from "../internal/signals.js";

/** Options of `waitForModelReady` (a model on its server; `kserve-client/deploy` has InferenceServiceWaitOptions for the cluster side). */
export interface ModelWaitOptions {
  /** How long to wait in all, in ms; no limit when absent. */
  timeoutMs?: number | undefined;
  /** Cancels the wait at once, sleeps included (an AbortError). */
  signal?: AbortSignal | undefined;
  version?: string | undefined;
  /** Called after every check that did not find the model ready, with the check's error if it failed. */
  onProgress?: ((progress: { attempt: number; elapsedMs: number; error?: Error | undefined }) => void) | undefined;
}

/**
 * What one readiness check found. `answer` says what the server answered when the model was not ready, as the
 * timeout's message will quote it: "answered HTTP 404: Model with name iris does not exist".
 */
export interface ReadinessAnswer {
  ready: boolean;
  answer?: string | undefined;
}

/** One readiness check, as a client's `modelReady` does it; a boolean when the answer has nothing more to say. */
export type ReadinessCheck = (call: {
  version?: string | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  retry: false;
}) => Promise<boolean | ReadinessAnswer>;

/** Codes that end the wait at once: waiting cannot fix a cancel, bad credentials, a wrong setting or a broken protocol. */
const GIVE_UP = new Set([
  "canceled",
  "unauthenticated",
  "permission_denied",
  "invalid_argument",
  "unimplemented",
  "internal",
]);

/**
 * The least time a check is sent with. A check sent with no time left can only time out, and would then stand in
 * the timeout's message for the answers the earlier checks did get.
 */
const MIN_CHECK_MS = 100;

/** Poll with backoff (250 ms, ×1.5, at most 5 s) until ready; failures while the model scales up are progress, not errors. */
export async function waitUntilReady(check: ReadinessCheck, model: string, wait: ModelWaitOptions): Promise<void> {
  const started = Date.now();
  const deadline = wait.timeoutMs === undefined ? undefined : started + wait.timeoutMs;
  let delay = 250;
  // What the last check that got an answer (or failed on its own) found; "answered …" or "failed: …".
  let last: string | undefined;
  let lastError: Error | undefined;
  for (let checks = 1; ; checks++) {
    const remaining = deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
    let error: Error | undefined;
    try {
      const found = await check({ version: wait.version, signal: wait.signal, timeoutMs: remaining, retry: false });
      const readiness = typeof found === "boolean" ? { ready: found } : found;
      if (readiness.ready) return;
      last = readiness.answer ?? "answered not ready";
      lastError = undefined;
    } catch (caught) {
      if (!(caught instanceof Error) || (isKServeError(caught) && GIVE_UP.has(caught.code))) throw caught;
      error = caught; // connection refused, 502 from a gateway whose backend is scaling from zero, …
      // A check that ran out of the wait's time got no answer: the check before it keeps the last word.
      if (!(caught instanceof TimeoutError && deadline !== undefined) || last === undefined) {
        last = `failed: ${caught.message}`;
        lastError = caught;
      }
    }
    wait.onProgress?.({ attempt: checks, elapsedMs: Date.now() - started, error });
    const left = deadline === undefined ? Infinity : deadline - Date.now();
    if (left < MIN_CHECK_MS) {
      throw new TimeoutError(
        `Model "${model}" was not ready within ${wait.timeoutMs} ms (${checks} ${checks === 1 ? "check" : "checks"}); the last check ${last}.`,
        {
          cause: lastError,
          model,
        },
      );
    }
    try {
      await sleep(Math.min(delay, left - MIN_CHECK_MS), wait.signal);
    } catch (reason) {
      throw new AbortError(`Waiting for model "${model}" was cancelled.`, { cause: reason, model });
    }
    delay = Math.min(delay * 1.5, 5000);
  }
}
