/**
 * `createGrpcClient`: the V2 client interface over gRPC, on any connect-es Transport (connect-node's native
 * gRPC in Node, connect-web's gRPC-web in browsers and edge runtimes).
 *
 * Each call runs through connect's `runUnaryCall` with the SDK's interceptors outermost: retries (the core's
 * pure policy), then auth headers per attempt, then the caller's own interceptors, then one attempt on the
 * transport with the time left of the call's one deadline as its `grpc-timeout`.
 */
import type { DescMessage, DescMethodUnary, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  createContextKey,
  createContextValues,
  type Interceptor,
  type Transport,
} from "@connectrpc/connect";
import { runUnaryCall } from "@connectrpc/connect/protocol";
import { authHeaders, lowerCaseHeaders } from "../core/auth.js";
import { CHECK_CREDENTIALS_IN_CLEAR, checkModel, type CommonOptions } from "../core/request-context.js";
import {
  AbortError,
  afterAttempts,
  ConfigError,
  ConnectionError,
  isKServeError,
  KServeError,
  locateProtocolError,
  sentCredentials,
  TimeoutError,
} from "../core/errors.js";
import { checkInferRequest } from "../core/inference.js";
import { type ReadinessAnswer, waitUntilReady } from "../core/wait.js";
import type { CallOptions, Logger } from "../core/request.js";
import { untilAborted } from "../internal/signals.js";
import { type Clock, loggingObserver, runCall, SYSTEM_CLOCK } from "../core/call-runner.js";
import { type AttemptOutcome, milliseconds, resolveRetryPolicy, type RetryPolicy } from "../core/retry.js";
import type { InferCallOptions, InferRequest, ModelMetadata, ServerMetadata, V2Client } from "../v2/types.js";
import { fromModelInferResponse, toModelInferRequest, toModelMetadata } from "./convert.js";
import { type FailureRecogniser, fromConnectError, type GrpcCallPlace, withoutSecrets } from "./errors.js";
import { GRPCInferenceService } from "./protobuf.js";

/** Options of {@link createGrpcClient}: the common ones (headers go as metadata), a transport and connect interceptors. */
export interface GrpcClientOptions extends CommonOptions {
  /**
   * Where calls go: `createNodeGrpcTransport` from `kserve-client/node` (native gRPC over HTTP/2, with
   * `authority` routing), or connect-web's `createGrpcWebTransport` in browsers and edge runtimes.
   */
  transport: Transport;
  /** connect-es interceptors, run on every attempt (inside the SDK's retries, after auth headers are set). */
  interceptors?: readonly Interceptor[] | undefined;
}

/** What one call carries through the interceptors. */
interface CallState {
  place: GrpcCallPlace;
  policy: RetryPolicy;
  deadline: number | undefined;
  /** Errors that are answers (an unknown model for ModelReady): never retried. */
  isAnswer: ((error: KServeError) => boolean) | undefined;
  lastError: KServeError | undefined;
  /** Attempts started so far. */
  attempts: number;
}
const CALL = createContextKey<CallState | undefined>(undefined, { description: "kserve-client call" });

const service = GRPCInferenceService.method;

/**
 * The gRPC V2 client (see the public `createGrpcClient` in index.ts).
 *
 * @param recognise what the runtime's build knows about failures (the Node build: certificates that do not verify)
 * @param clock the clock and randomness of retries and deadlines (tests inject their own)
 * @throws {ConfigError} without a transport, or for options that cannot work
 */
