/** `createV2Client`: the Open Inference Protocol over REST, on the core request loop. */
import { checkModel, createRequestContext } from "../core/request-context.js";
import { checkAnswerShape, parseJsonBody } from "../core/json-answer.js";
import { type ReadinessAnswer, waitUntilReady } from "../core/wait.js";
import { serverMessage } from "../core/http-error.js";
import type { HttpClient } from "../core/http.js";
import { locateProtocolError } from "../core/errors.js";
import { type CallOptions, joinUrl, send } from "../core/request.js";
import { buildInferBody, decodeInferResponse } from "./infer.js";
import { modelMetadataSchema, serverMetadataSchema } from "./answer-shapes.js";
import type {
  InferCallOptions,
  InferRequest,
  ModelMetadata,
  ServerMetadata,
  V2Client,
  V2ClientOptions,
} from "./types.js";

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

  const readiness = async (path: string, call: CallOptions = {}, model?: string): Promise<ReadinessAnswer> => {
    const response = await send(ctx, { method: "GET", path, model, accept: NOT_READY }, call);
    const ready = response.status >= 200 && response.status < 300;
    if (ready) return { ready };
    const said = serverMessage(new TextDecoder().decode(response.body));
    return { ready, answer: `answered HTTP ${response.status}${said === undefined ? "" : `: ${said}`}` };
  };
  const health = async (path: string, call?: CallOptions, model?: string) => (await readiness(path, call, model)).ready;
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
      let decoded: ReturnType<typeof decodeInferResponse>;
      try {
        decoded = decodeInferResponse(model, response);
      } catch (error) {
        const where = `of model "${model}" to POST ${joinUrl(ctx.baseUrl, path)}`;
        throw locateProtocolError(error, where, { model, requestId: response.headers["x-request-id"] });
      }
      if (decoded.binary) serverSpeaksBinary = true;
      return decoded.result;
    },
    serverLive: (call) => health("/v2/health/live", call),
    serverReady: (call) => health("/v2/health/ready", call),
    modelReady: async (model, call = {}) => health(`${modelPath(checkModel(model), call.version)}/ready`, call, model),
    async serverMetadata(call): Promise<ServerMetadata> {
      const m = checkAnswerShape(serverMetadataSchema, await getJson("/v2", call), "server metadata");
      const extensions = m.extensions ?? [];
      if (extensions.includes("binary_tensor_data")) serverSpeaksBinary = true;
      return { name: m.name, version: m.version ?? undefined, extensions };
    },
    async modelMetadata(model, call = {}): Promise<ModelMetadata> {
      const m = checkAnswerShape(
        modelMetadataSchema,
        await getJson(modelPath(checkModel(model), call.version), call, model),
        "model metadata",
      );
      return {
        name: m.name,
        versions: m.versions ?? [],
        platform: m.platform ?? "",
        inputs: m.inputs ?? [],
        outputs: m.outputs ?? [],
      };
    },
    waitForModelReady: async (model, wait = {}) =>
      waitUntilReady(
        (call) => readiness(`${modelPath(checkModel(model), call.version)}/ready`, call, model),
        checkModel(model),
        wait,
      ),
  };
  return client;
}

function modelPath(model: string, version: string | undefined): string {
  const base = `/v2/models/${encodeURIComponent(model)}`;
  return version === undefined ? base : `${base}/versions/${encodeURIComponent(version)}`;
}
