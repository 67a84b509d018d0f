/**
 * Every V2 and V1 exchange recorded from a real KServe 0.14.1 server, replayed against startMockKServe: the
 * status, the headers that matter and the body must match (generated ids aside).
 */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeModels, startMockKServe, type MockKServe } from "../../src/testing/index.js";
import { bodyBytes, kserveFixture } from "../fixtures.js";

const files = readdirSync(fileURLToPath(new URL("../fixtures/kserve-0.14.1/", import.meta.url)));
const names = files.filter((f) => f.startsWith("v2-") || f.startsWith("v1-")).map((f) => f.replace(/\.json$/, ""));

let mock: MockKServe;
beforeAll(async () => {
  // The recorded server served the iris classifier alone (its model list shows it): so does this one.
  const models = createFakeModels();
  for (const name of models.names()) if (name !== "iris-classifier") models.delete(name);
  mock = await startMockKServe({ models });
});
afterAll(async () => {
  await mock.close();
});

/** A parsed JSON body with a generated UUID id replaced, so that only what matters is compared. */
function comparable(text: string): unknown {
  const value = JSON.parse(text) as Record<string, unknown>;
  if (typeof value["id"] === "string" && /^[0-9a-f-]{36}$/.test(value["id"])) value["id"] = "<generated>";
  return value;
}

describe.each(names)("replaying %s", (name) => {
  it("answers as the real server did", async () => {
    const { request, response } = kserveFixture(name);
    const body = request.body ? bodyBytes(request.body) : undefined;
    const res = await fetch(`${mock.url}${request.path}`, {
      method: request.method,
      headers: request.headers,
      body: (body ?? null) as BodyInit | null,
    });
    const got = new Uint8Array(await res.arrayBuffer());
    expect(res.status).toBe(response.status);
    for (const header of ["content-type", "inference-header-content-length"]) {
      expect(res.headers.get(header), header).toBe(response.headers[header] ?? null);
    }
    expect(res.headers.get("content-length") === null, "chunked like the real one").toBe(
      response.headers["content-length"] === undefined,
    );
    const expected = bodyBytes(response.body);
    if ("base64" in (response.body ?? {})) {
      expect(Buffer.from(got).toString("hex")).toBe(Buffer.from(expected).toString("hex")); // binary: byte for byte
    } else {
      expect(comparable(new TextDecoder().decode(got))).toEqual(comparable(new TextDecoder().decode(expected)));
    }
  });
});

it("replays every V2 and V1 fixture there is", () => {
  expect(names.filter((n) => n.startsWith("v2-")).length).toBeGreaterThanOrEqual(14);
  expect(names.filter((n) => n.startsWith("v1-")).sort()).toEqual([
    "v1-explain-unsupported",
    "v1-list-models",
    "v1-model-ready",
    "v1-predict",
    "v1-unknown-model",
  ]);
});
