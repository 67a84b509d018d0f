/**
 * `kserve-client/grpc/descriptors`: the protobuf-es descriptors of KServe's V2 gRPC service
 * (`inference.GRPCInferenceService`), for code that speaks the protocol without the SDK's client: connect's
 * `createClient`, a test server's `router.service`, `create`/`toBinary` of a message. Loading this entry loads
 * `@bufbuild/protobuf` (an optional peer dependency), which using a descriptor needs anyway; `kserve-client/grpc`
 * itself loads it only when a call is made.
 * @module
 */
export { GRPCInferenceService, ModelInferRequestSchema, ModelInferResponseSchema } from "./protobuf.js";
export type { ModelInferRequest, ModelInferResponse } from "./protobuf.js";
