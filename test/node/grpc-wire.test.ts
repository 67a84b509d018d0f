import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import {
  codeFromHttpStatus,
  errorFromNodeReason,
  errorFromResetCode,
  frameMessage,
  grpcTimeoutHeader,
  readUnaryMessage,
  statusError,
  toHeaders,
} from "../../src/node/grpc-wire.js";

const envelope = (flags: number, payload: number[], statedLength = payload.length) => {
  const bytes = new Uint8Array(5 + payload.length);
  bytes[0] = flags;
  new DataView(bytes.buffer).setUint32(1, statedLength);
  bytes.set(payload, 5);
  return bytes;
};

describe("frameMessage", () => {
  it("prefixes flag 0 and the big-endian length", () => {
    expect(Array.from(frameMessage(new Uint8Array([7, 8, 9])))).toEqual([0, 0, 0, 0, 3, 7, 8, 9]);
    expect(Array.from(frameMessage(new Uint8Array(0x0102)).subarray(0, 5))).toEqual([0, 0, 0, 1, 2]);
  });
});

describe("grpcTimeoutHeader", () => {
  it("milliseconds, rounded up, never 0", () => {
    expect(grpcTimeoutHeader(1500)).toBe("1500m");
    expect(grpcTimeoutHeader(0.2)).toBe("1m");
    expect(grpcTimeoutHeader(12.3)).toBe("13m");
    expect(grpcTimeoutHeader(99_999_999)).toBe("99999999m");
  });
  it("moves to a coarser unit past 8 digits, rounding up", () => {
    expect(grpcTimeoutHeader(100_000_000)).toBe("100000S");
    expect(grpcTimeoutHeader(100_000_001)).toBe("100001S");
    expect(grpcTimeoutHeader(99_999_999 * 1000 + 1)).toBe("1666667M");
    expect(grpcTimeoutHeader(1e20)).toBe("99999999H");
  });
});

describe("codeFromHttpStatus (gRPC's HTTP to status mapping)", () => {
  it.each([
    [400, Code.Internal],
    [401, Code.Unauthenticated],
    [403, Code.PermissionDenied],
    [404, Code.Unimplemented],
    [429, Code.Unavailable],
    [502, Code.Unavailable],
    [503, Code.Unavailable],
    [504, Code.Unavailable],
    [500, Code.Unknown],
    [418, Code.Unknown],
  ])("%i → %s", (status, code) => {
    expect(codeFromHttpStatus(status)).toBe(code);
  });
});