export function createGrpcClient(
  options: GrpcClientOptions,
  recognise?: FailureRecogniser,
  clock: Clock = SYSTEM_CLOCK,
): V2Client {
  const transport = options?.transport;
  if (transport === undefined || typeof transport.unary !== "function") {
    throw new ConfigError(
      "createGrpcClient needs a connect-es transport: createNodeGrpcTransport({ baseUrl }) from kserve-client/node, or createGrpcWebTransport({ baseUrl }) from @connectrpc/connect-web.",
    );
  }
  // A transport that knows where it connects (createNodeGrpcTransport; connect-web's do not) checks whether
  // credentials would travel in clear, as the REST clients check baseUrl.
  if (options.auth !== undefined)
    (transport as { [CHECK_CREDENTIALS_IN_CLEAR]?: (logger?: Logger) => void })[CHECK_CREDENTIALS_IN_CLEAR]?.(
      options.logger,
    );
  const staticHeaders = lowerCaseHeaders(options.headers, "headers");
  const clientPolicy = resolveRetryPolicy(options.retry);
  if (options.timeoutMs !== undefined && options.timeoutMs !== Infinity) milliseconds(options.timeoutMs, "timeoutMs");
  const logger = options.logger;

  const observer = loggingObserver(logger);
  const retries: Interceptor = (next) => async (req) => {
    const state = req.contextValues.get(CALL);
    if (state === undefined) return next(req);
    const { policy, place } = state;
    // A server may quote the credentials it was sent (a status message naming the rejected token).
    const clean = (thrown: unknown) => withoutSecrets(thrown, sentCredentials(req.header, authNames));
    return runCall({
      method: "gRPC",
      url: place.rpc,
      policy,
      deadline: state.deadline,
      signal: req.signal,
      clock,
      observer,
      async send(attempt) {
        state.attempts = attempt + 1;
        try {
          return { value: await next(req), status: "OK" };
        } catch (thrown) {
          const caught = clean(thrown);
          // Cancelled or past the deadline: the call ends here, and unary() below says how.
          if (req.signal.aborted) throw caught;
          const error = asKServeError(caught, place, recognise);
          // An attempt cut short by the call's own deadline (its grpc-timeout is the time left) met nothing new, and
          // the TimeoutError names the failure before it. Which of the two timers fires first, the attempt's or the
          // call's, is a race (on Node 24 and 26 the attempt's mostly wins).
          const cutByDeadline =
            error.code === "deadline_exceeded" && state.deadline !== undefined && clock.now() >= state.deadline - 1;
          if (!cutByDeadline) state.lastError = error;
          // An error that is an answer (an unknown model for ModelReady) ends the call as it is.
          const outcome: AttemptOutcome = state.isAnswer?.(error) ? { kind: "final" } : outcomeOf(error, policy);
          return { failure: { error, outcome, retryAfterMs: pushbackMs(caught), thrown: caught } };
        }
      },
      // Errors leave as connect's, still raw: unary() below makes them the SDK's, with the whole call in view.
      stopped: (_attempts, _last, reason) => reason,
      exhausted: (failure) => failure.thrown,
    });
  };
  const auth = options.auth;
  /** Header names the auth provider set: their values are credentials whatever they are called. */
  const authNames = new Set<string>();
  const credentials: Interceptor = (next) => async (req) => {
    if (auth !== undefined) {
      for (const [name, value] of Object.entries(await untilAborted(authHeaders(auth), req.signal))) {
        req.header.set(name, value);
        authNames.add(name);
      }
    }
    return next(req);
  };
  const interceptors = [retries, credentials, ...(options.interceptors ?? [])];

  async function unary<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    message: MessageInitShape<I>,
    call: CallOptions,
    place: GrpcCallPlace,
    isAnswer?: (error: KServeError) => boolean,
  ): Promise<MessageShape<O>> {
    const policy = call.retry === undefined ? clientPolicy : resolveRetryPolicy(options.retry, call.retry);
    const limit = call.timeoutMs ?? options.timeoutMs;
    const timeoutMs = limit === undefined || limit === Infinity ? undefined : milliseconds(limit, "timeoutMs");
    const callerSignal = call.signal;
    if (callerSignal?.aborted)
      throw new AbortError(`The gRPC call ${place.rpc} was cancelled before it started.`, {
        cause: callerSignal.reason,
        model: place.model,
      });
    const state: CallState = {
      place,
      policy,
      deadline: timeoutMs === undefined ? undefined : clock.now() + timeoutMs,
      isAnswer,
      lastError: undefined,
      attempts: 0,
    };
    const header = new Headers(staticHeaders);
    if (call.headers !== undefined)
      for (const [name, value] of Object.entries(lowerCaseHeaders(call.headers, "call headers")))
        header.set(name, value);
    try {
      const response = await runUnaryCall<I, O>({
        interceptors,
        ...(callerSignal === undefined ? {} : { signal: callerSignal }),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        req: {
          stream: false,
          service: method.parent,
          method,
          requestMethod: "POST",
          // The RPC's path: what connect's transports append to their baseUrl, which only the transport knows.
          url: `/${method.parent.typeName}/${method.name}`,
          header,
          contextValues: createContextValues().set(CALL, state),
          message,
        },
        // One attempt, given the time left of the call as its own deadline (sent as grpc-timeout).
        next: (req) => {
          const left = state.deadline === undefined ? undefined : Math.max(1, state.deadline - clock.now());
          const attemptMs =
            policy.attemptTimeoutMs === undefined ? left : Math.min(left ?? Infinity, policy.attemptTimeoutMs);
          return transport.unary(req.method, req.signal, attemptMs, req.header, req.message, req.contextValues);
        },
      });
      return response.message;
    } catch (caught) {
      // After retries, the message says how many attempts there were (and, for the deadline, what the last one met).
      const attempts = state.attempts > 1 ? state.attempts : undefined;
      const after = attempts === undefined ? "" : ` after ${attempts} attempts`;
      if (callerSignal?.aborted)
        throw new AbortError(`The gRPC call ${place.rpc} was cancelled${after}.`, {
          cause: callerSignal.reason,
          model: place.model,
          attempts,
        });
      const error = asKServeError(caught, place, recognise);
      if (
        error.code === "deadline_exceeded" &&
        state.deadline !== undefined &&
        clock.now() >= state.deadline - 1 &&
        !isKServeError(unwrap(caught))
      ) {
        const last =
          state.lastError !== undefined && state.lastError.code !== "deadline_exceeded"
            ? ` (last: ${state.lastError.rawMessage})`
            : "";
        throw new TimeoutError(
          `No answer from gRPC ${place.rpc} within ${timeoutMs} ms${after && `,${after}`}${last}.`,
          {
            cause: state.lastError ?? caught,
            model: place.model,
            grpcCode: Code.DeadlineExceeded,
            attempts,
          },
        );
      }
      throw afterAttempts(error, state.attempts);
    }
  }

  const readiness = async (
    method: typeof service.serverReady | typeof service.modelReady | typeof service.serverLive,
    message: object,
    call: CallOptions,
    place: GrpcCallPlace,
    notFoundIsFalse: boolean,
  ): Promise<ReadinessAnswer> => {
    const isAnswer = notFoundIsFalse ? (error: KServeError) => error.code === "not_found" : undefined;
    try {
      const response = (await unary(
        method as DescMethodUnary<DescMessage, DescMessage>,
        message as never,
        call,
        place,
        isAnswer,
      )) as { ready?: boolean; live?: boolean };
      const ready = response.ready ?? response.live ?? false;
      return ready
        ? { ready }
        : { ready, answer: `answered ${place.rpc} ${response.ready === undefined ? "live" : "ready"}: false` };
    } catch (error) {
      if (isAnswer !== undefined && isKServeError(error) && isAnswer(error))
        return { ready: false, answer: `answered NOT_FOUND: ${error.rawMessage}` };
      throw error;
    }
  };
  /** An unknown model is an answer here (NOT_FOUND: not ready), not an error. */
  const modelReadiness = (model: string, call: CallOptions & { version?: string | undefined }) =>
    readiness(
      service.modelReady,
      { name: checkModel(model), version: call.version ?? "" },
      call,
      { rpc: "ModelReady", model },
      true,
    );
  const ready = async (...args: Parameters<typeof readiness>) => (await readiness(...args)).ready;

  const client: V2Client = {
    async infer(model: string, request: InferRequest, call: InferCallOptions = {}) {
      checkInferRequest(checkModel(model), request);
      const message = toModelInferRequest(model, call.version, request);
      const response = await unary(service.modelInfer, message, call, { rpc: "ModelInfer", model });
      try {
        return fromModelInferResponse(model, response);
      } catch (error) {
        throw locateProtocolError(error, `of model "${model}" to gRPC ModelInfer`, { model });
      }
    },
    serverLive: (call = {}) => ready(service.serverLive, {}, call, { rpc: "ServerLive" }, false),
    serverReady: (call = {}) => ready(service.serverReady, {}, call, { rpc: "ServerReady" }, false),
    modelReady: async (model, call = {}) => (await modelReadiness(model, call)).ready,
    async serverMetadata(call = {}): Promise<ServerMetadata> {
      const m = await unary(service.serverMetadata, {}, call, { rpc: "ServerMetadata" });
      return { name: m.name, version: m.version || undefined, extensions: m.extensions };
    },
    async modelMetadata(model, call = {}): Promise<ModelMetadata> {
      const m = await unary(service.modelMetadata, { name: checkModel(model), version: call.version ?? "" }, call, {
        rpc: "ModelMetadata",
        model,
      });
      return toModelMetadata(m);
    },
    waitForModelReady: async (model, wait = {}) =>
      waitUntilReady((call) => modelReadiness(model, call), checkModel(model), wait),
  };
  return client;
}

