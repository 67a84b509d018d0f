/** gRPC statuses as the SDK's errors: pure functions, no network. */
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { ConnectionError, KServeError } from "../../src/core/errors.js";
import { codeForGrpcStatus, fromConnectError, recogniseKServeUnknown } from "../../src/grpc/errors.js";
import { certificateFailure, nodeGrpcFailures, notGrpcServer } from "../../src/node/grpc-errors.js";

const place = { rpc: "ModelInfer", model: "iris" };
const fromServer = { "grpc-status": "0" };

describe("codeForGrpcStatus", () => {
  it.each([
    [0, "unknown"], // OK is never an error; no name of its own
    [1, "canceled"],
    [2, "unknown"],
    [3, "invalid_argument"],
    [4, "deadline_exceeded"],
    [5, "not_found"],
    [6, "already_exists"],
    [7, "permission_denied"],
    [8, "resource_exhausted"],
    [9, "failed_precondition"],
    [10, "aborted"],
    [11, "out_of_range"],
    [12, "unimplemented"],
    [13, "internal"],
    [14, "unavailable"],
    [15, "data_loss"],
    [16, "unauthenticated"],
    [17, "unknown"],
    [-1, "unknown"],
  ] as const)("maps status %i to %s", (status, code) => {
    expect(codeForGrpcStatus(status)).toBe(code);
  });
});

