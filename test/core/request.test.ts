import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  AbortError,
  ConnectionError,
  HttpError,
  isKServeError,
  KServeError,
  TimeoutError,
} from "../../src/core/errors.js";
import type { HttpClient, HttpRequest, HttpResponse } from "../../src/core/http.js";
import { joinUrl, type RequestContext, send } from "../../src/core/request.js";

const utf8 = (s: string) => new TextEncoder().encode(s);
const ok = (body = "{}"): HttpResponse => ({
  status: 200,
  headers: { "content-type": "application/json" },
  body: utf8(body),
});
const status = (code: number, body = "", headers: Record<string, string> = {}): HttpResponse => ({
  status: code,
  headers,
  body: utf8(body),
});

/** An HttpClient that answers from a script, one entry per attempt, and records what it was sent. */
function scripted(...answers: (HttpResponse | Error | "hang")[]): HttpClient & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  const client = async (request: HttpRequest): Promise<HttpResponse> => {
    requests.push(request);
    const answer = answers[Math.min(requests.length - 1, answers.length - 1)]!;
    if (answer === "hang") {
      return new Promise((_, reject) =>
        request.signal?.addEventListener("abort", () => reject(request.signal?.reason), { once: true }),
      );
    }
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return Object.assign(client, { requests });
}

const ctx = (httpClient: HttpClient, extra: Partial<RequestContext> = {}): RequestContext => ({
  httpClient,
  baseUrl: "http://127.0.0.1:8080",
  random: () => 0,
  ...extra,
});
const endpoint = { method: "POST" as const, path: "/v2/models/iris/infer", model: "iris" };