/** What the retry policy needs to know about a failed attempt. */
function outcomeOf(error: KServeError, policy: RetryPolicy): AttemptOutcome {
  if (error instanceof ConnectionError) return error.retryable ? { kind: "connection" } : { kind: "final" };
  if (error.grpcCode === undefined) return { kind: "final" }; // the SDK's own (auth provider, …): not the server's
  if (error.code === "deadline_exceeded" && policy.attemptTimeoutMs !== undefined) return { kind: "attempt-timeout" };
  return { kind: "grpc", code: error.code };
}

/** The server's gRPC retry pushback (`grpc-retry-pushback-ms`), if it sent a usable one. */
function pushbackMs(error: unknown): number | undefined {
  const value = error instanceof ConnectError ? error.metadata.get("grpc-retry-pushback-ms") : null;
  return value !== null && value !== undefined && /^\d+$/.test(value.trim()) ? Number(value) : undefined;
}

/** connect wraps whatever an interceptor threw; the SDK's own error is its cause then. */
function unwrap(error: unknown): unknown {
  if (error instanceof ConnectError && isKServeError(error.cause)) return error.cause;
  return error;
}

function asKServeError(caught: unknown, place: GrpcCallPlace, recognise: FailureRecogniser | undefined): KServeError {
  const error = unwrap(caught);
  if (isKServeError(error)) return error;
  return fromConnectError(error instanceof ConnectError ? error : ConnectError.from(error), place, recognise);
}
