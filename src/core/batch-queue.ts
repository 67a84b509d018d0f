/**
 * The batcher's queue, for any protocol: calls wait in groups of calls that can share a request, a group goes
 * when it has `maxBatchSize` rows or `maxDelayMs` after its first call, at most `maxConcurrentBatches` requests are
 * in flight, and each caller keeps its own deadline and cancel. The protocol (v2/batcher.ts, v1/batcher.ts) says
 * how to join and send a batch and how to cut its answer; the decisions are the pure functions of batch-policy.ts.
 */
import { AbortError, KServeError, TimeoutError } from "./errors.js";
import { type BatchLimits, batchTimeoutMs, retriesAlone, takeCount } from "./batch-policy.js";
import { milliseconds } from "./retry.js";

/** What a batcher has done so far, and what it holds now. */
export interface BatcherStats {
  /** Calls taken (refused ones are not counted). */
  calls: number;
  /** Requests sent to the model: batches, calls sent alone, and calls sent again alone after a model error. */
  batches: number;
  /** Rows in those requests. */
  rows: number;
  /** Calls waiting to be sent. */
  queuedCalls: number;
  /** Rows waiting to be sent (what `maxQueuedRows` bounds). */
  queuedRows: number;
  /** Requests sent and not answered yet. */
  inFlight: number;
  /** Calls refused with `resource_exhausted` because `maxQueuedRows` was reached. */
  refused: number;
  /** Calls sent again alone because the batch they were in failed with a model error. */
  retriedAlone: number;
}

/** Per-call options of a batched call. */
export interface BatchCallOptions {
  /** Cancels this call at once; the others in its batch carry on. */
  signal?: AbortSignal | undefined;
  /**
   * This call's time limit, from the moment it is made (waiting in the queue included). When it passes, the call
   * fails with a TimeoutError at once and leaves its batch; the batch request runs until its latest caller's
   * deadline. Without it, the client's own `timeoutMs` bounds the batch request.
   */
  timeoutMs?: number | undefined;
}

/** What every batcher has besides its call: its counts, and its end. */
export interface BatcherControls {
  /** Counts so far and what waits now. */
  stats(): BatcherStats;
  /** Send every call still waiting, refuse new ones, and resolve once every call has its answer or error. */
  close(): Promise<void>;
}

/** One call as the protocol hands it to the queue. */
export interface QueuedItem<Item> {
  item: Item;
  rows: number;
  /** Calls with the same key can share a request; `undefined`: this call goes alone. */
  key: string | undefined;
}

/** How a protocol sends a batch. */
export interface BatchSender<Item, Result> {
  /** The model, for messages. */
  model: string;
  /**
   * Send `items` (one or more calls, in queue order) as one request, and return each call's result, in the same
   * order. Throw to fail them all (or, for a model error, to have each sent again alone).
   */
  send(items: readonly Item[], call: { signal: AbortSignal; timeoutMs: number | undefined }): Promise<Result[]>;
}

/** A batcher's queue. */
export interface BatchQueue<Item, Result> extends BatcherControls {
  submit(queued: QueuedItem<Item>, call: BatchCallOptions | undefined): Promise<Result>;
}

