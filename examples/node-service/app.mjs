// @ts-check
// A small Node HTTP service with one endpoint, POST /classify {"features": [sepal length, sepal width, petal
// length, petal width]}, that validates its input and asks the iris model behind KServe through the SDK: Host
// routing through the ingress gateway, retries on unavailable answers, one deadline per request. Errors come
// back as JSON with the status a client of this service can act on.
import { createServer } from "node:http";
import { createV2Client, isKServeError, Tensor } from "kserve-client";

const SPECIES = ["setosa", "versicolor", "virginica"];
const MAX_BODY_BYTES = 16 * 1024;

/**
 * @typedef {object} ServiceOptions
 * @property {string} baseUrl  the ingress gateway (or the model server)
 * @property {string | undefined} host  the InferenceService's host, from its status.url
 * @property {string} model  the model's name (the InferenceService's name)
 * @property {number} timeoutMs  the deadline of one model call, retries included
 */

/**
 * The service as a node:http server (not yet listening).
 * @param {ServiceOptions} options
 */
export function createClassifyService(options) {
  const client = createV2Client({
    baseUrl: options.baseUrl,
    ...(options.host === undefined ? {} : { host: options.host }),
    timeoutMs: options.timeoutMs,
    retry: { maxRetries: 2 },
  });

  return createServer(async (req, res) => {
    const send = (/** @type {number} */ status, /** @type {unknown} */ body) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.url !== "/classify") return send(404, { error: "Not found: POST /classify" });
    if (req.method !== "POST") return send(405, { error: "Use POST /classify" });

    let features;
    try {
      features = parseFeatures(await readBody(req));
    } catch (error) {
      return send(400, { error: error instanceof Error ? error.message : String(error) });
    }
    const started = performance.now();
    try {
      const result = await client.infer(options.model, { inputs: [Tensor.fp32("input-0", [1, 4], features)] });
      const classId = Number(result.output("output-0", "INT64").data[0]);
      send(200, {
        class: classId,
        species: SPECIES[classId] ?? "unknown",
        model: result.modelName,
        latencyMs: Math.round(performance.now() - started),
      });
    } catch (error) {
      if (!isKServeError(error)) return send(500, { error: "internal error" });
      // The model's trouble is this service's upstream trouble: say which, without leaking more than the code.
      const status = error.code === "deadline_exceeded" ? 504 : error.code === "unavailable" ? 503 : 502;
      send(status, { error: `the model call failed: ${error.code}`, requestId: error.requestId });
    }
  });
}

/** @param {import("node:http").IncomingMessage} req */
async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error(`The body is larger than ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * `{"features": [4 finite numbers, 0 to 100 cm]}`, or an error that says what is wrong.
 * @param {string} text
 * @returns {number[]}
 */
export function parseFeatures(text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(
      'The body must be JSON: {"features": [sepal length, sepal width, petal length, petal width]} in cm.',
    );
  }
  const features = body?.features;
  if (!Array.isArray(features) || features.length !== 4) {
    throw new Error(
      '"features" must be an array of 4 numbers: sepal length, sepal width, petal length, petal width (cm).',
    );
  }
  features.forEach((value, i) => {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 100) {
      throw new Error(`features[${i}] must be a number of centimetres from 0 to 100, got ${JSON.stringify(value)}.`);
    }
  });
  return features;
}
