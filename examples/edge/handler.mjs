// @ts-check
// An edge function with one endpoint, POST /classify {"features": [sepal length, sepal width, petal length, petal
// width]}, that asks the iris model behind KServe through the SDK. It is a plain fetch handler, (Request) =>
// Promise<Response>, the shape edge runtimes share: the default export is a Cloudflare module worker, `POST` a
// Next.js route handler for Vercel's edge runtime, and deno.mjs beside this file serves it on Deno Deploy (or
// anywhere with `deno serve`). On Cloudflare and Vercel the bundler picks the SDK's fetch build ("workerd",
// "edge-light", "worker" and "browser" conditions), so no Node built-in and no undici end up in the function; Deno
// loads the package with the "deno" and "node" conditions, so it gets the Node build.
//
// Configuration: KSERVE_URL (required), KSERVE_MODEL (default sklearn-iris), KSERVE_TIMEOUT_MS (default 4000).
// There is no ingress routing by `host` here (edge runtimes cannot set the Host header, and the SDK refuses it
// there): KSERVE_URL must be an address that reaches the model by itself, such as the InferenceService's own URL
// (status.url) when its hostname resolves to the ingress gateway.
import { createV2Client, isKServeError, Tensor } from "kserve-client";

const SPECIES = ["setosa", "versicolor", "virginica"];
const MAX_BODY_BYTES = 16 * 1024;

/**
 * @typedef {object} HandlerOptions
 * @property {string} baseUrl  the model server, or the InferenceService's URL
 * @property {string} model  the model's name (the InferenceService's name)
 * @property {number | undefined} [timeoutMs]  the deadline of one model call, retries included (default 4000)
 */

/**
 * The classify endpoint as a fetch handler.
 * @param {HandlerOptions} options
 * @returns {(request: Request) => Promise<Response>}
 */
export function createClassifyHandler(options) {
  // One client per handler: it holds no sockets of its own (fetch does), so it costs nothing between requests.
  const client = createV2Client({
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs ?? 4000,
    retry: { maxRetries: 2 },
  });

  return async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname !== "/classify") return json(404, { error: "Not found: POST /classify" });
    if (request.method !== "POST") return json(405, { error: "Use POST /classify" }, { allow: "POST" });

    let features;
    try {
      features = parseFeatures(await readText(request));
    } catch (error) {
      const status = error instanceof BodyTooLarge ? 413 : 400;
      return json(status, { error: error instanceof Error ? error.message : String(error) });
    }
    try {
      // The client's disconnect cancels the model call: no work for an answer nobody reads.
      const result = await client.infer(
        options.model,
        { inputs: [Tensor.fp32("input-0", [1, 4], features)] },
        { signal: request.signal },
      );
      const classId = Number(result.output("output-0", "INT64").data[0]);
      return json(200, { class: classId, species: SPECIES[classId] ?? "unknown", model: result.modelName });
    } catch (error) {
      // The platform's log keeps the whole story; the caller gets only what it can act on.
      console.error("classify: the model call failed", error);
      if (!isKServeError(error)) return json(500, { error: "internal error" });
      // The model's trouble is this function's upstream trouble: say which, without leaking more than the code.
      const status = error.code === "deadline_exceeded" ? 504 : error.code === "unavailable" ? 503 : 502;
      return json(status, { error: `the model call failed: ${error.code}`, requestId: error.requestId });
    }
  };
}

/**
 * @typedef {object} Env
 * @property {string} [KSERVE_URL]  the model server, or the InferenceService's URL
 * @property {string} [KSERVE_MODEL]  the model's name (default sklearn-iris)
 * @property {string} [KSERVE_TIMEOUT_MS]  the deadline of one model call, retries included (default 4000)
 */

// Platforms hand the configuration over per request (Cloudflare's `env`), but it does not change between
// requests: build the handler once per configuration, not once per request.
/** @type {{ key: string, handle: (request: Request) => Promise<Response> } | undefined} */
let cached;

/**
 * The handler for a platform's environment variables, or a 500 that says which one is missing or wrong.
 * @param {Env} env
 * @returns {(request: Request) => Promise<Response>}
 */
export function handlerFromEnv(env) {
  const baseUrl = env.KSERVE_URL;
  if (baseUrl === undefined || baseUrl === "") {
    return misconfigured("KSERVE_URL is not set: the address of the model server or of the InferenceService.");
  }
  const model = env.KSERVE_MODEL || "sklearn-iris";
  const timeoutMs = env.KSERVE_TIMEOUT_MS ? Number(env.KSERVE_TIMEOUT_MS) : undefined;
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    return misconfigured(
      `KSERVE_TIMEOUT_MS must be a whole number of milliseconds, got ${JSON.stringify(env.KSERVE_TIMEOUT_MS)}.`,
    );
  }
  const key = `${baseUrl}\n${model}\n${timeoutMs}`;
  if (cached?.key !== key) cached = { key, handle: createClassifyHandler({ baseUrl, model, timeoutMs }) };
  return cached.handle;
}

/**
 * A handler that answers every request with a 500 saying what is wrong with the configuration.
 * @param {string} error
 * @returns {(request: Request) => Promise<Response>}
 */
function misconfigured(error) {
  return async () => json(500, { error });
}

/** Cloudflare Workers (module syntax): the variables come in `env` (wrangler.toml [vars] or secrets). */
export default {
  /**
   * @param {Request} request
   * @param {Env} env
   */
  fetch(request, env) {
    return handlerFromEnv(env)(request);
  },
};

/**
 * Vercel's edge runtime, as a Next.js route handler: in app/classify/route.js write
 * `export { POST } from "<this file>"; export const runtime = "edge";` (Next.js reads `runtime` only from the
 * route file itself). There the variables come in `process.env`.
 * @param {Request} request
 */
export function POST(request) {
  return handlerFromEnv(globalThis.process?.env ?? {})(request);
}

/** A body over MAX_BODY_BYTES: answered 413, not 400. */
class BodyTooLarge extends Error {}

/**
 * The body as text, refused once it is larger than MAX_BODY_BYTES: read chunk by chunk, so a client cannot
 * make the function hold a body of any size (Content-Length may be absent or wrong).
 * @param {Request} request
 */
async function readText(request) {
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      void reader.cancel().catch(() => {});
      throw new BodyTooLarge(`The body is larger than ${MAX_BODY_BYTES} bytes.`);
    }
    text += decoder.decode(value, { stream: true });
  }
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

/**
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}
