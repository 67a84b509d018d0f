/**
 * The checks every row of the fault matrix ends with (issue 8): no unhandled rejection or uncaught exception,
 * no socket, server or timer of the case left open once its clients and servers are closed, and the call
 * settled within its deadline (plus a small margin).
 *
 * Resources are attributed to a case with async_hooks: every TCP socket, TCP server and timer
 * created while the case runs is recorded, and must have been destroyed (a timer: fired or cleared) after a
 * short settle. `process.getActiveResourcesInfo()` counts of the same kinds must be back to where they were too.
 * Timers that do not keep the process alive (unref'd) are left out: libraries keep one as a clock tick (undici's
 * timer wheel) that stops by itself, and an unref'd timer is no leak a user notices.
 */
import { createHook } from "node:async_hooks";
import { expect } from "vitest";

/** async_hooks resource types that are a socket, a server or a timer. (An HTTP/2 session is freed only at GC; its socket is what stays open.) */
const TRACKED = new Set(["TCPWRAP", "TCPSERVERWRAP", "Timeout"]);
/** The same, as `process.getActiveResourcesInfo()` names them. */
const ACTIVE = ["TCPSocketWrap", "TCPServerWrap", "Timeout"] as const;

/** How long closing may take to reach the kernel (a FIN answered, a close callback run). */
const SETTLE_MS = 2000;
/** Slack on a deadline: the time from the deadline's timer firing to the promise settling, on a busy CI machine. */
export const DEADLINE_MARGIN_MS = 400;

interface Live {
  type: string;
  resource: object;
  /** Where it was created, for the failure message. */
  stack: string;
}

/** What one timed call ended in. */
export interface Settled<T> {
  value?: T;
  error?: unknown;
  ok: boolean;
  elapsedMs: number;
}

/** What a case body gets: a place to register what must be closed, and a timer for the call under test. */
export interface FaultCase {
  /** Close this when the case ends (last registered, first closed), before the leak check. */
  defer(close: () => unknown): void;
  /**
   * Run `call` and report how it settled; fails the case if that took longer than `deadlineMs` plus
   * {@link DEADLINE_MARGIN_MS}.
   */
  timed<T>(deadlineMs: number, call: () => Promise<T>): Promise<Settled<T>>;
}

function activeCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether a tracked resource still keeps something open. */
function alive(live: Live): boolean {
  if (live.type !== "Timeout") return true; // removed from the map on destroy
  const timer = live.resource as { hasRef?: () => boolean };
  return timer.hasRef?.() !== false;
}

/**
 * Run one case of the matrix and check what it left behind. `body` starts its servers and clients (registering
 * each with `defer`), makes its call through `timed`, and asserts the outcome.
 */
export async function faultCase(body: (c: FaultCase) => Promise<void>): Promise<void> {
  const before = activeCounts();
  const live = new Map<number, Live>();
  let settling = false;
  const hook = createHook({
    init(asyncId, type, _trigger, resource) {
      if (settling || !TRACKED.has(type)) return;
      const stack = (new Error().stack ?? "").split("\n").slice(2, 9).join("\n");
      live.set(asyncId, { type, resource, stack });
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  });
  const unhandled: unknown[] = [];
  const onRejection = (reason: unknown) => unhandled.push(reason);
  const onException = (error: unknown) => unhandled.push(error);
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  const closers: (() => unknown)[] = [];
  hook.enable();
  let failure: unknown;
  try {
    await body({
      defer: (close) => void closers.push(close),
      async timed<T>(deadlineMs: number, call: () => Promise<T>): Promise<Settled<T>> {
        const started = performance.now();
        let settled: Settled<T>;
        try {
          const value = await call();
          settled = { value, ok: true, elapsedMs: performance.now() - started };
        } catch (error) {
          settled = { error, ok: false, elapsedMs: performance.now() - started };
        }
        expect(
          settled.elapsedMs,
          `settled after ${Math.round(settled.elapsedMs)} ms, deadline ${deadlineMs} ms`,
        ).toBeLessThanOrEqual(deadlineMs + DEADLINE_MARGIN_MS);
        return settled;
      },
    });
  } catch (error) {
    failure = error;
  } finally {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (error) {
        failure ??= error;
      }
    }
  }
  // Let closes reach the peer and late errors surface (an unhandled rejection shows after a turn or two).
  // The settle's own timers are not the case's.
  settling = true;
  const until = performance.now() + SETTLE_MS;
  await sleep(20);
  while (performance.now() < until && ([...live.values()].some(alive) || grown(before).length > 0)) await sleep(20);
  hook.disable();
  process.off("unhandledRejection", onRejection);
  process.off("uncaughtException", onException);
  if (failure !== undefined) throw failure;

  const rejected = unhandled.map(describe);
  expect(rejected, `unhandled rejections or uncaught exceptions: ${rejected.join("; ")}`).toEqual([]);
  const left = [...live.values()].filter(alive).map((l) => `${l.type} created at\n${l.stack}`);
  expect(left, `sockets, servers or timers the case left open:\n${left.join("\n")}\n`).toEqual([]);
  const more = grown(before);
  expect(more, `process.getActiveResourcesInfo() kinds that grew: ${more.join(", ")}`).toEqual([]);
}

/** The kinds of active resources there are more of than `before`. */
function grown(before: Record<string, number>): string[] {
  const now = activeCounts();
  return ACTIVE.filter((name) => (now[name] ?? 0) > (before[name] ?? 0)).map(
    (name) => `${name}: ${before[name] ?? 0} → ${now[name]}`,
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
