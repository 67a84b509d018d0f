/** `createV1Client`: KServe's V1 protocol over REST, on the same core request loop as V2. */
import { checkModel, createRequestContext } from "../core/request-context.js";
import { ProtocolError } from "../core/errors.js";
import type { HttpClient } from "../core/http.js";
import { type CallOptions, send } from "../core/request.js";
import { utf8Bytes } from "../tensor/utf8.js";
import { buildV1Body } from "./body.js";
import { decodeModels, decodeReady, decodeV1Answer } from "./result.js";
import type { V1Client, V1ClientOptions, V1Request, V1Result } from "./types.js";

/**
 * Exactly this Content-Type: KServe parses the body as JSON only for a few exact values, so with
 * `; charset=utf-8` the model receives raw bytes and fails (ARCHITECTURE.md, wire facts: V1 content type).
 */
const JSON_TYPE = { "content-type": "application/json" } as const;

/**
 * A V1 REST client.
 *
 * @param defaultHttpClient the HttpClient used when the options name none (the Node entry passes undici)
 * @throws {ConfigError} for a baseUrl that is not an http(s) URL, or `host` with an HttpClient that cannot route
 */
export function createV1Client(options: V1ClientOptions, defaultHttpClient?: () => HttpClient): V1Client {
  const ctx = createRequestContext(options, defaultHttpClient);

  const post = async (
    verb: "predict" | "explain",
    model: string,
    request: V1Request,
    call: CallOptions | undefined,
  ): Promise<V1Result> => {
    const path = `${modelPath(checkModel(model))}:${verb}`;
    const body = utf8Bytes(buildV1Body(verb, model, request));
    const response = await send(ctx, { method: "POST", path, headers: { ...JSON_TYPE }, body, model }, call);
    try {
      return decodeV1Answer(response.body, `POST ${path}`);
    } catch (error) {
      // The message names the endpoint already; the error gains the model and request id, as V2's and gRPC's do.
      if (!(error instanceof ProtocolError)) throw error;
      // The same error with the context added, not a wrapper: a cause with the same message would show it twice.
      throw new ProtocolError(error.rawMessage, error.details, {
        cause: error.cause,
        model,
        requestId: response.headers["x-request-id"],
      });
    }
  };

  return {
    predict: (model, request, call) => post("predict", model, request, call),
    explain: (model, request, call) => post("explain", model, request, call),
    async modelReady(model, call) {
      const path = modelPath(checkModel(model));
      const response = await send(
        ctx,
        { method: "GET", path, model, accept: (status) => status === 404 || status === 503 },
        call,
      );
      return response.status >= 200 && response.status < 300 && decodeReady(response.body, `GET ${path}`);
    },
    async listModels(call) {
      const response = await send(ctx, { method: "GET", path: "/v1/models" }, call);
      return decodeModels(response.body, "GET /v1/models");
    },
    async serverLive(call) {
      const response = await send(ctx, { method: "GET", path: "/", accept: (status) => status === 503 }, call);
      return response.status >= 200 && response.status < 300;
    },
  };
}

function modelPath(model: string): string {
  return `/v1/models/${encodeURIComponent(model)}`;
}
