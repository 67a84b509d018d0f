/**
 * The V2 REST protocol as KServe 0.14.1's Python server speaks it, byte for byte where the recorded exchanges
 * show it: key order, `null`s, status codes and messages, binary answers without Content-Type or
 * Content-Length. One pure function, used by the loopback server and the msw handlers alike.
 */
import {
  decodeTensorBody,
  encodeJsonData,
  encodeTensorBody,
  isKServeError,
  parseJson,
  type JsonValue,
  type Tensor,
  tensorFromJson,
} from "../tensor/index.js";
import { concatChunks } from "../internal/bytes.js";
import { detail, error, json, methodNotAllowed, type MockRequest, type MockResponse, withFault } from "./answers.js";
import { type FakeModel, FakeModelError, type FakeModels, type ModelCost, runModel } from "./models.js";

/**
 * Answer one V2 request; anything not under /v2 is left to the caller (undefined).
 *
 * @param cost what an inference costs a model that has no `cost` of its own (default: nothing)
 */
export function handleV2(models: FakeModels, request: MockRequest, cost?: ModelCost): MockResponse | undefined {
  const path = request.path.split("?")[0]!;
  if (path !== "/v2" && !path.startsWith("/v2/")) return undefined;
  const get = request.method === "GET";
  const post = request.method === "POST";

  if (path === "/v2")
    return get
      ? json(200, '{"name":"kserve","version":"0.14.1","extensions":["model_repository_extension"]}')
      : methodNotAllowed();
  if (path === "/v2/health/live") return get ? json(200, '{"live":true}') : methodNotAllowed();
  if (path === "/v2/health/ready") return get ? json(200, '{"ready":true}') : methodNotAllowed();

  const match = /^\/v2\/models\/([^/]+)(\/versions\/[^/]+)?(\/ready|\/infer)?$/.exec(path);
  if (!match) return detail(404, "Not Found");
  const name = decodeURIComponent(match[1]!);
  const [, , version, action] = match;
  if ((action === "/infer" && !post) || (action !== "/infer" && !get)) return methodNotAllowed();
  if (version !== undefined) return error(501, "Model versioning not supported yet.");
  const model = models.get(name);
  if (model === undefined) return error(404, `Model with name ${name} does not exist.`);
  if (action === undefined) {
    return json(
      200,
      JSON.stringify({ name, versions: null, platform: model.platform, inputs: model.inputs, outputs: model.outputs }),
    );
  }
  if (!model.ready) return error(503, `Model with name ${name} is not ready.`);
  if (action === "/ready") return json(200, JSON.stringify({ name, ready: true }));

  return withFault(model, () => infer(model, request, cost));
}

interface ParsedRequest {
  id: string | undefined;
  inputs: Tensor[];
  /** Requested outputs and whether each is wanted binary; undefined when none are listed. */
  outputs: { name: string; binary: boolean }[] | undefined;
  binaryByDefault: boolean;
}

