import { expect } from "vitest";

/** The error `fn` throws, checked to be an instance of `type`; fails the test if it throws nothing. */
export function thrown<E extends Error>(type: abstract new (...args: never[]) => E, fn: () => unknown): E {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as E;
  }
  throw new Error(`expected a ${type.name}, but nothing was thrown`);
}

/**
 * Check that a decoded tensor is there and of `datatype`, narrowing it as `if (t?.datatype === "INT64")` would:
 * `t.data` is then that datatype's typed array, with no cast.
 */
export function expectDatatype<D extends import("kserve-client/tensor").Datatype>(
  tensor: import("kserve-client/tensor").AnyTensor | undefined,
  datatype: D,
): asserts tensor is import("kserve-client/tensor").AnyTensor<D> {
  expect(tensor?.datatype).toBe(datatype);
}

/** The chunks of a body as one byte array, as they go over the wire. */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** The error `promise` rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

/** A GET HttpRequest for `url` with a 1 MiB response limit, overridable field by field. */
export function httpRequest(
  url: string,
  extra: Partial<import("../src/core/http.js").HttpRequest> = {},
): import("../src/core/http.js").HttpRequest {
  return {
    method: "GET",
    url,
    headers: {},
    signal: new AbortController().signal,
    maxResponseBytes: 1024 * 1024,
    ...extra,
  };
}

/** Start `server` on a free port of 127.0.0.1 and return the port. */
export async function listenOnLoopback(server: import("node:net").Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as import("node:net").AddressInfo).port;
}
