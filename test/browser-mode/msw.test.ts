/**
 * kserve-client/testing in Vitest browser mode, written as a user writes it in their own suite: this file runs in
 * headless Chromium and msw's service worker answers from the fake models. The host is never resolved: with
 * onUnhandledRequest "error" a request no handler takes fails instead of going out (setup.test.ts checks that).
 */
import { setupWorker } from "msw/browser";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createV1Client, createV2Client, HttpError, Tensor } from "kserve-client";
import { createFakeModels, createKServeHandlers } from "kserve-client/testing";

const baseUrl = "http://models.kserve.test";
const worker = setupWorker(...createKServeHandlers(createFakeModels(), { baseUrl }));

// Clients made before the worker starts: the service worker sees every request, whenever the client was made.
const v2 = createV2Client({ baseUrl });
const v1 = createV1Client({ baseUrl });

beforeAll(() => worker.start({ quiet: true, onUnhandledRequest: "error" }));
afterAll(() => worker.stop());

it("classifies setosa features as class 0 (INT64 as bigint)", async () => {
  const res = await v2.infer("iris-classifier", { inputs: [Tensor.fp32("input-0", [1, 4], [5.1, 3.5, 1.4, 0.2])] });
  expect(res.output("output-0").datatype).toBe("INT64");
  expect(res.output("output-0").data).toEqual(new BigInt64Array([0n]));
});

it("echoes INT64 beyond 2^53 exactly, as binary tensors both ways", async () => {
  const ids = [2n ** 62n + 1n, -(2n ** 53n) - 1n];
  const res = await v2.infer("echo", { inputs: [Tensor.int64("ids", [2], ids)] }, { binary: "always" });
  expect(Array.from(res.output("ids", "INT64").data)).toEqual(ids);
});

it("rejects an unknown model with an HttpError: 404, not_found", async () => {
  const error = await v2.infer("no-such-model", { inputs: [Tensor.fp32("x", [1], [1])] }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HttpError);
  expect(error).toMatchObject({ status: 404, code: "not_found" });
});

it("answers V1 predict too", async () => {
  const res = await v1.predict("iris-classifier", {
    instances: [
      [5.1, 3.5, 1.4, 0.2],
      [7.7, 3.0, 6.1, 2.3],
    ],
  });
  expect(res.predictions).toEqual([0, 2]);
});
