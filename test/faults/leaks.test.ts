/** The fault matrix's own checks (leaks.ts) catch what they are there to catch: without this, a green matrix proves little. */
import { createServer, connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { DEADLINE_MARGIN_MS, faultCase } from "./leaks.js";

/** The failure `promise` ends in (fails the test if it succeeds). */
async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "the check should have failed").toBeInstanceOf(Error);
  return error as Error;
}

describe("faultCase", () => {
  it("passes a case that closes what it opened", async () => {
    await faultCase(async (c) => {
      const server = createServer((socket) => socket.end());
      c.defer(() => new Promise((resolve) => server.close(resolve)));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const settled = await c.timed(1000, () => new Promise((resolve) => setTimeout(resolve, 10, "done")));
      expect(settled).toMatchObject({ ok: true, value: "done" });
    });
  });

  it("fails a case that leaves a timer running", async () => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const error = await failureOf(faultCase(async () => void (timer = setTimeout(() => undefined, 60_000))));
    clearTimeout(timer);
    expect(error.message).toContain("left open");
    expect(error.message).toContain("Timeout");
  });

  it("fails a case that leaves a socket open", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    let socket: Socket | undefined;
    const error = await failureOf(
      faultCase(async () => {
        socket = connect((server.address() as AddressInfo).port, "127.0.0.1");
        await new Promise((resolve) => socket!.once("connect", resolve));
      }),
    );
    socket?.destroy();
    await new Promise((resolve) => server.close(resolve));
    expect(error.message).toContain("TCPWRAP");
  });

  it("fails a case with an unhandled rejection", async () => {
    // Vitest's own listener would fail the whole run; it is set aside for this one case.
    const theirs = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    try {
      const error = await failureOf(faultCase(async () => void Promise.reject(new Error("nobody listens"))));
      expect(error.message).toContain("unhandled rejections");
    } finally {
      for (const listener of theirs) process.on("unhandledRejection", listener);
    }
  });

  it("fails a call that settles after its deadline and the margin", async () => {
    const error = await failureOf(
      faultCase(
        async (c) =>
          void (await c.timed(10, () => new Promise((resolve) => setTimeout(resolve, 10 + DEADLINE_MARGIN_MS + 100)))),
      ),
    );
    expect(error.message).toContain("deadline 10 ms");
  });
});
