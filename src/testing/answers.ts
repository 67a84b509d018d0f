/** What the fake servers hand over and answer, shared by the V1 and V2 protocol handlers. */
import type { FakeModel, FaultAction } from "./models.js";

/** A request as the servers hand it over (header names in lower case). */
export interface MockRequest {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  body: Uint8Array;
}

/** What to answer, and how to misbehave while doing it. */
export interface MockResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
  /** Send without Content-Length (chunked), as KServe sends binary answers. */
  chunked?: boolean | undefined;
  fault?: Exclude<FaultAction, { status: number }> | undefined;
}

const utf8 = new TextEncoder();

/** A JSON answer, as KServe (uvicorn + orjson) sends it. */
export function json(status: number, body: string, headers: Record<string, string> = {}): MockResponse {
  return { status, headers: { "content-type": "application/json", ...headers }, body: utf8.encode(body) };
}
/** KServe's own errors: `{"error": …}`. */
export const error = (status: number, message: string): MockResponse =>
  json(status, JSON.stringify({ error: message }));
/** FastAPI's errors: `{"detail": …}`. */
export const detail = (status: number, message: string): MockResponse =>
  json(status, JSON.stringify({ detail: message }));
export const methodNotAllowed = (): MockResponse => detail(405, "Method Not Allowed");

/**
 * Play the model's next fault, if any, around its normal `answer`: a status answers instead, `malformed`
 * answers 200 with broken JSON, the others (delays, hangs, resets, truncation) ride along on the answer.
 */
export function withFault(model: FakeModel, answer: () => MockResponse): MockResponse {
  const fault = model.faults.shift();
  if (fault !== undefined && "status" in fault) {
    return {
      status: fault.status,
      headers: { "content-type": "application/json", ...fault.headers },
      body: utf8.encode(fault.body ?? ""),
    };
  }
  if (fault !== undefined && "malformed" in fault) return json(200, `{"model_name": "${model.name}", "outputs": [`);
  const normal = answer();
  return fault === undefined ? normal : { ...normal, fault };
}
