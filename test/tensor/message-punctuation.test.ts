/** Every message-building site ends up in KServeError's constructor, which writes a sentence's end once. */
import { describe, expect, it } from "vitest";
import { ConnectionError, HttpError, KServeError, TimeoutError } from "../../src/core/errors.js";
import { oneStop, ProtocolError, ValidationError } from "../../src/tensor/errors.js";

describe("messages end their sentences once", () => {
  it.each([
    ["within 0 ms..", "within 0 ms."],
    ['for the "onUnhandledRequest" option.. In a browser', 'for the "onUnhandledRequest" option. In a browser'],
    ["Is it up?.", "Is it up?"],
    ["it failed!.)", "it failed!)"],
    ["an ellipsis... stays", "an ellipsis... stays"],
    ["ends in an ellipsis...", "ends in an ellipsis..."],
    ["version 1.2. Next", "version 1.2. Next"],
    ["a.b.c", "a.b.c"],
  ])("%j → %j", (text, expected) => {
    expect(oneStop(text)).toBe(expected);
  });

  it("applies to every error class, in message and rawMessage", () => {
    const cause = "connect ECONNREFUSED 127.0.0.1:1.";
    for (const error of [
      new KServeError("unknown", `Could not reach http://x/: ${cause}.`),
      new ConnectionError(`Could not reach http://x/: ${cause}.`),
      new TimeoutError(`No answer: ${cause}.`),
      new HttpError(`HTTP 500: ${cause}.`, { status: 500 }),
      new ValidationError(`Bad: ${cause}.`),
      new ProtocolError(`Bad: ${cause}.`),
    ]) {
      expect(error.message).not.toContain("..");
      expect(error.rawMessage).not.toContain("..");
      expect(error.message.endsWith("127.0.0.1:1.")).toBe(true);
    }
  });
});