describe("toHeaders", () => {
  const names = (headers: Headers) => {
    const seen: string[] = [];
    headers.forEach((_, name) => seen.includes(name) || seen.push(name));
    return seen;
  };
  it("drops pseudo-headers and undefined values, keeps repeated values and numbers", () => {
    const headers = toHeaders({
      ":status": 200,
      "content-type": "application/grpc",
      "set-cookie": ["a=1", "b=2"],
      "content-length": 12,
      gone: undefined,
    });
    expect(names(headers)).toEqual(["content-length", "content-type", "set-cookie"]);
    expect(headers.get("content-length")).toBe("12");
    expect(headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(names(toHeaders(undefined))).toEqual([]);
  });
});

describe("statusError", () => {
  const metadata = () => new Headers({ "x-request-id": "r-1", "grpc-status": "5" });
  it("OK is no error", () => {
    expect(statusError(new Headers({ "grpc-status": "0" }), metadata)).toBeUndefined();
  });
  it("a status with its percent-decoded message and the metadata", () => {
    const error = statusError(
      new Headers({ "grpc-status": "5", "grpc-message": "Model%20%22x%22%20not%20found" }),
      metadata,
    );
    expect(error).toBeInstanceOf(ConnectError);
    expect(error?.code).toBe(Code.NotFound);
    expect(error?.rawMessage).toBe('Model "x" not found');
    expect(error?.metadata.get("x-request-id")).toBe("r-1");
  });
  it("a message that is not valid percent-encoding is shown as sent", () => {
    expect(statusError(new Headers({ "grpc-status": "13", "grpc-message": "50% done" }), metadata)?.rawMessage).toBe(
      "50% done",
    );
  });
  it("no grpc-status, or one that is not a code, is a protocol error (INTERNAL)", () => {
    expect(statusError(new Headers(), metadata)).toMatchObject({
      code: Code.Internal,
      rawMessage: expect.stringContaining("no grpc-status"),
    });
    for (const status of ["17", "-1", "abc", "1.5"]) {
      expect(statusError(new Headers({ "grpc-status": status }), metadata)).toMatchObject({
        code: Code.Internal,
        rawMessage: expect.stringContaining("invalid grpc-status"),
      });
    }
  });
});

describe("readUnaryMessage", () => {
  it("the payload of one envelope, as a plain Uint8Array", () => {
    const message = readUnaryMessage([envelope(0, [1, 2, 3])], 8, 100);
    expect(message).toBeInstanceOf(Uint8Array);
    expect(message).not.toBeInstanceOf(Buffer);
    expect(Array.from(message as Uint8Array)).toEqual([1, 2, 3]);
  });
  it("a single chunk (a view of a read buffer HTTP/2 shares between streams) is copied into memory of its own", () => {
    const shared = new Uint8Array(64);
    shared.set(envelope(0, [1, 2, 3]), 16);
    const message = readUnaryMessage([shared.subarray(16, 24)], 8, 100) as Uint8Array;
    expect(message.buffer).not.toBe(shared.buffer);
    expect(message.buffer.byteLength).toBe(3);
  });
  it("joins an envelope split over chunks (even inside the prefix)", () => {
    const whole = envelope(0, [1, 2, 3, 4, 5, 6]);
    expect(
      Array.from(
        readUnaryMessage(
          [whole.subarray(0, 2), whole.subarray(2, 7), whole.subarray(7)],
          whole.length,
          100,
        ) as Uint8Array,
      ),
    ).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it("an empty message (all defaults) is fine", () => {
    expect((readUnaryMessage([envelope(0, [])], 5, 100) as Uint8Array).length).toBe(0);
  });
  it.each([
    ["no message", [], Code.Unimplemented, "missing output message"],
    ["a cut prefix", [new Uint8Array([0, 0, 0])], Code.Internal, "incomplete message envelope"],
    ["a cut message", [envelope(0, [1, 2], 4)], Code.Internal, "ended inside a message"],
    ["two messages", [envelope(0, [1]), envelope(0, [2])], Code.Unimplemented, "extra output message"],
    ["a compressed message", [envelope(1, [1])], Code.Internal, "compressed"],
    ["unknown flags", [envelope(0x80, [1])], Code.Internal, "flags 0x80"],
  ])("%s is a protocol error", (_, chunks, code, text) => {
    const size = chunks.reduce((n, c) => n + c.length, 0);
    const error = readUnaryMessage(chunks, size, 100);
    expect(error).toBeInstanceOf(ConnectError);
    expect(error).toMatchObject({ code, rawMessage: expect.stringContaining(text) });
  });
  it("a message larger than readMaxBytes is RESOURCE_EXHAUSTED", () => {
    expect(readUnaryMessage([envelope(0, [1, 2, 3, 4])], 9, 3)).toMatchObject({
      code: Code.ResourceExhausted,
      rawMessage: expect.stringContaining("readMaxBytes 3"),
    });
    expect(readUnaryMessage([envelope(0, [1, 2, 3])], 8, 3)).toBeInstanceOf(Uint8Array);
  });
});

describe("errorFromNodeReason", () => {
  const nodeError = (code: string, message = code) => Object.assign(new Error(message), { code });
  it("connection failures are UNAVAILABLE with the Node error as cause", () => {
    for (const code of ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "ERR_HTTP2_GOAWAY_SESSION"]) {
      const reason = nodeError(code);
      const error = errorFromNodeReason(reason);
      expect(error.code).toBe(Code.Unavailable);
      expect(error.cause).toBe(reason);
    }
  });
  it("a TLS failure deeper in the cause chain is UNAVAILABLE and keeps the chain", () => {
    const tls = nodeError("ERR_TLS_CERT_ALTNAME_INVALID");
    const error = errorFromNodeReason(new Error("connect failed", { cause: tls }));
    expect(error.code).toBe(Code.Unavailable);
    expect((error.cause as Error).cause).toBe(tls);
  });
  it("a ConnectError from connect-node for a failed connection (its ABORTED/CANCELED) becomes UNAVAILABLE, cause kept", () => {
    const reset = nodeError("ECONNRESET", "read ECONNRESET");
    const wrapped = new ConnectError("read ECONNRESET", Code.Aborted, undefined, undefined, reset);
    const error = errorFromNodeReason(wrapped);
    expect(error.code).toBe(Code.Unavailable);
    expect(error.rawMessage).toBe("read ECONNRESET");
    expect(error.cause).toBe(reset);
  });
  it("anything else is INTERNAL; a ConnectError passes through", () => {
    expect(errorFromNodeReason(new Error("boom")).code).toBe(Code.Internal);
    expect(errorFromNodeReason("text").rawMessage).toBe("text");
    const connect = new ConnectError("x", Code.Aborted);
    expect(errorFromNodeReason(connect)).toBe(connect);
  });
});

describe("errorFromResetCode", () => {
  it("maps the RST_STREAM codes a server or proxy sends", () => {
    expect(errorFromResetCode(0x7)?.code).toBe(Code.Unavailable);
    expect(errorFromResetCode(0x8)?.code).toBe(Code.Canceled);
    expect(errorFromResetCode(0xb)?.code).toBe(Code.ResourceExhausted);
    expect(errorFromResetCode(0xd)?.code).toBe(Code.PermissionDenied);
    expect(errorFromResetCode(0x2)).toMatchObject({ code: Code.Internal, rawMessage: expect.stringContaining("0x2") });
  });
  it("NO_ERROR and STREAM_CLOSED carry no error", () => {
    expect(errorFromResetCode(0x0)).toBeUndefined();
    expect(errorFromResetCode(0x5)).toBeUndefined();
  });
});
