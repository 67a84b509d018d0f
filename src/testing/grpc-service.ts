/**
 * The fake models as a gRPC `GRPCInferenceService`, the way KServe's server answers (ARCHITECTURE.md, wire facts: gRPC tensors and gRPC errors):
 * raw inputs get raw outputs, typed inputs typed outputs (FP16/BF16 force raw); requested outputs that do not
 * exist are ignored. Errors use proper status codes, or, with `errors: "kserve-0.14"`, UNKNOWN with KServe
 * 0.14's "Unexpected <class …>" text (the exception core/kserve-failures.ts lists for the failure), so clients
 * can be tested against older servers too.
 * Universal (connect's router types only); startMockKServe serves it over HTTP/2 and gRPC-web.
 */
import { Code, ConnectError, type ConnectRouter, type HandlerContext } from "@connectrpc/connect";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { codeForStatus, KSERVE_EXCEPTIONS } from "../core/kserve-failures.js";
import { fromParameters, contentsFromTensor, tensorFromContents, toShape } from "../grpc/convert.js";
import { GRPCInferenceService, type ModelInferRequest, type ModelInferResponseSchema } from "../grpc/protobuf.js";
import { isKServeError, type Tensor } from "../tensor/index.js";
import { tensorFromBytes, tensorToBytes } from "../tensor/raw.js";
import { FakeModelError, type FakeModels, type ModelCost, runModel } from "./models.js";

/** How the mock reports errors over gRPC. */
export type GrpcErrorStyle = "codes" | "kserve-0.14";

/**
 * The gRPC status for the failure the REST mock answers with an HTTP `status`: the status whose name is the code
 * that HTTP status means (core/kserve-failures.ts), so that both transports give the client the same code
 * (404 → NOT_FOUND, 503 → UNAVAILABLE, 422 → INVALID_ARGUMENT; a status without a meaning → UNKNOWN).
 */
function grpcStatusFor(status: number): Code {
  return Code[
    codeForStatus(status).replace(/(?:^|_)(\w)/g, (_, letter: string) => letter.toUpperCase()) as keyof typeof Code
  ];
}

/**
 * Routes for connect's server adapters: the V2 inference service over `models`.
 *
 * @param cost what an inference costs a model that has no `cost` of its own (default: nothing)
 */
export function grpcInferenceRoutes(
  models: FakeModels,
  errors: GrpcErrorStyle = "codes",
  cost?: ModelCost,
): (router: ConnectRouter) => void {
  /**
   * The failure the REST mock answers with `status`, over gRPC. In the 0.14 style, a status KServe's own server
   * answers is sent as KServe 0.14 sends it: UNKNOWN, naming the exception KServe raises for that status
   * (core/kserve-failures.ts: 404 ModelNotFound, 500 InferenceError, …); other statuses come from in front of
   * KServe (a gateway, an auth proxy), which sends proper codes.
   */
  const fail = (message: string, status: number): ConnectError => {
    const exception =
      errors === "kserve-0.14" ? KSERVE_EXCEPTIONS.find(([, raises]) => raises === status)?.[0] : undefined;
    if (exception !== undefined) return new ConnectError(`Unexpected <class '${exception}'>: ${message}`, Code.Unknown);
    return new ConnectError(message, grpcStatusFor(status));
  };
  const modelOrFail = (name: string) => {
    const model = models.get(name);
    if (model === undefined) throw fail(`Model with name ${name} does not exist.`, 404);
    return model;
  };
  return (router) =>
    router.service(GRPCInferenceService, {
      serverLive: () => ({ live: true }),
      serverReady: () => ({ ready: true }),
      modelReady: (req) => ({ ready: modelOrFail(req.name).ready }),
      serverMetadata: () => ({ name: "kserve", version: "0.14.1", extensions: [] }),
      modelMetadata: (req) => {
        const model = modelOrFail(req.name);
        const tensors = (list: typeof model.inputs) =>
          list.map((t) => ({ name: t.name, datatype: t.datatype, shape: t.shape.map(BigInt) }));
        return {
          name: model.name,
          versions: [],
          platform: model.platform,
          inputs: tensors(model.inputs),
          outputs: tensors(model.outputs),
        };
      },
      modelInfer: async (req, context) => {
        const model = modelOrFail(req.modelName);
        if (!model.ready) throw fail(`Model with name ${req.modelName} is not ready.`, 503);
        const fault = model.faults.shift();
        if (fault !== undefined) {
          if ("status" in fault) throw fail(fault.body ?? `fault: status ${fault.status}`, fault.status);
          if ("delayMs" in fault) await delay(fault.delayMs, context);
          else if ("hang" in fault) await delay(Infinity, context);
          else throw fail(`fault ${Object.keys(fault)[0]} is a REST fault; over gRPC it is this error`, 500);
        }
        const inputs = readInputs(req, fail);
        let outputs: Tensor[];
        try {
          outputs = runModel(model, inputs, cost);
        } catch (error) {
          if (error instanceof FakeModelError) throw fail(error.message, error.status);
          throw error;
        }
        if (req.outputs.length > 0) {
          const byName = new Map(outputs.map((t) => [t.name, t]));
          outputs = req.outputs.flatMap((o) => byName.get(o.name) ?? []);
        }
        return answer(req, outputs);
      },
    });
}

function readInputs(req: ModelInferRequest, fail: (message: string, status: number) => ConnectError): Tensor[] {
  const raw = req.rawInputContents;
  if (raw.length > 0 && raw.length !== req.inputs.length) {
    throw fail(`raw_input_contents has ${raw.length} entries for ${req.inputs.length} inputs.`, 400);
  }
  try {
    return req.inputs.map((input, i) => {
      if (raw.length > 0 && input.contents !== undefined) {
        throw fail(`contents field must not be specified when using raw_input_contents for '${input.name}'.`, 400);
      }
      const shape = toShape(input.shape, input.name, `inputs[${i}].shape`);
      const parameters = fromParameters(input.parameters);
      return raw.length > 0
        ? tensorFromBytes(input.name, input.datatype as Tensor["datatype"], shape, raw[i]!, parameters)
        : tensorFromContents(input.name, input.datatype, shape, input.contents, parameters, `inputs[${i}]`);
    });
  } catch (error) {
    if (isKServeError(error)) throw fail(error.rawMessage, 400);
    throw error;
  }
}

function answer(req: ModelInferRequest, outputs: Tensor[]): MessageInitShape<typeof ModelInferResponseSchema> {
  const typed = req.rawInputContents.length === 0 ? outputs.map(contentsFromTensor) : [];
  const raw = req.rawInputContents.length > 0 || typed.includes(undefined);
  return {
    modelName: req.modelName,
    modelVersion: req.modelVersion,
    id: req.id,
    outputs: outputs.map((t, i) => ({
      name: t.name,
      datatype: t.datatype,
      shape: t.shape.map(BigInt),
      ...(raw ? {} : { contents: typed[i]! }),
    })),
    rawOutputContents: raw ? outputs.map(tensorToBytes) : [],
  };
}

/** Wait `ms` (forever for Infinity), ending early when the client cancels or its deadline passes. */
function delay(ms: number, context: HandlerContext): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = ms === Infinity ? undefined : setTimeout(resolve, ms);
    context.signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(context.signal.reason);
      },
      { once: true },
    );
  });
}