describe("fromConnectError", () => {
  it("keeps the server's message, its code and grpcCode, the model and x-request-id", () => {
    const error = fromConnectError(
      new ConnectError("Model with name iris does not exist.", Code.NotFound, {
        "grpc-status": "5",
        "x-request-id": "rid-1",
      }),
      place,
    );
    expect(error).toBeInstanceOf(KServeError);
    expect(error).not.toBeInstanceOf(ConnectionError);
    expect(error.code).toBe("not_found");
    expect(error.grpcCode).toBe(5);
    expect(error.model).toBe("iris");
    expect(error.requestId).toBe("rid-1");
    expect(error.rawMessage).toContain("Model with name iris does not exist.");
    expect(error.message).toMatch(/^\[not_found\] /);
    expect(error.message).toContain("ModelInfer");
    expect(error.cause).toBeInstanceOf(ConnectError);
  });

  it.each([
    [Code.InvalidArgument, "invalid_argument"],
    [Code.Internal, "internal"],
    [Code.PermissionDenied, "permission_denied"],
    [Code.Unauthenticated, "unauthenticated"],
    [Code.ResourceExhausted, "resource_exhausted"],
    [Code.DeadlineExceeded, "deadline_exceeded"],
  ] as const)("maps a server status %i to %s", (grpc, code) => {
    const error = fromConnectError(new ConnectError("boom", grpc, fromServer), place);
    expect(error.code).toBe(code);
    expect(error.grpcCode).toBe(grpc);
    expect(error.rawMessage).toContain("boom");
  });

  it("recognises KServe 0.14's UNKNOWN ModelNotFound as not_found, keeping the server's text", () => {
    const error = fromConnectError(
      new ConnectError(
        "Unexpected <class 'kserve.errors.ModelNotFound'>: Model with name X does not exist.",
        Code.Unknown,
        fromServer,
      ),
      {
        rpc: "ModelInfer",
        model: "X",
      },
    );
    expect(error.code).toBe("not_found");
    expect(error.grpcCode).toBe(Code.Unknown);
    expect(error.rawMessage).toContain("Model with name X does not exist.");
    expect(error.rawMessage).toContain("kserve.errors.ModelNotFound");
    expect(error.rawMessage).not.toMatch(/^Unexpected/);
  });

  it.each([
    ["kserve.errors.InvalidInput", "invalid_argument"],
    // A model failing on its input: HTTP 500 over REST, so internal here too (not KServe 0.15's INVALID_ARGUMENT).
    ["kserve.errors.InferenceError", "internal"],
    ["kserve.errors.ModelNotReady", "unavailable"],
    ["NotImplementedError", "unimplemented"],
    // 501 over REST.
    ["kserve.errors.UnsupportedProtocol", "unimplemented"],
    ["ValueError", "internal"],
    ["some.other.Exception", "internal"],
  ] as const)("recognises KServe 0.14's UNKNOWN %s as %s", (exception, code) => {
    const error = fromConnectError(
      new ConnectError(`Unexpected <class '${exception}'>: it went wrong`, Code.Unknown, fromServer),
      place,
    );
    expect(error.code).toBe(code);
    expect(error.rawMessage).toContain("it went wrong");
  });

  it("leaves any other UNKNOWN as unknown", () => {
    const error = fromConnectError(new ConnectError("something else", Code.Unknown, fromServer), place);
    expect(error.code).toBe("unknown");
    expect(error.rawMessage).toContain("something else");
    // The pattern is only for UNKNOWN: the same text under another status keeps that status.
    expect(
      fromConnectError(
        new ConnectError("Unexpected <class 'kserve.errors.ModelNotFound'>: x", Code.Internal, fromServer),
        place,
      ).code,
    ).toBe("internal");
  });

  it("recogniseKServeUnknown parses the class and message, and ignores other text", () => {
    expect(
      recogniseKServeUnknown("Unexpected <class 'kserve.errors.ModelNotFound'>: Model with name X does not exist."),
    ).toEqual({
      code: "not_found",
      exception: "kserve.errors.ModelNotFound",
      message: "Model with name X does not exist.",
    });
    expect(recogniseKServeUnknown("Model with name X does not exist.")).toBeUndefined();
  });

  it("UNAVAILABLE sent by the server is a server status, not a ConnectionError", () => {
    const error = fromConnectError(
      new ConnectError("model not ready", Code.Unavailable, { "grpc-status": "14" }),
      place,
    );
    expect(error).not.toBeInstanceOf(ConnectionError);
    expect(error.code).toBe("unavailable");
    expect(error.grpcCode).toBe(14);
  });

  it("UNAVAILABLE with no grpc-status (the connection failed) is a retryable ConnectionError", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    const error = fromConnectError(
      new ConnectError("connect ECONNREFUSED 127.0.0.1:1", Code.Unavailable, undefined, undefined, refused),
      place,
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).retryable).toBe(true);
    expect(error.code).toBe("unavailable");
    expect(error.grpcCode).toBe(14);
    expect(error.rawMessage).toContain("ECONNREFUSED");
  });

  it.each([
    "ERR_TLS_CERT_ALTNAME_INVALID",
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "CERT_HAS_EXPIRED",
  ])(
    "with the Node build's certificate check, a TLS failure (%s) in the cause chain is a non-retryable ConnectionError",
    (code) => {
      const tls = Object.assign(new Error(`tls says ${code}`), { code });
      const wrapped = new Error("session failed", { cause: tls });
      const error = fromConnectError(
        new ConnectError("session failed", Code.Unavailable, undefined, undefined, wrapped),
        place,
        certificateFailure,
      );
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as ConnectionError).retryable).toBe(false);
      expect(error.rawMessage).toBe(
        `gRPC ModelInfer of model "iris": the server's TLS certificate does not verify: session failed (${code}). ` +
          "Check `authority`, or trust the server's CA with createNodeGrpcTransport({ tls: { ca } }).",
      );
      expect([error.model, error.grpcCode, (error as ConnectionError).cause]).toEqual([
        "iris",
        Code.Unavailable,
        expect.any(ConnectError),
      ]);
    },
  );

  it("the universal build, which never meets Node's TLS errors, keeps a failed connection retryable", () => {
    const tls = Object.assign(new Error("tls says CERT_HAS_EXPIRED"), { code: "CERT_HAS_EXPIRED" });
    const error = fromConnectError(
      new ConnectError("session failed", Code.Unavailable, undefined, undefined, tls),
      place,
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).retryable).toBe(true);
  });

  it("the certificate check leaves other failures to the universal mapping", () => {
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    expect(
      certificateFailure(
        new ConnectError("socket hang up", Code.Unavailable, undefined, undefined, reset),
        place,
        "ModelInfer",
      ),
    ).toBeUndefined();
  });

  it("a non-TLS error code in the cause chain does not make it non-retryable", () => {
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    const error = fromConnectError(
      new ConnectError("socket hang up", Code.Unavailable, undefined, undefined, reset),
      place,
      certificateFailure,
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).retryable).toBe(true);
  });

  it.each([
    "Failed to fetch",
    "NetworkError when attempting to fetch resource.",
    "Load failed",
    "The Internet connection appears to be offline.",
    "fetch failed",
    // Deno before 1.46, then since: with the addresses once connected, and with no URL at all through a proxy.
    "error sending request for url (http://127.0.0.1:1/): connection refused",
    "error sending request for url (http://127.0.0.1:1/): client error (Connect): tcp connect error: Connection refused (os error 111)",
    "error sending request from 127.0.0.1:50472 for http://127.0.0.1:4444/ (127.0.0.1:4444): client error (SendRequest): connection error: Connection reset by peer (os error 104)",
    "client error (Connect)",
  ])("gRPC-web's failed fetch (%s), reported by connect as UNKNOWN, is a retryable ConnectionError", (words) => {
    const failed = new TypeError(words);
    const error = fromConnectError(new ConnectError(words, Code.Unknown, undefined, undefined, failed), place);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).retryable).toBe(true);
    expect(error.code).toBe("unavailable");
    // One period at the end, also after words that end with one (KServeError writes a sentence's end once).
    expect(error.rawMessage).toBe(
      `gRPC ModelInfer of model "iris": could not reach the server: ${words.replace(/\.$/, "")}.`,
    );
  });

  it.each([
    "Cannot read properties of undefined (reading 'x')",
    "this.fetchToken is not a function",
    "Failed to execute 'fetch' on 'Window': Illegal invocation",
    "Window.fetch: /x is not a valid URL.",
    "Cannot read properties of undefined (reading 'prefetch')",
    "network.send is not a function",
  ])("an UNKNOWN caused by another TypeError (%s) stays unknown: a bug is not a network failure", (words) => {
    const bug = new TypeError(words);
    const error = fromConnectError(new ConnectError(bug.message, Code.Unknown, undefined, undefined, bug), place);
    expect(error).not.toBeInstanceOf(ConnectionError);
    expect(error.code).toBe("unknown");
  });

  it("keeps the cause's words of undici's failed fetch", () => {
    const failed = new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:1") });
    const error = fromConnectError(new ConnectError("fetch failed", Code.Unknown, undefined, undefined, failed), place);
    expect(error.rawMessage).toBe(
      'gRPC ModelInfer of model "iris": could not reach the server: fetch failed (connect ECONNREFUSED 127.0.0.1:1).',
    );
  });

  it("an empty message still says what happened", () => {
    const error = fromConnectError(new ConnectError("", Code.Internal, fromServer), { rpc: "ServerLive" });
    expect(error.rawMessage).toContain("ServerLive");
    expect(error.rawMessage.length).toBeGreaterThan("ServerLive".length);
    expect(error.model).toBeUndefined();
  });
});

