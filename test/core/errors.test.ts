import { describe, expect, it } from "vitest";
import {
  AbortError,
  afterAttempts,
  ConfigError,
  ConnectionError,
  HttpError,
  isKServeError,
  KServeError,
  MAX_ERROR_BODY,
  redactHeaders,
  serverMessage,
  TimeoutError,
} from "../../src/core/errors.js";
import { MAX_JSON_DEPTH } from "../../src/tensor/json-parse.js";
import { kserveFixture } from "../fixtures.js";

describe("serverMessage", () => {
  const text = (name: string) => (kserveFixture(name).response.body as { text: string }).text;

  it("reads {error} from real KServe answers", () => {
    expect(serverMessage(text("v2-unknown-model"))).toBe("Model with name no-such-model does not exist.");
    expect(serverMessage(text("v2-versioned-path-501"))).toBe("Model versioning not supported yet.");
  });

  it("reads FastAPI's {detail}, as a string or as a list of {loc, msg}", () => {
    expect(serverMessage('{"detail":"Not Found"}')).toBe("Not Found");
    expect(serverMessage(text("v2-missing-inputs-422"))).toMatch(/^body\.inputs: /);
    expect(serverMessage('{"detail":[{"loc":["body","inputs",0,"data"],"msg":"field required"},{"msg":"bad"}]}')).toBe(
      "body.inputs.0.data: field required; bad",
    );
  });

  it("falls back to the text for plain or other JSON bodies, and undefined for none", () => {
    expect(serverMessage("Internal Server Error")).toBe("Internal Server Error");
    expect(serverMessage("<html><body>502 Bad Gateway</body></html>\n")).toBe(
      "<html><body>502 Bad Gateway</body></html>",
    );
    expect(serverMessage('{"message":"x"}')).toBe('{"message":"x"}');
    expect(serverMessage("  ")).toBeUndefined();
  });

  it("cuts long bodies", () => {
    expect(serverMessage("x".repeat(MAX_ERROR_BODY + 10))).toHaveLength(MAX_ERROR_BODY + 1);
  });

  it("cleans the whole message, unescaped, before cutting it", () => {
    // The secret straddles the cut, and stands escaped in the body: only the parsed, whole message shows it.
    const secret = 'a"secret/token';
    const body = JSON.stringify({ error: `${"x".repeat(MAX_ERROR_BODY - 5)}${secret} rejected` });
    const clean = (text: string) => text.split(secret).join("[redacted]");
    expect(serverMessage(body, clean)).toBe(`${"x".repeat(MAX_ERROR_BODY - 5)}[reda…`);
  });

  it("describes a {detail} list nested up to the SDK's JSON depth limit, and shows a deeper body as it came", () => {
    // Array#join and JSON.stringify recurse, and where they overflow differs between engines (found by fuzzing: a
    // 12 KB body threw RangeError on Node 20, not on 26). The body is read with the SDK's parser, whose limit
    // (MAX_JSON_DEPTH containers below the top) is the same on every engine: the outcome must be too.
    const nested = (levels: number, inner: string) => `${"[".repeat(levels)}${inner}${"]".repeat(levels)}`;
    const cut = (text: string) => (text.length > MAX_ERROR_BODY ? `${text.slice(0, MAX_ERROR_BODY)}…` : text);
    // The body is depth 0, the list 1, the item 2, its loc 3: a loc of `levels` arrays reaches depth 2 + levels.
    const withLoc = (levels: number) => `{"detail":[{"loc":${nested(levels, '"a"')},"msg":"field required"}]}`;
    expect(serverMessage(withLoc(MAX_JSON_DEPTH - 2))).toBe("a: field required");
    expect(serverMessage(withLoc(MAX_JSON_DEPTH - 1))).toBe(withLoc(MAX_JSON_DEPTH - 1));
    expect(serverMessage(withLoc(6000))).toBe(cut(withLoc(6000)));
    // An item without "msg" is shown as its JSON, as a shallow one is; past the limit, the body as it came.
    const item = (levels: number) => `{"detail":[${nested(levels, "1")}]}`;
    expect(serverMessage(item(MAX_JSON_DEPTH - 1))).toBe(nested(MAX_JSON_DEPTH - 1, "1"));
    expect(serverMessage(item(MAX_JSON_DEPTH))).toBe(item(MAX_JSON_DEPTH));
    expect(serverMessage(item(6000))).toBe(cut(item(6000)));
    expect(serverMessage('{"detail":[[1,[2]]]}')).toBe("[1,[2]]");
    expect(serverMessage('{"detail":[{"loc":[[["a"]]],"msg":"m"}]}')).toBe("a: m");
  });

  it("keeps integers beyond 2^53 in a {detail} item exact", () => {
    expect(serverMessage('{"detail":[{"loc":["body",9007199254740993],"msg":"m"}]}')).toBe("body.9007199254740993: m");
    expect(serverMessage('{"detail":[{"limit":9007199254740993}]}')).toBe('{"limit":9007199254740993}');
  });
});

