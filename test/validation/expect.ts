/**
 * The contract every ValidationError keeps (issue 8): code `invalid_argument`, raised before anything is sent, a
 * message that names the tensor (when there is one), the index or path, and what was expected versus what was got,
 * and `details` that say the same as data.
 */
import { expect } from "vitest";
import { type ProblemDetails, ValidationError } from "kserve-client";

/**
 * What the message must say, when it phrases a detail in other words than `details` holds (for example
 * "got neither" for `received: "neither"` is the same words, but `expected: 'one of "instances" and "inputs"'` is
 * said as `exactly one of "instances" (rows) and "inputs" (columns)`). Each entry replaces the default, which is
 * the detail itself.
 */
export interface Said {
  tensor?: string;
  path?: string;
  expected?: string;
  received?: string;
}

/**
 * Check `error` against the contract: a ValidationError, code `invalid_argument`, `details` equal to `details`,
 * and a message that mentions the tensor as `"name"`, the path, the expected and the received value.
 */
export function expectInvalid(error: unknown, details: ProblemDetails, said: Said = {}): ValidationError {
  expect(error).toBeInstanceOf(ValidationError);
  const e = error as ValidationError;
  expect(e.code).toBe("invalid_argument");
  expect(e.message.startsWith("[invalid_argument] ")).toBe(true);
  expect(e.details).toEqual(details);
  const mentions = {
    tensor: said.tensor ?? (details.tensor === undefined ? undefined : `"${details.tensor}"`),
    path: said.path ?? details.path,
    expected: said.expected ?? details.expected,
    received: said.received ?? details.received,
  };
  for (const [what, text] of Object.entries(mentions)) {
    if (text !== undefined && text !== "") expect(e.message, `the message names the ${what}`).toContain(text);
  }
  return e;
}

/** The error `fn` throws or rejects with (sync or async); fails the test if it completes. */
export async function caught(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error, but the call completed");
}

/** The error `fn` throws synchronously; fails the test if it returns. */
export function caughtSync(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error, but the call returned");
}
