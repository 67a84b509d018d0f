/**
 * What the REST and gRPC fault matrices share: constants, the expected-error check, and the run of one row
 * (start the scripted server or take a refused port, call within the deadline, check the outcome, the attempts
 * the server saw, a server-requested wait, and that an abandoned answer was released).
 */
import { expect } from "vitest";
import type { ConnectionError, InferResult, KServeError } from "kserve-client";
import { Tensor } from "kserve-client/tensor";
import type { FaultCase, Settled } from "./leaks.js";
import { refusedUrl, type ScriptedServer } from "./servers.js";

export const MODEL = "m";
export const input = () => Tensor.fp32("x", [1, 2], [1, 2]);
/** Fast retries, so that a row with three attempts takes milliseconds, not seconds. */
export const FAST_RETRY = { initialDelayMs: 20, maxDelayMs: 40 } as const;
/** The deadline of every call unless a row sets its own. */
export const DEADLINE_MS = 3000;

export interface ErrorExpectation {
  type: abstract new (...args: never[]) => KServeError;
  code: string;
  grpcCode?: number;
  /** For a ConnectionError: whether it says another attempt could help. */
  retryable?: boolean;
  status?: number;
  /** The model the error names in its `model` field. */
  model?: string;
  /** Substrings the message must contain (`{url}` stands for the server's address). */
  message: (string | RegExp)[];
  /** Words the message must not contain (what would mislead). */
  absent?: string[];
  /**
   * The attempts the client made, when the server cannot count them (connection refused). Otherwise the row's
   * `attempts`: an error after more than one says "after N attempts" and has `attempts` set; after one, neither.
   */
  attempts?: number;
}

/** One row: a server behaviour per request (none: connection refused) and the outcome the call must end in. */
export interface MatrixRow<Turn> {
  fault: string;
  outcome: string;
  server?: (turn: Turn) => void;
  /** How many requests the server must have seen. */
  attempts: number;
  /** The deadline the call is held to (its timeoutMs). */
  deadlineMs?: number;
  /** A least time the call must take (a server-requested wait that must have been honoured). */
  atLeastMs?: number;
  /** The client gives up on a hung answer: the server must see its connection or stream closed. */
  abandons?: true;
  error?: ErrorExpectation;
}

export function expectError(
  settled: Settled<unknown>,
  expected: ErrorExpectation,
  url: string,
  attempts?: number,
): void {
  expect(settled.ok, "the call should have failed").toBe(false);
  const error = settled.error as KServeError;
  expect(error).toBeInstanceOf(expected.type);
  expect(error.code).toBe(expected.code);
  if (expected.grpcCode !== undefined) expect(error.grpcCode).toBe(expected.grpcCode);
  if (expected.retryable !== undefined) expect((error as ConnectionError).retryable).toBe(expected.retryable);
  if (expected.status !== undefined) expect(error.status).toBe(expected.status);
  if (expected.model !== undefined) expect(error.model).toBe(expected.model);
  for (const part of expected.message) {
    if (typeof part === "string") expect(error.message).toContain(part.replace("{url}", url));
    else expect(error.message).toMatch(part);
  }
  for (const part of expected.absent ?? []) expect(error.message).not.toContain(part);
  const made = expected.attempts ?? attempts;
  if (made !== undefined && made > 1) {
    expect(error.attempts, "the error's attempts").toBe(made);
    expect(error.message).toContain(`after ${made} attempts`);
  } else if (made === 1) {
    expect(error.attempts, "attempts on the error of a single attempt").toBeUndefined();
    expect(error.message).not.toMatch(/after \d+ attempts/);
  }
}

/** Run one row: `start` serves its script, `call` makes the inference against the URL. */
export async function runRow<Turn>(
  c: FaultCase,
  row: MatrixRow<Turn> & { options?: { timeoutMs?: number | undefined } | undefined },
  start: (script: (turn: Turn) => void) => Promise<ScriptedServer>,
  call: (url: string) => Promise<InferResult>,
  released: "connections" | "streams",
): Promise<void> {
  let server: ScriptedServer | undefined;
  let url: string;
  if (row.server === undefined) url = await refusedUrl();
  else {
    server = await start(row.server);
    c.defer(() => server!.close());
    url = server.url;
  }
  const settled = await c.timed(row.deadlineMs ?? row.options?.timeoutMs ?? DEADLINE_MS, () => call(url));
  if (row.error === undefined) {
    expect(settled.error).toBeUndefined();
    expect(Array.from(settled.value!.output("y", "FP32").data)).toEqual([1, 2]);
  } else expectError(settled, row.error, url, server === undefined ? undefined : row.attempts);
  if (server !== undefined) expect(server.requests.length, "requests the server saw").toBe(row.attempts);
  if (row.atLeastMs !== undefined) expect(settled.elapsedMs).toBeGreaterThanOrEqual(row.atLeastMs);
  if (row.abandons)
    await expect
      .poll(() => server!.open(), { timeout: 1000, message: `${released} the client left open on the server` })
      .toBe(0);
}