/** Run `send` while fake time advances, and settle its outcome. */
async function run<T>(promise: Promise<T>, advanceMs = 120_000): Promise<{ value?: T; error?: unknown }> {
  const settled = promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await vi.advanceTimersByTimeAsync(advanceMs);
  return settled;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("send", () => {
  it("returns a 2xx response, sending merged headers in lower case", async () => {
    const http = scripted(ok('{"a":1}'));
    const { value } = await run(
      send(
        ctx(http, { headers: { "X-Team": "ml" } }),
        { ...endpoint, headers: { "content-type": "application/json" } },
        { headers: { "X-Call": "1" } },
      ),
    );
    expect(new TextDecoder().decode(value!.body)).toBe('{"a":1}');
    expect(http.requests[0]).toMatchObject({
      method: "POST",
      url: "http://127.0.0.1:8080/v2/models/iris/infer",
      headers: { "x-team": "ml", "x-call": "1", "content-type": "application/json" },
    });
  });

  it("retries 503 with backoff, then succeeds", async () => {
    const http = scripted(status(503), status(503), ok());
    const started = Date.now();
    let endedAt = 0;
    const { value } = await run(send(ctx(http), endpoint).finally(() => (endedAt = Date.now())));
    expect(value!.status).toBe(200);
    expect(http.requests).toHaveLength(3);
    expect(endedAt - started).toBe(1500); // 500 + 1000 ms of backoff (jitter 0)
  });

  it("honours Retry-After over backoff", async () => {
    const http = scripted(status(429, "", { "retry-after": "3" }), ok());
    const sleeps: number[] = [];
    const logger = {
      debug: (message: string, fields: Record<string, unknown>) =>
        message.includes("retrying") && sleeps.push(fields["delayMs"] as number),
    };
    await run(send(ctx(http, { logger }), endpoint));
    expect(sleeps).toEqual([3000]);
  });

  it("gives up after the retries with the last HttpError, code from the status", async () => {
    const http = scripted(
      status(503, '{"error":"Model with name iris is not ready."}', {
        "x-request-id": "r-9",
        authorization: "Bearer s3cret",
      }),
    );
    const { error } = await run(send(ctx(http), endpoint));
    expect(http.requests).toHaveLength(3);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ code: "unavailable", status: 503, requestId: "r-9", model: "iris" });
    expect((error as HttpError).message).toBe(
      "[unavailable] Model with name iris is not ready. (HTTP 503 from POST http://127.0.0.1:8080/v2/models/iris/infer). Failed after 3 attempts.",
    );
    expect((error as HttpError).headers["authorization"]).toBe("Bearer [redacted]");
  });

  it("does not retry a 500 or a 404", async () => {
    for (const code of [500, 404]) {
      const http = scripted(status(code, '{"error":"boom"}'), ok());
      const { error } = await run(send(ctx(http), endpoint));
      expect((error as HttpError).status).toBe(code);
      expect(http.requests).toHaveLength(1);
    }
  });

  it("retries connection failures and ends with a ConnectionError when they persist", async () => {
    const http = scripted(new ConnectionError("refused"));
    const { error } = await run(send(ctx(http), endpoint));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(http.requests).toHaveLength(3);
  });

  it("retry: false per call sends exactly once", async () => {
    const http = scripted(status(503), ok());
    const { error } = await run(send(ctx(http), endpoint, { retry: false }));
    expect((error as HttpError).status).toBe(503);
    expect(http.requests).toHaveLength(1);
  });

  it("returns statuses the endpoint accepts as answers, without retrying", async () => {
    const http = scripted(status(503, '{"error":"not ready"}'), ok());
    const { value } = await run(send(ctx(http), { ...endpoint, accept: (s) => s === 503 || s === 404 }));
    expect(value!.status).toBe(503);
    expect(http.requests).toHaveLength(1);
  });

  it("calls the auth provider before every attempt", async () => {
    let n = 0;
    const http = scripted(status(503), ok());
    await run(send(ctx(http, { auth: () => ({ Authorization: `Bearer token-${++n}` }) }), endpoint));
    expect(http.requests.map((r) => r.headers["authorization"])).toEqual(["Bearer token-1", "Bearer token-2"]);
  });

  it("a failing auth provider is an unauthenticated KServeError, not retried", async () => {
    const http = scripted(ok());
    const { error } = await run(send(ctx(http, { auth: () => Promise.reject(new Error("vault down")) }), endpoint));
    expect(error).toMatchObject({ code: "unauthenticated" });
    expect((error as KServeError).message).toContain("vault down");
    expect(http.requests).toHaveLength(0);
  });

  it("one deadline for the whole call: a hanging attempt ends in a TimeoutError", async () => {
    const http = scripted("hang");
    const { error } = await run(send(ctx(http, { timeoutMs: 2000 }), endpoint), 2500);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: "deadline_exceeded", model: "iris" });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("never sleeps past the deadline: ends at once with the last error", async () => {
    const http = scripted(status(503, "", { "retry-after": "30" }), ok());
    const started = Date.now();
    let endedAt = 0;
    const { error } = await run(send(ctx(http), endpoint, { timeoutMs: 5000 }).finally(() => (endedAt = Date.now())));
    expect((error as HttpError).status).toBe(503);
    expect(endedAt - started).toBeLessThan(100);
    expect(http.requests).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("the caller's signal cancels a wait between retries at once", async () => {
    const http = scripted(status(503, "", { "retry-after": "10" }), ok());
    const controller = new AbortController();
    const pending = run(send(ctx(http), endpoint, { signal: controller.signal }), 0);
    await vi.advanceTimersByTimeAsync(1000);
    controller.abort(new Error("user left"));
    const { error } = await pending;
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ code: "canceled" });
    expect(http.requests).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("the caller's signal cancels an attempt in flight, and an already-aborted signal sends nothing", async () => {
    const http = scripted("hang");
    const controller = new AbortController();
    const pending = run(send(ctx(http), endpoint, { signal: controller.signal }), 0);
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    expect((await pending).error).toBeInstanceOf(AbortError);
    const none = scripted(ok());
    expect((await run(send(ctx(none), endpoint, { signal: AbortSignal.abort() }))).error).toBeInstanceOf(AbortError);
    expect(none.requests).toHaveLength(0);
  });

  it("other errors from the HttpClient pass through untouched, not retried", async () => {
    const tooBig = new KServeError("resource_exhausted", "too big");
    const http = scripted(tooBig);
    const { error } = await run(send(ctx(http), endpoint));
    expect(error).toBe(tooBig);
    expect(http.requests).toHaveLength(1);
  });

  it("logs one line per attempt and per retry, with no headers", async () => {
    const lines: [string, Record<string, unknown>][] = [];
    const http = scripted(status(502), ok());
    await run(
      send(ctx(http, { auth: { bearer: "s3cret" }, logger: { debug: (m, f) => lines.push([m, f]) } }), endpoint),
    );
    expect(lines.map(([m, f]) => `${m} ${f["attempt"]} ${f["status"] ?? f["reason"]}`)).toEqual([
      "kserve-client: attempt 0 502",
      "kserve-client: retrying 0 status 502",
      "kserve-client: attempt 1 200",
    ]);
    expect(JSON.stringify(lines)).not.toContain("s3cret");
  });

  it("refuses header values with line breaks (header smuggling) as a ConfigError without echoing them", async () => {
    const http = scripted(ok());
    const { error } = await run(send(ctx(http, { headers: { "x-a": "1\r\nx-b: 2" } }), endpoint));
    expect(isKServeError(error)).toBe(true);
    expect((error as KServeError).name).toBe("ConfigError");
    expect((error as KServeError).message).not.toContain("x-b");
  });
});

describe("send: the deadline and the cancel cover everything", () => {
  it("a slow auth provider counts against the deadline", async () => {
    const http = scripted(ok());
    const slowToken = () =>
      new Promise<Record<string, string>>((resolve) => setTimeout(() => resolve({ authorization: "Bearer t" }), 400));
    const { error } = await run(send(ctx(http, { auth: slowToken }), endpoint, { timeoutMs: 50 }), 1000);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(http.requests).toHaveLength(0);
  });

  it("cancelling while the auth provider works is an AbortError, and nothing is sent", async () => {
    const http = scripted(ok());
    const controller = new AbortController();
    const slowToken = () => new Promise<Record<string, string>>((resolve) => setTimeout(() => resolve({}), 400));
    const pending = run(
      send(ctx(http, { auth: slowToken }), endpoint, { signal: controller.signal, timeoutMs: 10_000 }),
      0,
    );
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    expect((await pending).error).toBeInstanceOf(AbortError);
    await vi.advanceTimersByTimeAsync(1000);
    expect(http.requests).toHaveLength(0);
  });

  it("refuses a timeout no timer can honour; Infinity means no limit", async () => {
    for (const bad of [Number.NaN, -1, 2 ** 31]) {
      const { error } = await run(send(ctx(scripted(ok())), endpoint, { timeoutMs: bad }));
      expect((error as KServeError).name, String(bad)).toBe("ConfigError");
    }
    expect((await run(send(ctx(scripted(ok())), endpoint, { timeoutMs: Infinity }))).value?.status).toBe(200);
  });

  it("does not retry a connection error marked not retryable (a certificate)", async () => {
    const http = scripted(new ConnectionError("bad cert", { retryable: false }), ok());
    const { error } = await run(send(ctx(http), endpoint));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(http.requests).toHaveLength(1);
  });
});

describe("send: an error that ends a retried call says how many attempts there were", () => {
  const URL_ = "http://127.0.0.1:8080/v2/models/iris/infer";

  it("the last HttpError, with its class, code, status, body and headers, and attempts set", async () => {
    const http = scripted(status(503, '{"error":"overloaded"}', { "x-request-id": "r-1" }));
    const { error } = await run(send(ctx(http), endpoint));
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({
      code: "unavailable",
      status: 503,
      requestId: "r-1",
      model: "iris",
      attempts: 3,
      body: '{"error":"overloaded"}',
    });
    expect((error as HttpError).rawMessage).toBe(`overloaded (HTTP 503 from POST ${URL_}). Failed after 3 attempts.`);
    expect((error as HttpError).toJSON()).toMatchObject({ attempts: 3, status: 503 });
    expect((error as HttpError).stack).toContain("Failed after 3 attempts.");
  });

  it("the last ConnectionError, still retryable, one period between its sentence and the count", async () => {
    const http = scripted(
      new ConnectionError(`${URL_}: could not connect: connect ECONNREFUSED 127.0.0.1:8080 (ECONNREFUSED).`),
    );
    const { error } = await run(send(ctx(http), endpoint));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: "unavailable", retryable: true, attempts: 3 });
    expect((error as ConnectionError).message).toBe(
      `[unavailable] ${URL_}: could not connect: connect ECONNREFUSED 127.0.0.1:8080 (ECONNREFUSED). Failed after 3 attempts.`,
    );
  });

  it("a call that ends on an error that is not retried, after a retry, says so too", async () => {
    const http = scripted(status(503), status(500, '{"error":"the model broke"}'));
    const { error } = await run(send(ctx(http), endpoint));
    expect(error).toMatchObject({ code: "internal", status: 500, attempts: 2 });
    expect((error as HttpError).rawMessage).toBe(
      `the model broke (HTTP 500 from POST ${URL_}). Failed after 2 attempts.`,
    );

    const tls = scripted(
      status(503),
      new ConnectionError("the server's TLS certificate does not verify.", { retryable: false }),
    );
    const { error: refused } = await run(send(ctx(tls), endpoint));
    expect(refused).toMatchObject({
      retryable: false,
      attempts: 2,
      rawMessage: "the server's TLS certificate does not verify. Failed after 2 attempts.",
    });
  });

  it("an error after a single attempt is left as it was, without attempts", async () => {
    const http = scripted(status(503, '{"error":"overloaded"}'));
    const { error } = await run(send(ctx(http), endpoint, { retry: false }));
    expect((error as HttpError).rawMessage).toBe(`overloaded (HTTP 503 from POST ${URL_})`);
    expect(error).not.toHaveProperty("attempts");
    expect((error as HttpError).toJSON()).not.toHaveProperty("attempts");
  });

  it("the TimeoutError of a deadline that ends the retries names the attempts and the last error", async () => {
    const http = scripted(status(503, '{"error":"overloaded"}'), "hang");
    const { error } = await run(send(ctx(http, { timeoutMs: 2000 }), endpoint), 2500);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: "deadline_exceeded", attempts: 2 });
    expect((error as TimeoutError).rawMessage).toBe(
      `No answer from ${URL_} within 2000 ms, after 2 attempts (last: overloaded (HTTP 503 from POST ${URL_})).`,
    );
  });

  it("every attempt hung past retry.attemptTimeoutMs: the last attempt's TimeoutError, with the count", async () => {
    const http = scripted("hang");
    const { error } = await run(send(ctx(http, { retry: { attemptTimeoutMs: 100 } }), endpoint), 5000);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).rawMessage).toBe(
      `Attempt 3 to ${URL_} got no answer within 100 ms. Failed after 3 attempts.`,
    );
  });

  it("a cancel that ends the retries says how many attempts were made", async () => {
    const http = scripted(status(503, "", { "retry-after": "1" }), "hang");
    const controller = new AbortController();
    const pending = run(send(ctx(http), endpoint, { signal: controller.signal }), 0);
    await vi.advanceTimersByTimeAsync(1500);
    expect(http.requests).toHaveLength(2);
    controller.abort(new Error("user left"));
    const { error } = await pending;
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({
      code: "canceled",
      attempts: 2,
      rawMessage: `The call to ${URL_} was cancelled after 2 attempts.`,
    });
  });
});

