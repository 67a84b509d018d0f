/** The V1 client end to end against startMockKServe on loopback, through both HttpClients. */
import { describe, expect, it } from "vitest";
import { ConnectionError, HttpError, Tensor, createV1Client } from "kserve-client";
import { expectDatatype, rejection } from "../helpers.js";
import { useLoopbackMock } from "../loopback.js";

const loopback = useLoopbackMock();
const { clients } = loopback;

describe.each(clients)("with the %s HttpClient", (_name, httpClient) => {
  const v1 = (extra = {}) => createV1Client({ baseUrl: loopback.mock.url, httpClient: httpClient(), ...extra });

  it("iris predicts the classes the real model gave, from FP32, FP64 and integer rows", async () => {
    const rows = [
      [5.1, 3.5, 1.4, 0.2],
      [6.2, 2.9, 4.3, 1.3],
      [7.7, 3.0, 6.1, 2.3],
    ];
    for (const instances of [Tensor.fp32("x", [3, 4], rows), Tensor.fp64("x", [3, 4], rows), rows]) {
      const res = await v1().predict("iris-classifier", { instances });
      expect(res.predictions).toEqual([0, 1, 2]);
    }
    expect((await v1().predict("iris", { instances: Tensor.int32("x", [1, 4], [5, 3, 1, 0]) })).tensor().data).toEqual(
      new BigInt64Array([0n]),
    );
  });

  it("echoes INT64 beyond 2^53 exactly, both ways", async () => {
    const ids = [9007199254740993n, -9223372036854775808n, 9223372036854775807n];
    const res = await v1().predict("echo", { instances: Tensor.int64("ids", [3], ids) });
    expect(res.predictions).toEqual(ids);
    const tensor = res.tensor();
    expectDatatype(tensor, "INT64");
    expect(Array.from(tensor.data)).toEqual(ids);
  });

  it("model ready, list, live; unknown models and models not ready", async () => {
    const c = v1();
    expect(await c.modelReady("iris-classifier")).toBe(true);
    expect(await c.modelReady("no-such-model")).toBe(false);
    expect(await c.listModels()).toEqual(expect.arrayContaining(["iris-classifier", "echo"]));
    expect(await c.serverLive()).toBe(true);
    loopback.mock.models.get("echo")!.ready = false;
    try {
      expect(await c.modelReady("echo")).toBe(false);
      const err = await rejection(c.predict("echo", { instances: [1] }, { retry: false }));
      expect(err).toMatchObject({ status: 503, code: "unavailable" });
    } finally {
      loopback.mock.models.get("echo")!.ready = true;
    }
    const missing = await rejection(c.predict("no-such-model", { instances: [[1, 2, 3, 4]] }));
    expect(missing).toBeInstanceOf(HttpError);
    expect((missing as HttpError).message).toContain("Model with name no-such-model does not exist.");
    expect(await rejection(c.explain("iris", { instances: [[1, 2, 3, 4]] }))).toMatchObject({
      status: 501,
      code: "unimplemented",
    });
  });

  it("the faulty model's script: a 503 retried, a reset retried, a 500 not retried", async () => {
    const faulty = loopback.mock.models.get("faulty")!;
    const c = v1({ retry: { initialDelayMs: 5 } });
    faulty.faults.push({ status: 503, headers: { "retry-after-ms": "5" } }, { reset: true });
    expect((await c.predict("faulty", { instances: [1, 2] })).predictions).toEqual([1, 2]);
    faulty.faults.push({ status: 500, body: '{"error":"model crashed"}' });
    const crashed = await rejection(c.predict("faulty", { instances: [1] }));
    expect(crashed).toMatchObject({ status: 500, code: "internal" });
    expect((crashed as HttpError).message).toContain("model crashed");
    faulty.faults.push({ reset: true });
    expect(await rejection(c.predict("faulty", { instances: [1] }, { retry: false }))).toBeInstanceOf(ConnectionError);
  });
});

it("the SDK sends exactly application/json; with a charset the mock, like KServe, hands the model raw bytes", async () => {
  const { mock } = loopback;
  const before = mock.requests.length;
  const v1 = createV1Client({ baseUrl: mock.url, httpClient: loopback.node });
  expect((await v1.predict("iris-classifier", { instances: [[5.1, 3.5, 1.4, 0.2]] })).predictions).toEqual([0]);
  expect(mock.requests[before]?.headers["content-type"]).toBe("application/json");
  const res = await fetch(`${mock.url}/v1/models/iris-classifier:predict`, {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8" },
    body: '{"instances":[[5.1,3.5,1.4,0.2]]}',
  });
  expect(res.status).toBe(500);
});
