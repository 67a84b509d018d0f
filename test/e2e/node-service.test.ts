/**
 * examples/node-service against the mock KServe: the service calls an InferenceService through the ingress
 * gateway with its Host, retries an unavailable model, and answers its own clients with validation errors and
 * upstream statuses they can act on.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClassifyService } from "../../examples/node-service/app.mjs";
import { type MockKServe, startMockKServe } from "../../src/testing/index.js";
import { deployIris } from "./deploy-iris.js";

let mock: MockKServe;
let host: string;
const servers: Server[] = [];

beforeAll(async () => {
  mock = await startMockKServe();
  host = await deployIris(mock, "iris-svc");
});
afterAll(async () => {
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  await mock.close();
});

async function start(
  options: { baseUrl?: string; host?: string | undefined; model?: string; timeoutMs?: number } = {},
): Promise<string> {
  const server = createClassifyService({
    baseUrl: options.baseUrl ?? mock.ingressUrl,
    host: "host" in options ? options.host : host,
    model: options.model ?? "iris-svc",
    timeoutMs: options.timeoutMs ?? 2000,
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const classify = async (url: string, body: string, method = "POST") => {
  const res = await fetch(`${url}/classify`, { method, ...(method === "POST" ? { body } : {}) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe("examples/node-service", () => {
  it("classifies through the ingress with the InferenceService's Host", async () => {
    const url = await start();
    expect(await classify(url, '{"features":[6.8,2.8,4.8,1.4]}')).toMatchObject({
      status: 200,
      body: { class: 1, species: "versicolor", model: "iris-svc" },
    });
    expect(await classify(url, '{"features":[5.1,3.5,1.4,0.2]}')).toMatchObject({
      status: 200,
      body: { class: 0, species: "setosa" },
    });
  });

  it("validates its input: 400 with what is wrong, and the model is not called", async () => {
    const url = await start();
    expect(await classify(url, "not json")).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining("must be JSON") },
    });
    expect(await classify(url, '{"features":[1,2,3]}')).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining("array of 4 numbers") },
    });
    expect(await classify(url, '{"features":[1,2,"3",4]}')).toMatchObject({
      status: 400,
      body: { error: 'features[2] must be a number of centimetres from 0 to 100, got "3".' },
    });
    expect(await classify(url, "", "GET")).toMatchObject({ status: 405 });
  });

  it("without the Host, the gateway has no route: the service answers 502 naming the model's code", async () => {
    const url = await start({ host: undefined });
    expect(await classify(url, '{"features":[6.8,2.8,4.8,1.4]}')).toMatchObject({
      status: 502,
      body: { error: "the model call failed: not_found" },
    });
  });

  it("retries a model that is briefly unavailable (503), within the deadline", async () => {
    // The iris model of the plain model server, scripted: two 503s, then the answer.
    const iris = mock.models.get("iris-classifier")!;
    iris.faults.push({ status: 503 }, { status: 503 });
    const url = await start({
      baseUrl: mock.url,
      host: "iris-classifier.default.example.com",
      model: "iris-classifier",
    });
    expect(await classify(url, '{"features":[7.7,3.0,6.1,2.3]}')).toMatchObject({
      status: 200,
      body: { class: 2, species: "virginica" },
    });
    expect(iris.faults).toHaveLength(0);
  });

  it("a model that does not answer within the deadline is a 504", async () => {
    const iris = mock.models.get("iris-classifier")!;
    iris.faults.push({ hang: true });
    const url = await start({
      baseUrl: mock.url,
      host: "iris-classifier.default.example.com",
      model: "iris-classifier",
      timeoutMs: 300,
    });
    expect(await classify(url, '{"features":[7.7,3.0,6.1,2.3]}')).toMatchObject({
      status: 504,
      body: { error: "the model call failed: deadline_exceeded" },
    });
  });
});
