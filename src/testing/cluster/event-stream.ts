/// <reference types="node" />
/**
 * Writing a streamed answer of a text generation model (openai/handler.ts) as server-sent events: one write per
 * event, each token after the model's delay and after its `onStream` hook, so the client gets every token as it
 * is produced. A client that goes away ends the stream at once (the hook learns it), as uvicorn cancels the
 * generator when the connection closes.
 */
import type { MockEventStream } from "../openai/handler.js";
import type { NodeResponse } from "./http-answer.js";

/** Write `stream` to `res`; resolves when it has ended, either way. */
export async function sendEventStream(res: NodeResponse, stream: MockEventStream): Promise<void> {
  const { settings, model } = stream;
  const count = stream.events.filter((event) => event.token !== undefined).length;
  const gone = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) gone.abort();
  };
  res.on("close", onClose);
  // What writing needs of either response type (HTTP/1.1 or HTTP/2's compatibility API).
  const out = res as {
    writeHead(status: number, headers: Record<string, string>): unknown;
    flushHeaders?(): void;
    write(chunk: string): unknown;
    end(): unknown;
  };
  out.writeHead(stream.status, stream.headers);
  out.flushHeaders?.(); // the client's call returns on the headers, before the first token
  let written = 0;
  try {
    for (const event of stream.events) {
      if (event.token !== undefined) {
        await untilGone(settings.onStream?.({ type: "token", model, index: event.token, count }), gone.signal);
        await untilGone(delay(settings.tokenDelayMs), gone.signal);
      }
      if (gone.signal.aborted) break;
      out.write(`data: ${event.data}\n\n`);
      if (event.token !== undefined) written++;
    }
    if (!gone.signal.aborted) out.end();
  } finally {
    res.off("close", onClose);
    await settings.onStream?.({ type: "end", model, written, complete: !gone.signal.aborted });
  }
}

/** `work`, or nothing once the client is gone (the listener removed either way). */
async function untilGone(work: void | Promise<void>, signal: AbortSignal): Promise<void> {
  if (work === undefined || signal.aborted) return;
  let onAbort!: () => void;
  try {
    await Promise.race([
      work,
      new Promise<void>((resolve) => signal.addEventListener("abort", (onAbort = () => resolve()))),
    ]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/** A timer of `ms`, or none for 0. */
function delay(ms: number): Promise<void> | undefined {
  return ms <= 0 ? undefined : new Promise((resolve) => setTimeout(resolve, ms));
}
