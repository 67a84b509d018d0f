/** The V2 client end to end against startMockKServe on loopback, through both HttpClients. */
import { describe, expect, it } from "vitest";
import { ConnectionError, HttpError, TimeoutError } from "../../src/core/errors.js";
import { useLoopbackMock } from "../loopback.js";
import { createV2Client } from "../../src/v2/client.js";
import type { BinaryMode } from "../../src/v2/types.js";
import { DATATYPES, ProtocolError, Tensor, tensorToBytes, type Datatype } from "kserve-client/tensor";

const loopback = useLoopbackMock();
const { clients } = loopback;

const samples: Record<Datatype, Tensor> = {
  BOOL: Tensor.bool("BOOL", [2], [true, false]),
  UINT8: Tensor.uint8("UINT8", [2], [0, 255]),
  UINT16: Tensor.uint16("UINT16", [2], [1, 65535]),
  UINT32: Tensor.uint32("UINT32", [2], [1, 4294967295]),
  UINT64: Tensor.uint64("UINT64", [2], [0n, 18446744073709551615n]),
  INT8: Tensor.int8("INT8", [2], [-128, 127]),
  INT16: Tensor.int16("INT16", [2], [-32768, 32767]),
  INT32: Tensor.int32("INT32", [2], [-2147483648, 2147483647]),
  INT64: Tensor.int64("INT64", [2], [-9223372036854775808n, 9007199254740993n]),
  FP16: Tensor.fp16("FP16", [2], [6.8, -0]),
  FP32: Tensor.fp32(
    "FP32",
    [2, 2],
    [
      [1.5, -2],
      [3.25, 1e-7],
    ],
  ),
  FP64: Tensor.fp64("FP64", [2], [0.1, -1e300]),
  BYTES: Tensor.bytes("BYTES", [2], ["héllo", ""]),
  BF16: Tensor.bf16("BF16", [2], [1.5, -2]),
};
const hex = (t: Tensor) => Buffer.from(tensorToBytes(t)).toString("hex");

describe.each(clients)("with the %s HttpClient", (_name, httpClient) => {
  it("iris answers the classes the real model gave", async () => {
    const v2 = createV2Client({ baseUrl: loopback.mock.url, httpClient: httpClient() });
    const res = await v2.infer("iris-classifier", {
      inputs: [
        Tensor.fp32(
          "input-0",
          [3, 4],
          [
            [5.1, 3.5, 1.4, 0.2],
            [6.2, 2.9, 4.3, 1.3],
            [7.7, 3.0, 6.1, 2.3],
          ],
        ),
      ],
    });
    expect(Array.from(res.output("output-0", "INT64").data)).toEqual([0n, 1n, 2n]);
  });

  it.each(["never", "auto", "always"] as BinaryMode[])(
    "echo returns every datatype bit for bit (binary: %s)",
    async (binary) => {
      const v2 = createV2Client({ baseUrl: loopback.mock.url, httpClient: httpClient(), binary });
      // JSON cannot carry FP16/BF16: in "never" mode they are refused before sending (tested elsewhere).
      const inputs = DATATYPES.filter((d) => binary !== "never" || (d !== "FP16" && d !== "BF16")).map(
        (d) => samples[d],
      );
      const res = await v2.infer("echo", { inputs, id: "e-1" });
      expect(res.id).toBe("e-1");
      for (const input of inputs) {
        const out = res.output(input.name);
        expect(out.datatype, input.name).toBe(input.datatype);
        expect(out.shape, input.name).toEqual(input.shape);
        expect(hex(out), input.name).toBe(hex(input));
      }
    },
  );
});

describe("faults from the faulty model", () => {
  const v2 = () =>
    createV2Client({ baseUrl: loopback.mock.url, httpClient: loopback.node, retry: { initialDelayMs: 10 } });
  const input = [Tensor.fp32("x", [1], [1])];
  const faulty = () => loopback.mock.models.get("faulty")!;

  it("a 503 with Retry-After, then success: retried", async () => {
    faulty().faults.push({ status: 503, body: '{"error":"warming up"}', headers: { "retry-after-ms": "20" } });
    const res = await v2().infer("faulty", { inputs: input });
    expect(res.output("x").size).toBe(1);
  });

  it("a 500 is not retried and carries the server's message", async () => {
    faulty().faults.push({ status: 500, body: '{"error":"model exploded"}' }, { status: 200 });
    const err = await v2()
      .infer("faulty", { inputs: input })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).message).toContain("model exploded");
    faulty().faults.length = 0;
  });

  it("a reset connection is retried", async () => {
    faulty().faults.push({ reset: true });
    expect((await v2().infer("faulty", { inputs: input })).outputs).toHaveLength(1);
  });

  it("a truncated body is a ConnectionError once retries run out", async () => {
    faulty().faults.push({ truncateAt: 20 }, { truncateAt: 20 }, { truncateAt: 20 });
    expect(
      await v2()
        .infer("faulty", { inputs: input })
        .catch((e: unknown) => e),
    ).toBeInstanceOf(ConnectionError);
  });

  it("a malformed body is a ProtocolError", async () => {
    faulty().faults.push({ malformed: true });
    expect(
      await v2()
        .infer("faulty", { inputs: input })
        .catch((e: unknown) => e),
    ).toBeInstanceOf(ProtocolError);
  });

  it("a hang ends at the deadline", async () => {
    faulty().faults.push({ hang: true });
    const err = await v2()
      .infer("faulty", { inputs: input }, { timeoutMs: 300 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
  });

  it("a delay within the deadline is just slow", async () => {
    faulty().faults.push({ delayMs: 50 });
    expect((await v2().infer("faulty", { inputs: input }, { timeoutMs: 5000 })).outputs).toHaveLength(1);
  });
});

describe("request parsing like FastAPI", () => {
  it("reads a JSON body whatever the case or parameters of its media type", async () => {
    const body = JSON.stringify({
      inputs: [{ name: "input-0", shape: [1, 4], datatype: "FP32", data: [5.1, 3.5, 1.4, 0.2] }],
    });
    for (const type of ["application/json; charset=utf-8", "Application/JSON"]) {
      const res = await fetch(`${loopback.mock.url}/v2/models/iris-classifier/infer`, {
        method: "POST",
        headers: { "content-type": type },
        body,
      });
      expect(res.status, type).toBe(200);
    }
  });
});

describe("model states", () => {
  it("a model that is not ready: modelReady false, infer 503", async () => {
    const echo = loopback.mock.models.get("echo")!;
    echo.ready = false;
    try {
      const v2 = createV2Client({ baseUrl: loopback.mock.url, httpClient: loopback.node, retry: false });
      expect(await v2.modelReady("echo")).toBe(false);
      expect(await v2.infer("echo", { inputs: [Tensor.fp32("x", [1], [1])] }).catch((e: unknown) => e)).toMatchObject({
        status: 503,
        code: "unavailable",
      });
    } finally {
      echo.ready = true;
    }
  });
});