function infer(model: FakeModel, request: MockRequest, cost: ModelCost | undefined): MockResponse {
  const { name } = model;
  const parsed = parseRequest(request);
  if ("status" in parsed) return parsed;
  let outputs: Tensor[];
  try {
    outputs = runModel(model, parsed.inputs, cost);
  } catch (e) {
    if (e instanceof FakeModelError) return error(e.status, e.message);
    throw e;
  }
  if (parsed.outputs !== undefined) {
    const byName = new Map(outputs.map((t) => [t.name, t]));
    const missing = parsed.outputs.find((o) => !byName.has(o.name));
    if (missing) return error(400, `Unexpected inference output '${missing.name}'`);
    outputs = parsed.outputs.map((o) => byName.get(o.name)!);
  }
  const binary = (_t: Tensor, i: number) => parsed.outputs?.[i]?.binary ?? parsed.binaryByDefault;
  const id = parsed.id ?? crypto.randomUUID();
  if (outputs.some(binary)) {
    // KServe's binary answer: header keys id, model_name, model_version, outputs; no Content-Type, no
    // Content-Length (chunked), the JSON header length in inference-header-content-length.
    const body = encodeTensorBody(outputs, {
      key: "outputs",
      fields: { id, model_name: name, model_version: null },
      binary,
    });
    return {
      status: 200,
      headers: { "inference-header-content-length": String(body.headerLength) },
      body: concatChunks(body.chunks, body.byteLength),
      chunked: true,
    };
  }
  for (const t of outputs) {
    if (t.datatype === "FP16" || t.datatype === "BF16")
      return error(
        400,
        `Sending ${t.datatype} data via JSON is not supported. Please use the binary data format for output ${t.name}`,
      );
  }
  const entries = outputs.map(
    (t) =>
      `{"name":${JSON.stringify(t.name)},"shape":[${t.shape.join(",")}],"datatype":"${t.datatype}","parameters":null,"data":${encodeJsonData(t)}}`,
  );
  return json(
    200,
    `{"model_name":${JSON.stringify(name)},"model_version":null,"id":${JSON.stringify(id)},"parameters":null,"outputs":[${entries.join(",")}]}`,
  );
}

function parseRequest(request: MockRequest): ParsedRequest | MockResponse {
  // The media type alone, as FastAPI reads it: case-insensitive, parameters such as charset ignored.
  const mediaType = request.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
  const headerLength = request.headers["inference-header-content-length"];
  const isJsonType = mediaType === undefined || mediaType === "application/json" || mediaType.endsWith("+json");
  let fields: Record<string, JsonValue>;
  let inputs: Tensor[];
  if (isJsonType) {
    // FastAPI parses these as JSON; a binary body sent this way fails there, before KServe sees it.
    let body: JsonValue;
    try {
      body = parseJson(new TextDecoder().decode(request.body));
    } catch {
      return detail(400, "There was an error parsing the body");
    }
    if (body === null || typeof body !== "object" || Array.isArray(body) || !Array.isArray(body["inputs"])) {
      return json(
        422,
        '{"detail":[{"loc":["body","inputs"],"msg":"field required","type":"value_error.missing"},{"loc":["body"],"msg":"byte type expected","type":"type_error.bytes"}]}',
      );
    }
    fields = body;
    const list = body["inputs"] as JsonValue[];
    for (const entry of list) {
      const datatype = (entry as { datatype?: unknown } | null)?.datatype;
      const inputName = (entry as { name?: unknown } | null)?.name;
      if (datatype === "FP16" || datatype === "BF16") {
        return error(
          400,
          `Sending ${datatype} data via JSON is not supported. Please use the binary data format for input ${String(inputName)}`,
        );
      }
    }
    try {
      inputs = list.map((entry, i) => tensorFromJson(entry, `inputs[${i}]`));
    } catch (e) {
      if (isKServeError(e)) return error(400, e.rawMessage);
      throw e;
    }
  } else {
    if (headerLength === undefined)
      return error(400, "received byte inputs, but the'inference-header-content-length' header is missing.");
    try {
      const decoded = decodeTensorBody(request.body, { key: "inputs", headerLength });
      fields = decoded.fields;
      inputs = decoded.tensors;
    } catch (e) {
      if (isKServeError(e)) return error(400, e.rawMessage);
      throw e;
    }
  }
  const requested = fields["outputs"];
  const outputs = Array.isArray(requested)
    ? requested.map((o) => {
        const entry = (o ?? {}) as { name?: unknown; parameters?: { binary_data?: unknown } | null };
        return { name: String(entry.name), binary: entry.parameters?.binary_data === true };
      })
    : undefined;
  const parameters = fields["parameters"] as { binary_data_output?: unknown } | null | undefined;
  const id = typeof fields["id"] === "string" ? fields["id"] : undefined;
  return { id, inputs, outputs, binaryByDefault: parameters?.binary_data_output === true };
}
