/** `createV2Client`: the Open Inference Protocol over REST, on the core request loop. */
import { checkModel, createRequestContext } from "../core/client.js";
import { parseEnvelope, parseJsonBody } from "../core/envelope.js";
import { AbortError, isKServeError, TimeoutError } from "../core/errors.js";
import type { HttpClient } from "../core/http.js";
import { type CallOptions, send } from "../core/request.js";
import { sleep } from "../core/sleep.js";
import { buildInferBody, decodeInferResponse } from "./infer.js";
import { modelMetadataSchema, serverMetadataSchema } from "./schemas.js";
import type { InferCallOptions, InferRequest, ModelMetadata, ServerMetadata, V2Client, V2ClientOptions, WaitOptions } from "./types.js";

/** Health answers that mean "no" (KServe 503, Triton and MLServer 400, an unknown model 404) rather than an error. */
const NOT_READY = (status: number) => status === 400 || status === 404 || status === 503;

/**
 * A V2 REST client.
 *
 * @param defaultHttpClient the HttpClient used when the options name none (the package's entry points pass the
 *   Node client under Node, fetch elsewhere)
 * @throws {ConfigError} for a baseUrl that is not an http(s) URL, or `host` with an HttpClient that cannot route
 */
export function createV2Client(options: V2ClientOptions, defaultHttpClient?: () => HttpClient): V2Client {
  const ctx = createRequestContext(options, defaultHttpClient);
  // Learned from answers: whether this server speaks the binary extension ("auto" mode sends big inputs binary then).
  let serverSpeaksBinary = false;
  let lastInferModel: string | undefined;
  let lastInferPath = "";

  const health = async (path: string, call: CallOptions = {}, model?: string) => {
    const response = await send(ctx, { method: "GET", path, model, accept: NOT_READY }, call);
    return response.status >= 200 && response.status < 300;
  };
  const getJson = async (path: string, call: CallOptions = {}, model?: string): Promise<unknown> => {
    const response = await send(ctx, { method: "GET", path, model }, call);
    return parseJsonBody(response.body, `GET ${path}`);
  };

  const client: V2Client = {
    async infer(model: string, request: InferRequest, call: InferCallOptions = {}) {
      const mode = call.binary ?? options.binary ?? "auto";
      const { headers, body } = buildInferBody(checkModel(model), request, mode, serverSpeaksBinary);
      // Most programs call one model over and over: its path is kept rather than encoded again each call.
      let path: string;
      if (call.version === undefined && model === lastInferModel) path = lastInferPath;
      else {
        path = `${modelPath(model, call.version)}/infer`;
        if (call.version === undefined) {
          lastInferModel = model;
          lastInferPath = path;
        }
      }
      const response = await send(ctx, { method: "POST", path, headers, body, model }, call);
      const { result, binary } = decodeInferResponse(model, response);
      if (binary) serverSpeaksBinary = true;
      return result;
    },
    serverLive: (call) => health("/v2/health/live", call),
    serverReady: (call) => health("/v2/health/ready", call),
    modelReady: (model, call = {}) => health(`${modelPath(checkModel(model), call.version)}/ready`, call, model),
    async serverMetadata(call): Promise<ServerMetadata> {
      const m = parseEnvelope(serverMetadataSchema, await getJson("/v2", call), "server metadata");
      const extensions = m.extensions ?? [];
      if (extensions.includes("binary_tensor_data")) serverSpeaksBinary = true;
      return { name: m.name, version: m.version ?? undefined, extensions };
    },
    async modelMetadata(model, call = {}): Promise<ModelMetadata> {
      const m = parseEnvelope(modelMetadataSchema, await getJson(modelPath(checkModel(model), call.version), call, model), "model metadata");
      return { name: m.name, versions: m.versions ?? [], platform: m.platform ?? "", inputs: m.inputs ?? [], outputs: m.outputs ?? [] };
    },
    waitForModelReady: (model, wait = {}) => waitForReady(client, checkModel(model), wait),
  };
  return client;
}

/** Codes that end waitForModelReady at once. */
const GIVE_UP = new Set(["canceled", "unauthenticated", "permission_denied", "invalid_argument", "unimplemented", "internal"]);

/** Poll with backoff (250 ms, ×1.5, at most 5 s) until ready; failures while the model scales up are progress, not errors. */
async function waitForReady(client: V2Client, model: string, wait: WaitOptions): Promise<void> {
  const started = Date.now();
  const deadline = wait.timeoutMs === undefined ? undefined : started + wait.timeoutMs;
  let delay = 250;
  let lastError: Error | undefined;
  for (let attempt = 1; ; attempt++) {
    const remaining = deadline === undefined ? undefined : deadline - Date.now();
    try {
      if (await client.modelReady(model, { version: wait.version, signal: wait.signal, timeoutMs: remaining, retry: false })) return;
      lastError = undefined;
    } catch (error) {
      // Waiting cannot fix a cancel, bad credentials, a wrong setting or an answer that is not the protocol.
      if (!(error instanceof Error) || (isKServeError(error) && GIVE_UP.has(error.code))) throw error;
      lastError = error; // connection refused, 502 from a gateway whose backend is scaling from zero, …
    }
    wait.onProgress?.({ attempt, elapsedMs: Date.now() - started, error: lastError });
    const left = deadline === undefined ? delay : deadline - Date.now();
    if (left <= 0) {
      throw new TimeoutError(`Model "${model}" was not ready within ${wait.timeoutMs} ms (${attempt} checks)${lastError ? `; last: ${lastError.message}` : ""}.`, {
        cause: lastError,
        model,
      });
    }
    try {
      await sleep(Math.min(delay, left), wait.signal);
    } catch (reason) {
      throw new AbortError(`Waiting for model "${model}" was cancelled.`, { cause: reason, model });
    }
    delay = Math.min(delay * 1.5, 5000);
  }
}

function modelPath(model: string, version: string | undefined): string {
  const base = `/v2/models/${encodeURIComponent(model)}`;
  return version === undefined ? base : `${base}/versions/${encodeURIComponent(version)}`;
}