describe("send: per-attempt time limit", () => {
  it("abandons a hung attempt after retry.attemptTimeoutMs and retries within the call's deadline", async () => {
    const http = scripted("hang", ok());
    const { value } = await run(
      send(ctx(http, { retry: { attemptTimeoutMs: 1000 } }), endpoint, { timeoutMs: 10_000 }),
      5000,
    );
    expect(value!.status).toBe(200);
    expect(http.requests).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("ends with the attempt's TimeoutError when every attempt hangs", async () => {
    const http = scripted("hang");
    const { error } = await run(send(ctx(http, { retry: { attemptTimeoutMs: 100 } }), endpoint), 5000);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toContain("Attempt 3");
    expect(http.requests).toHaveLength(3);
  });
});

describe("joinUrl", () => {
  it("joins without doubled or missing slashes and keeps a path prefix", () => {
    expect(joinUrl("http://h:1/", "/v2")).toBe("http://h:1/v2");
    expect(joinUrl("http://h:1", "v2/models/m")).toBe("http://h:1/v2/models/m");
    expect(joinUrl("http://gw/serving/ns/iris/", "/v1/models/iris:predict")).toBe(
      "http://gw/serving/ns/iris/v1/models/iris:predict",
    );
  });
});

describe("the clock", () => {
  afterEach(() => vi.useRealTimers());

  it("is read at each use: fake timers installed after the first call decide later deadlines", async () => {
    const http = scripted(ok(), status(503, '{"error":"busy"}'));
    const context = {
      httpClient: http,
      baseUrl: "http://127.0.0.1:1",
      timeoutMs: 1500,
      retry: { maxRetries: 5, initialDelayMs: 1000, maxDelayMs: 1000 },
    } satisfies RequestContext;
    await send(context, { method: "GET", path: "/v2" }); // the context is prepared under the real clock
    vi.useFakeTimers();
    const pending = send(context, { method: "GET", path: "/v2" }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5000);
    // A second wait of about a second would end past the fake deadline (1500 ms), so the call ends with the 503.
    const error = await pending;
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).message).toContain("Failed after 2 attempts.");
  });
});