describe("redactHeaders", () => {
  it("hides credentials, keeps the scheme and everything else, lower-cases names", () => {
    expect(
      redactHeaders({
        Authorization: "Bearer eyJhbGciOi.secret",
        "Proxy-Authorization": "Basic dXNlcjpwYXNz",
        Cookie: "session=abc",
        "X-API-Key": "k-123",
        "x-request-id": "req-7",
        "Content-Type": "application/json",
      }),
    ).toEqual({
      authorization: "Bearer [redacted]",
      "proxy-authorization": "Basic [redacted]",
      cookie: "[redacted]",
      "x-api-key": "[redacted]",
      "x-request-id": "req-7",
      "content-type": "application/json",
    });
  });
});

describe("transport errors", () => {
  it("carry their codes and are KServeErrors across the brand check", () => {
    const cases: [KServeError, string, string][] = [
      [new ConnectionError("refused"), "unavailable", "ConnectionError"],
      [new TimeoutError("late"), "deadline_exceeded", "TimeoutError"],
      [new AbortError("stopped"), "canceled", "AbortError"],
      [new ConfigError("no host here"), "invalid_argument", "ConfigError"],
    ];
    for (const [err, code, name] of cases) {
      expect(err.code).toBe(code);
      expect(err.name).toBe(name);
      expect(isKServeError(err)).toBe(true);
      expect(err).toBeInstanceOf(KServeError);
    }
    expect(new TimeoutError("x")).not.toBeInstanceOf(AbortError);
  });

  it("HttpError takes its code from the status and keeps headers and body", () => {
    const err = new HttpError("Model with name m does not exist.", {
      status: 404,
      headers: { "x-request-id": "r1" },
      body: '{"error":"Model with name m does not exist."}',
      requestId: "r1",
      model: "m",
    });
    expect(err).toMatchObject({
      code: "not_found",
      status: 404,
      requestId: "r1",
      model: "m",
      headers: { "x-request-id": "r1" },
    });
    expect(err.message).toBe("[not_found] Model with name m does not exist.");
    expect(new HttpError("busy", { status: 503 }).code).toBe("unavailable");
  });
});

describe("afterAttempts", () => {
  it("a copy of the same class and fields, its message ending with the count; the original untouched", () => {
    const cause = new Error("socket");
    const original = new HttpError("busy (HTTP 503 from POST http://h/v2/models/m/infer)", {
      status: 503,
      headers: { a: "b" },
      body: "busy",
      requestId: "r",
      model: "m",
      cause,
    });
    const copy = afterAttempts(original, 3);
    expect(copy).toBeInstanceOf(HttpError);
    expect(isKServeError(copy)).toBe(true);
    expect(copy).not.toBe(original);
    expect(copy).toMatchObject({
      code: "unavailable",
      status: 503,
      headers: { a: "b" },
      body: "busy",
      requestId: "r",
      model: "m",
      attempts: 3,
      name: "HttpError",
    });
    expect(copy.cause).toBe(cause);
    expect(copy.message).toBe(
      "[unavailable] busy (HTTP 503 from POST http://h/v2/models/m/infer). Failed after 3 attempts.",
    );
    expect(copy.stack!.split("\n")[0]).toBe(`HttpError: ${copy.message}`);
    expect(copy.toJSON()).toEqual({
      name: "HttpError",
      code: "unavailable",
      message: copy.message,
      status: 503,
      requestId: "r",
      model: "m",
      attempts: 3,
    });
    expect(original.message).toBe("[unavailable] busy (HTTP 503 from POST http://h/v2/models/m/infer)");
    expect(original.attempts).toBeUndefined();
  });

  it("one period between sentences, whatever the message ends with", () => {
    expect(afterAttempts(new ConnectionError("refused."), 2).rawMessage).toBe("refused. Failed after 2 attempts.");
    expect(afterAttempts(new ConnectionError("refused"), 2).rawMessage).toBe("refused. Failed after 2 attempts.");
    expect(afterAttempts(new ConnectionError("a body cut…"), 2).rawMessage).toBe(
      "a body cut… Failed after 2 attempts.",
    );
    expect((afterAttempts(new ConnectionError("x", { retryable: false }), 2) as ConnectionError).retryable).toBe(false);
  });

  it("an error after one attempt is returned as it is", () => {
    const error = new TimeoutError("late");
    expect(afterAttempts(error, 1)).toBe(error);
  });
});