interface Member<Item, Result> extends QueuedItem<Item> {
  /** Arrival order: the oldest waiting call decides which group goes next. */
  seq: number;
  deadline: number | undefined;
  state: "queued" | "sent" | "settled";
  /** Sent again alone after its batch failed with a model error: never joined again. */
  alone: boolean;
  group: Group<Item, Result> | undefined;
  batch: Batch | undefined;
  resolve(value: Result): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout> | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

interface Group<Item, Result> {
  /** The key it is held under in the queue's map (the member itself for a call that goes alone). */
  key: unknown;
  /** Waiting calls, oldest first, from `head` on: taking a batch moves `head` rather than shifting the array. */
  members: Member<Item, Result>[];
  head: number;
  rows: number;
  /** `maxDelayMs` has passed since the group's first call (or the group is one call that goes alone). */
  due: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface Batch {
  /** Calls of the batch still waiting for its answer; at 0 the request is cancelled. */
  waiting: number;
  controller: AbortController;
}

/**
 * A queue that sends through `sender` within `limits`.
 *
 * @param now the clock of the callers' deadlines (read at each use, so fake timers apply)
 */
export function createBatchQueue<Item, Result>(
  sender: BatchSender<Item, Result>,
  limits: BatchLimits,
  now: () => number = () => Date.now(),
): BatchQueue<Item, Result> {
  const { model } = sender;
  const groups = new Map<unknown, Group<Item, Result>>();
  const counts: BatcherStats = {
    calls: 0,
    batches: 0,
    rows: 0,
    queuedCalls: 0,
    queuedRows: 0,
    inFlight: 0,
    refused: 0,
    retriedAlone: 0,
  };
  let seq = 0;
  let closing: Promise<void> | undefined;
  let closed: (() => void) | undefined;

  const isDue = (group: Group<Item, Result>) => group.due || group.rows >= limits.maxBatchSize || closing !== undefined;

  function enqueue(member: Member<Item, Result>): void {
    // A call that goes alone is a group of its own (keyed by itself), due at once.
    const key = member.key === undefined || member.alone ? member : member.key;
    let group = groups.get(key);
    if (group === undefined) {
      const opened: Group<Item, Result> = { key, members: [], head: 0, rows: 0, due: key === member, timer: undefined };
      if (!opened.due && closing === undefined) {
        opened.timer = setTimeout(() => {
          opened.timer = undefined;
          opened.due = true;
          pump();
        }, limits.maxDelayMs);
      }
      groups.set(key, opened);
      group = opened;
    }
    member.state = "queued";
    member.group = group;
    group.members.push(member);
    group.rows += member.rows;
    counts.queuedCalls++;
    counts.queuedRows += member.rows;
  }

  /** Count `member` out of its group (already taken from `members`); an emptied group is dropped. */
  function unqueue(group: Group<Item, Result>, member: Member<Item, Result>): void {
    group.rows -= member.rows;
    counts.queuedCalls--;
    counts.queuedRows -= member.rows;
    member.group = undefined;
    if (group.head === group.members.length) {
      clearTimeout(group.timer);
      groups.delete(group.key);
    }
  }

  /** The next batch of `group`: as many of its oldest calls as fit. */
  function take(group: Group<Item, Result>): Member<Item, Result>[] {
    const from = group.head;
    const taken = group.members.slice(from, from + takeCount(group.members, limits.maxBatchSize, from));
    group.head += taken.length;
    // Let go of what was taken once it is most of the array, so a long-lived busy group does not grow forever.
    if (group.head > 1024 && group.head * 2 > group.members.length) {
      group.members = group.members.slice(group.head);
      group.head = 0;
    }
    for (const member of taken) unqueue(group, member);
    return taken;
  }

  /** Send what is due, oldest first, while there is room in flight. */
  function pump(): void {
    while (counts.inFlight < limits.maxConcurrentBatches) {
      let next: Group<Item, Result> | undefined;
      for (const group of groups.values()) {
        if (isDue(group) && (next === undefined || group.members[group.head]!.seq < next.members[next.head]!.seq))
          next = group;
      }
      if (next === undefined) break;
      launch(take(next));
    }
    if (closing !== undefined && groups.size === 0 && counts.inFlight === 0) closed?.();
  }

  function launch(members: Member<Item, Result>[]): void {
    const batch: Batch = { waiting: members.length, controller: new AbortController() };
    const items = new Array<Item>(members.length);
    const deadlines = new Array<number | undefined>(members.length);
    let rows = 0;
    for (let i = 0; i < members.length; i++) {
      const member = members[i]!;
      member.state = "sent";
      member.batch = batch;
      items[i] = member.item;
      deadlines[i] = member.deadline;
      rows += member.rows;
    }
    counts.inFlight++;
    counts.batches++;
    counts.rows += rows;
    let sent: Promise<Result[]>;
    try {
      sent = sender.send(items, { signal: batch.controller.signal, timeoutMs: batchTimeoutMs(deadlines, now()) });
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent
      .then(
        (results) => {
          for (let i = 0; i < members.length; i++) if (finish(members[i]!)) members[i]!.resolve(results[i]!);
        },
        (error: unknown) => {
          const waiting = members.filter((m) => m.state === "sent");
          if (members.length > 1 && retriesAlone(error)) {
            for (const member of waiting) {
              member.alone = true;
              counts.retriedAlone++;
              enqueue(member);
            }
          } else for (const member of waiting) if (finish(member)) member.reject(error);
        },
      )
      .finally(() => {
        counts.inFlight--;
        pump();
      });
  }

  /** Mark a call ended, with its timer and listener removed; false if it had already ended (a call ends once). */
  function finish(member: Member<Item, Result>): boolean {
    if (member.state === "settled") return false;
    member.state = "settled";
    clearTimeout(member.timer);
    if (member.onAbort !== undefined) member.signal?.removeEventListener("abort", member.onAbort);
    return true;
  }

  /** The caller gives up: out of the queue, or out of its batch (cancelled once no caller is left in it). */
  function leave(member: Member<Item, Result>, error: KServeError): void {
    const { group, batch } = member;
    if (member.state === "queued" && group !== undefined) {
      group.members.splice(group.members.indexOf(member, group.head), 1);
      unqueue(group, member);
      if (closing !== undefined) pump();
    } else if (member.state === "sent" && batch !== undefined && --batch.waiting === 0) {
      batch.controller.abort(error);
    }
    if (finish(member)) member.reject(error);
  }

  return {
    submit({ item, rows, key }, call = {}) {
      if (closing !== undefined) {
        return Promise.reject(
          new KServeError(
            "failed_precondition",
            `The batcher of model "${model}" is closed and takes no more calls; make a new batcher, or call the client directly.`,
            { model },
          ),
        );
      }
      const { signal } = call;
      const limit = call.timeoutMs;
      const timeoutMs = limit === undefined || limit === Infinity ? undefined : milliseconds(limit, "timeoutMs");
      if (signal?.aborted) {
        return Promise.reject(
          new AbortError(`The batched call to model "${model}" was cancelled before it started.`, {
            cause: signal.reason,
            model,
          }),
        );
      }
      if (counts.queuedRows + rows > limits.maxQueuedRows) {
        counts.refused++;
        return Promise.reject(
          new KServeError(
            "resource_exhausted",
            `The batcher of model "${model}" has ${counts.queuedRows} rows waiting, and this call's ${rows} would pass maxQueuedRows (${limits.maxQueuedRows}): the model is not keeping up. Try again later, or raise maxQueuedRows or maxConcurrentBatches.`,
            { model },
          ),
        );
      }
      counts.calls++;
      return new Promise<Result>((resolve, reject) => {
        const member: Member<Item, Result> = {
          item,
          rows,
          key,
          seq: seq++,
          deadline: timeoutMs === undefined ? undefined : now() + timeoutMs,
          state: "queued",
          alone: false,
          group: undefined,
          batch: undefined,
          resolve,
          reject,
          timer: undefined,
          signal,
          onAbort: undefined,
        };
        if (timeoutMs !== undefined) {
          member.timer = setTimeout(() => {
            const where = member.state === "queued" ? "waiting to be sent" : "waiting for its batch's answer";
            leave(
              member,
              new TimeoutError(`No answer from model "${model}" within ${timeoutMs} ms (${where}).`, { model }),
            );
          }, timeoutMs);
        }
        if (signal !== undefined) {
          member.onAbort = () =>
            leave(
              member,
              new AbortError(`The batched call to model "${model}" was cancelled.`, { cause: signal.reason, model }),
            );
          signal.addEventListener("abort", member.onAbort, { once: true });
        }
        enqueue(member);
        pump();
      });
    },
    stats: () => ({ ...counts }),
    close() {
      if (closing === undefined) {
        closing = new Promise<void>((resolve) => (closed = resolve));
        for (const group of groups.values()) clearTimeout(group.timer);
        pump();
      }
      return closing;
    },
  };
}
