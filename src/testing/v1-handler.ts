/**
 * KServe's V1 protocol as its 0.14.1 Python server speaks it (ARCHITECTURE.md, wire facts: V1 content type and V1 body): `{"predictions": […]}`
 * answers, `"ready": "True"` as a string, `{"error": …}` bodies, JSON parsed only for the exact Content-Types
 * KServe parses. One pure function, used by the loopback server and the msw handlers alike.
 */
import { type JsonValue, parseJson, stringifyJson, Tensor } from "../tensor/index.js";
import { nestedShape } from "../tensor/shape.js";
import { detail, error, json, methodNotAllowed, type MockRequest, type MockResponse, withFault } from "./answers.js";
import { FakeModelError, type FakeModel, type FakeModels, type ModelCost, runModel } from "./models.js";

/** The Content-Types KServe parses as JSON; anything else (even with `; charset=utf-8`) reaches the model as bytes. */
const JSON_TYPES = new Set([
  "application/json",
  "application/cloudevents+json",
  "application/ld+json",
  "application/octet-stream",
]);

/**
 * Answer one V1 request (or KServe's liveness route `/`); anything else is left to the caller (undefined).
 *
 * @param cost what a prediction costs a model that has no `cost` of its own (default: nothing)
 */
export function handleV1(models: FakeModels, request: MockRequest, cost?: ModelCost): MockResponse | undefined {
  const path = request.path.split("?")[0]!;
  const get = request.method === "GET";
  if (path === "/") return get ? json(200, '{"status":"alive"}') : methodNotAllowed();
  if (path !== "/v1" && !path.startsWith("/v1/")) return undefined;
  if (path === "/v1/models") return get ? json(200, JSON.stringify({ models: models.names() })) : methodNotAllowed();

  const match = /^\/v1\/models\/([^/:]+)(:predict|:explain)?$/.exec(path);
  if (!match) return detail(404, "Not Found");
  let name: string;
  try {
    name = decodeURIComponent(match[1]!);
  } catch {
    return detail(404, "Not Found"); // a malformed %-escape matches no route
  }
  const verb = match[2];
  if ((verb === undefined && !get) || (verb !== undefined && request.method !== "POST")) return methodNotAllowed();
  const model = models.get(name);
  if (model === undefined) return error(404, `Model with name ${name} does not exist.`);
  if (!model.ready) return error(503, `Model with name ${name} is not ready.`);
  // KServe 0.14.1 sends ready as the string "True".
  if (verb === undefined) return json(200, JSON.stringify({ name, ready: "True" }));
  if (verb === ":explain") return error(501, "Could not find explainer_host.");
  return withFault(model, () => predict(model, request, cost));
}

function predict(model: FakeModel, request: MockRequest, cost: ModelCost | undefined): MockResponse {
  const type = request.headers["content-type"];
  if (type !== undefined && !JSON_TYPES.has(type)) {
    // The model gets the raw bytes and indexes them like a dict, as KServe's sklearn server does.
    return error(500, "TypeError : byte indices must be integers or slices, not str");
  }
  let payload: JsonValue;
  try {
    payload = parseJson(new TextDecoder().decode(request.body));
  } catch (e) {
    return error(400, `Unrecognized request format: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (payload === null || typeof payload !== "object" || Array.isArray(payload))
    return error(500, "TypeError : list indices must be integers or slices, not str");
  const instances = "inputs" in payload ? payload["inputs"] : payload["instances"];
  if (instances === undefined) return error(500, "KeyError : 'instances'");
  if ("instances" in payload && !Array.isArray(payload["instances"]))
    return error(400, 'Expected "instances" to be a list');
  // KServe's generic runtimes read the columnar object form as a list and fail on it.
  if (!Array.isArray(instances)) return error(500, "KeyError : 0");
  let outputs: Tensor[];
  try {
    outputs = runModel(model, [tensorOf(instances)], cost);
  } catch (e) {
    if (e instanceof FakeModelError) return error(e.status, e.message);
    throw e;
  }
  return json(200, `{"predictions":${stringifyJson(outputs[0]?.toArray() ?? [])}}`);
}

/** `np.array(instances)`: the nesting is the shape; integers give INT64, other numbers FP64, strings BYTES. */
function tensorOf(instances: JsonValue[]): Tensor {
  const { shape, first } = nestedShape(instances);
  const leaves: JsonValue[] = [];
  const collect = (v: JsonValue): void => void (Array.isArray(v) ? v.forEach(collect) : leaves.push(v));
  collect(instances);
  const datatype =
    typeof first === "string"
      ? "BYTES"
      : typeof first === "boolean"
        ? "BOOL"
        : leaves.every((v) => typeof v === "bigint" || Number.isInteger(v))
          ? "INT64"
          : "FP64";
  try {
    return new Tensor("instances", datatype, shape, instances as never);
  } catch (e) {
    throw new FakeModelError(
      `ValueError : setting an array element with a sequence. ${e instanceof Error ? e.message : ""}`.trim(),
    );
  }
}