describe("notGrpcServer (the Node build): a server that does not speak HTTP/2", () => {
  const protocolError = () => Object.assign(new Error("Protocol error"), { code: "ERR_HTTP2_ERROR", errno: -505 });

  it("Node's 'Protocol error' (-505: the first bytes were not an HTTP/2 frame) is a non-retryable ConnectionError naming the REST port", () => {
    const error = fromConnectError(
      new ConnectError("Protocol error", Code.Internal, undefined, undefined, protocolError()),
      place,
      nodeGrpcFailures,
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: "unavailable", retryable: false, model: "iris", grpcCode: Code.Internal });
    expect(error.rawMessage).toBe(
      'gRPC ModelInfer of model "iris": the server is not a gRPC (HTTP/2) server: its answer was not HTTP/2, as an HTTP/1.1 server\'s is. ' +
        "Is baseUrl the REST port? KServe serves gRPC on port 8081 and REST on 8080; through an ingress, the gateway must route gRPC (HTTP/2) to the model. " +
        "For REST, use createV2Client.",
    );
  });

  it("a TLS server that refuses HTTP/2 (ALPN) too", () => {
    const alert = Object.assign(new Error("tlsv1 alert no application protocol"), {
      code: "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL",
    });
    const error = fromConnectError(
      new ConnectError(alert.message, Code.Unavailable, undefined, undefined, alert),
      place,
      nodeGrpcFailures,
    );
    expect(error).toMatchObject({ retryable: false });
    expect(error.rawMessage).toContain('over TLS it refused HTTP/2 (ALPN "h2")');
  });

  it("leaves other HTTP/2 errors, and other errnos, to the universal mapping", () => {
    const other = Object.assign(new Error("Protocol error"), { code: "ERR_HTTP2_ERROR", errno: -902 });
    expect(
      notGrpcServer(new ConnectError("x", Code.Internal, undefined, undefined, other), place, "ModelInfer"),
    ).toBeUndefined();
    const goaway = Object.assign(new Error("goaway"), { code: "ERR_HTTP2_GOAWAY_SESSION" });
    expect(
      notGrpcServer(new ConnectError("x", Code.Unavailable, undefined, undefined, goaway), place, "ModelInfer"),
    ).toBeUndefined();
  });
});
