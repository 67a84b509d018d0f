/**
 * AbortSignal plumbing used wherever a call has a deadline or a caller's cancel: one place for "a listener plus a
 * timer" so that every one of them removes both, whichever way it ends (a long-lived signal collects no
 * listeners, and no timer keeps a process alive after the work is done).
 */

/** A signal and what ends it; `dispose()` removes the timer and the listeners (the signal stays as it is). */
export interface OwnedSignal {
  readonly signal: AbortSignal;
  dispose(): void;
}

/** A signal with a time limit: `timedOut()` says whether the limit, rather than the outer signal, aborted it. */
export interface DeadlineSignal extends OwnedSignal {
  timedOut(): boolean;
}

/** Longest timer setTimeout honours (about 24.8 days); Node fires longer ones at once, so such a limit is treated as none here. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A signal that aborts with `reason()` after `ms`, or with `outer`'s reason as soon as `outer` aborts (the caller's
 * cancel is then the story, and the timer no longer fires). `reason` is called only when the time is up, so it
 * can describe the state at that moment. `outer` must not have aborted yet (check it first: that is a cancel
 * before the work started, which callers report as such).
 */
export function deadlineSignal(ms: number, reason: () => unknown, outer?: AbortSignal): DeadlineSignal {
  const controller = new AbortController();
  let timedOut = false;
  const onOuterAbort = () => controller.abort(outer!.reason);
  // Callers check `outer` before they start: one that has already aborted never reaches here.
  outer?.addEventListener("abort", onOuterAbort, { once: true });
  const timer =
    ms > MAX_TIMER_MS
      ? undefined
      : setTimeout(() => {
          if (controller.signal.aborted) return;
          timedOut = true;
          controller.abort(reason());
        }, ms);
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose: () => {
      clearTimeout(timer);
      outer?.removeEventListener("abort", onOuterAbort);
    },
  };
}

/** A signal that aborts, with the same reason, as soon as any of `signals` does. */
export function linkSignals(...signals: readonly (AbortSignal | undefined)[]): OwnedSignal {
  const controller = new AbortController();
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  const listeners = present.map((s) => {
    const onAbort = () => controller.abort(s.reason);
    return [s, onAbort] as const;
  });
  const dispose = () => {
    for (const [s, onAbort] of listeners) s.removeEventListener("abort", onAbort);
  };
  const first = present.find((s) => s.aborted);
  if (first !== undefined) controller.abort(first.reason);
  else for (const [s, onAbort] of listeners) s.addEventListener("abort", onAbort, { once: true });
  return { signal: controller.signal, dispose };
}

/** `promise`, or a rejection with the signal's reason as soon as it aborts (from now on: check `aborted` first). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Wait `ms`, or less if `signal` aborts first: then reject with the signal's reason. The timer and the listener are
 * both removed whichever way it ends.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
