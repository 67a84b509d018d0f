/**
 * How the mock writes a streamed answer: an event per write, each token after the model's delay and its hook,
 * and an end the hook hears either way. On a recording response, with Vitest's fake timers for the delay.
 */
import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sendEventStream } from "../../src/testing/cluster/event-stream.js";
import type { NodeResponse } from "../../src/testing/cluster/http-answer.js";
import type { MockStreamEvent } from "../../src/testing/models.js";
import type { MockEventStream } from "../../src/testing/openai/handler.js";

/** A response that records what is written, and can be closed by "the client". */
class RecordingResponse extends EventEmitter {
  status = 0;
  writes: string[] = [];
  writableFinished = false;
  writeHead(status: number) {
    this.status = status;
    return this;
  }
  write(chunk: string) {
    this.writes.push(chunk);
    return true;
  }
  end() {
    this.writableFinished = true;
    this.emit("close");
  }
  clientCloses() {
    this.emit("close");
  }
}

function stream(tokenDelayMs: number, onStream?: (event: MockStreamEvent) => void | Promise<void>): MockEventStream {
  return {
    status: 200,
    headers: { "content-type": "text/event-stream; charset=utf-8" },
    events: [{ data: "a", token: 0 }, { data: "b", token: 1 }, { data: "usage" }, { data: "[DONE]" }],
    model: "qwen",
    settings: { contextLength: 16, tokenDelayMs, onStream },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("sendEventStream", () => {
  it("writes one event per write, and tells the hook each token before it is written, then the end", async () => {
    const res = new RecordingResponse();
    const seen: string[] = [];
    await sendEventStream(
      res as unknown as NodeResponse,
      stream(0, (e) => void seen.push(`${e.type}:${res.writes.length}`)),
    );
    expect(res.writes).toEqual(["data: a\n\n", "data: b\n\n", "data: usage\n\n", "data: [DONE]\n\n"]);
    expect(seen).toEqual(["token:0", "token:1", "end:4"]);
  });

  it("waits the model's delay before each token", async () => {
    vi.useFakeTimers();
    const res = new RecordingResponse();
    const done = sendEventStream(res as unknown as NodeResponse, stream(500));
    await vi.advanceTimersByTimeAsync(499);
    expect(res.writes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(res.writes).toEqual(["data: a\n\n"]);
    await vi.advanceTimersByTimeAsync(500);
    await done;
    expect(res.writes).toHaveLength(4);
  });

  it("stops when the client goes away, even while the hook holds the stream, and says so", async () => {
    const res = new RecordingResponse();
    const events: MockStreamEvent[] = [];
    const done = sendEventStream(
      res as unknown as NodeResponse,
      stream(0, (e) => {
        events.push(e);
        return e.type === "token" && e.index === 1 ? new Promise<void>(() => {}) : undefined;
      }),
    );
    await vi.waitFor(() => expect(events).toHaveLength(2));
    res.clientCloses();
    await done;
    expect(res.writes).toEqual(["data: a\n\n"]);
    expect(events.at(-1)).toEqual({ type: "end", model: "qwen", written: 1, complete: false });
  });
});
