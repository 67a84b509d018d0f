/**
 * Wait `ms`, or less if `signal` aborts first: then reject with the signal's reason. The timer and the
 * listener are both removed whichever way it ends, so a long-lived signal collects no listeners and no timer
 * keeps a process alive after a cancel.
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
